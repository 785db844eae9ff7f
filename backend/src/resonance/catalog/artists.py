"""Queries over artists, albums and genres."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.catalog.normalise import artist_key, fold
from resonance.catalog.schemas import AlbumIn, ArtistIn, NamedObjectIn
from resonance.db import (
    Album,
    Artist,
    ArtistGenre,
    Genre,
    TrackArtist,
    TrackGenre,
    insert_ignore,
    upsert_returning,
    utcnow,
)


def clean_genre(name: str) -> str:
    return " ".join(name.casefold().split())


async def ensure_genres(session: AsyncSession, names: Iterable[str]) -> dict[str, int]:
    cleaned = sorted({clean_genre(n) for n in names if n and n.strip()})
    if not cleaned:
        return {}
    await insert_ignore(
        session,
        Genre,
        [{"name": n} for n in cleaned],
        keys=["name"],
    )
    rows = await session.execute(select(Genre.name, Genre.id).where(Genre.name.in_(cleaned)))
    return {name: gid for name, gid in rows.all()}


async def set_artist_genres(session: AsyncSession, genres_by_artist: dict[int, list[str]]) -> None:
    if not genres_by_artist:
        return
    genre_ids = await ensure_genres(session, (g for gs in genres_by_artist.values() for g in gs))
    await session.execute(
        delete(ArtistGenre).where(ArtistGenre.artist_id.in_(list(genres_by_artist)))
    )
    rows = [
        {"artist_id": artist_id, "genre_id": genre_ids[clean_genre(g)]}
        for artist_id, genres in genres_by_artist.items()
        for g in genres
        if g and g.strip()
    ]
    await insert_ignore(session, ArtistGenre, rows, keys=["artist_id", "genre_id"])
    await session.execute(
        update(Artist)
        .where(Artist.id.in_(list(genres_by_artist)))
        .values(details_fetched_at=utcnow())
    )


async def add_track_genres(
    session: AsyncSession, genres_by_track: dict[int, list[str]], *, source: str
) -> None:
    genre_ids = await ensure_genres(session, (g for gs in genres_by_track.values() for g in gs))
    rows = [
        {"track_id": track_id, "genre_id": genre_ids[clean_genre(g)], "source": source}
        for track_id, genres in genres_by_track.items()
        for g in genres
        if g and g.strip()
    ]
    await insert_ignore(session, TrackGenre, rows, keys=["track_id", "genre_id"])


async def genres_for_tracks(
    session: AsyncSession, track_ids: Sequence[int]
) -> dict[int, list[str]]:
    """Genres of each track: its own (tags, CSV) plus its artists'; sorted, de-duplicated."""
    out: dict[int, set[str]] = {tid: set() for tid in track_ids}
    for chunk_start in range(0, len(track_ids), 500):
        chunk = list(track_ids[chunk_start : chunk_start + 500])
        via_artist = (
            select(TrackArtist.track_id, Genre.name)
            .join(ArtistGenre, ArtistGenre.artist_id == TrackArtist.artist_id)
            .join(Genre, Genre.id == ArtistGenre.genre_id)
            .where(TrackArtist.track_id.in_(chunk))
        )
        direct = (
            select(TrackGenre.track_id, Genre.name)
            .join(Genre, Genre.id == TrackGenre.genre_id)
            .where(TrackGenre.track_id.in_(chunk))
        )
        for stmt in (via_artist, direct):
            for track_id, name in (await session.execute(stmt)).all():
                out[track_id].add(name)
    return {tid: sorted(names) for tid, names in out.items()}


async def upsert_artists(session: AsyncSession, artists: Sequence[ArtistIn]) -> dict[str, int]:
    """Upsert artists with Spotify ids; returns {spotify_id: id}. Genres are set when given."""
    ids = await _upsert_named(session, Artist, artists, artist_key, keep_existing=["image_url"])
    with_genres = {
        ids[a.spotify_id]: a.genres for a in artists if a.spotify_id and a.genres is not None
    }
    await set_artist_genres(session, with_genres)
    return ids


async def get_or_create_artist_by_name(session: AsyncSession, name: str) -> int:
    """For sources without Spotify ids (local files): match on the normalised name."""
    return await _get_or_create_named(session, Artist, name, artist_key(name))


async def upsert_albums(session: AsyncSession, albums: Sequence[AlbumIn]) -> dict[str, int]:
    """Upsert albums with Spotify ids; returns {spotify_id: id}."""
    return await _upsert_named(
        session,
        Album,
        albums,
        fold,
        keep_existing=["release_date", "image_url"],
        extra=lambda album: {"release_date": album.release_date},
    )


async def _upsert_named(
    session: AsyncSession,
    model: type[Artist] | type[Album],
    objects: Sequence[NamedObjectIn],
    name_key: Callable[[str], str],
    *,
    keep_existing: list[str],
    extra: Callable[[Any], dict[str, Any]] = lambda _: {},
) -> dict[str, int]:
    """Upsert by Spotify id (objects without one are skipped). Names always update; the
    ``keep_existing`` columns keep their stored value when the new one is unknown."""
    now = utcnow()
    rows = [
        {
            "spotify_id": obj.spotify_id,
            "name": obj.name,
            "name_key": name_key(obj.name),
            "image_url": obj.image_url,
            "created_at": now,
            "updated_at": now,
            **extra(obj),
        }
        for obj in objects
        if obj.spotify_id
    ]
    return await upsert_returning(
        session,
        model,
        rows,
        key="spotify_id",
        update=["name", "name_key", "updated_at"],
        keep_existing=keep_existing,
    )


async def get_or_create_album_by_name(session: AsyncSession, name: str) -> int:
    """Albums named by sources without Spotify ids; never matched to a Spotify album."""
    return await _get_or_create_named(session, Album, name, fold(name), Album.spotify_id.is_(None))


async def _get_or_create_named(
    session: AsyncSession,
    model: type[Artist] | type[Album],
    name: str,
    key: str,
    *conditions: ColumnElement[bool],
) -> int:
    existing = await session.scalar(
        select(model.id).where(model.name_key == key, *conditions).limit(1)
    )
    if existing is not None:
        return existing
    row = model(name=name, name_key=key)
    session.add(row)
    await session.flush()
    return row.id


async def artists_missing_details(session: AsyncSession, spotify_ids: Sequence[str]) -> list[str]:
    """Artists (by Spotify id) whose details — genres — have never been fetched."""
    missing: list[str] = []
    for start in range(0, len(spotify_ids), 500):
        rows = await session.scalars(
            select(Artist.spotify_id).where(
                Artist.spotify_id.in_(list(spotify_ids[start : start + 500])),
                Artist.details_fetched_at.is_(None),
            )
        )
        missing.extend(r for r in rows if r)
    return sorted(missing)


async def artists_without_details(session: AsyncSession, limit: int = 10_000) -> list[str]:
    """Spotify ids of artists whose details (genres) were never fetched."""
    rows = await session.scalars(
        select(Artist.spotify_id)
        .where(Artist.spotify_id.is_not(None), Artist.details_fetched_at.is_(None))
        .order_by(Artist.id)
        .limit(limit)
    )
    return [r for r in rows if r]


async def artist_ids_by_spotify_ids(
    session: AsyncSession, spotify_ids: Sequence[str]
) -> dict[str, int]:
    rows = await session.execute(
        select(Artist.spotify_id, Artist.id).where(Artist.spotify_id.in_(list(spotify_ids)))
    )
    return {str(sid): int(aid) for sid, aid in rows.all() if sid}
