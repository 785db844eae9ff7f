"""Queries over tracks and their Spotify audio features."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from resonance.catalog.artists import (
    get_or_create_album_by_name,
    get_or_create_artist_by_name,
    upsert_albums,
    upsert_artists,
)
from resonance.catalog.normalise import artist_key, title_key
from resonance.catalog.schemas import TrackIn
from resonance.db import (
    Album,
    Artist,
    Genre,
    Playlist,
    PlaylistEntry,
    SpotifyAudioFeatures,
    Track,
    TrackArtist,
    User,
    upsert_many,
    upsert_returning,
    utcnow,
)


async def upsert_tracks(session: AsyncSession, tracks: Sequence[TrackIn]) -> dict[str, int]:
    """Upsert Spotify tracks with their albums, artists and artist links; returns {spotify_id: id}.

    Idempotent: running it twice with the same input changes no row count.
    """
    tracks = [t for t in tracks if t.spotify_id]
    if not tracks:
        return {}
    album_ids = await upsert_albums(session, [t.album for t in tracks if t.album])
    artist_ids = await upsert_artists(session, [a for t in tracks for a in t.artists])
    now = utcnow()
    rows = [
        {
            "spotify_id": t.spotify_id,
            "isrc": t.isrc.upper() if t.isrc else None,
            "name": t.name,
            "title_key": title_key(t.name),
            "artist_key": artist_key(t.artists[0].name) if t.artists else "",
            "album_id": album_ids.get(t.album.spotify_id)
            if t.album and t.album.spotify_id
            else None,
            "duration_ms": t.duration_ms,
            "explicit": t.explicit,
            "preview_url": t.preview_url,
            "created_at": now,
            "updated_at": now,
        }
        for t in tracks
    ]
    ids = await upsert_returning(
        session,
        Track,
        rows,
        key="spotify_id",
        update=["name", "title_key", "artist_key", "duration_ms", "explicit", "updated_at"],
        keep_existing=["isrc", "album_id", "preview_url"],
    )
    links = [
        {"track_id": ids[t.spotify_id], "artist_id": artist_ids[a.spotify_id], "position": pos}
        for t in tracks
        for pos, a in enumerate(t.artists)
        if a.spotify_id and t.spotify_id in ids
    ]
    await upsert_many(
        session,
        TrackArtist,
        links,
        keys=["track_id", "artist_id"],
        update=["position"],
    )
    return ids


async def create_local_track(
    session: AsyncSession,
    *,
    name: str,
    artist_names: Sequence[str],
    album_name: str | None,
    duration_ms: int | None,
    isrc: str | None,
    local_path: str,
    local_fingerprint: str,
) -> int:
    """A track known only from a file (no Spotify match)."""
    album_id = await get_or_create_album_by_name(session, album_name) if album_name else None
    track = Track(
        name=name,
        title_key=title_key(name),
        artist_key=artist_key(artist_names[0]) if artist_names else "",
        album_id=album_id,
        duration_ms=duration_ms,
        isrc=isrc.upper() if isrc else None,
        local_path=local_path,
        local_fingerprint=local_fingerprint,
    )
    session.add(track)
    await session.flush()
    for pos, artist_name in enumerate(artist_names):
        artist_id = await get_or_create_artist_by_name(session, artist_name)
        session.add(TrackArtist(track_id=track.id, artist_id=artist_id, position=pos))
    await session.flush()
    return track.id


async def set_local_file(
    session: AsyncSession, track_id: int, *, local_path: str | None, fingerprint: str | None
) -> None:
    await session.execute(
        update(Track)
        .where(Track.id == track_id)
        .values(local_path=local_path, local_fingerprint=fingerprint)
    )


async def find_track_by_local_path(session: AsyncSession, path: str) -> Track | None:
    return await session.scalar(select(Track).where(Track.local_path == path))


async def find_tracks_by_isrc(session: AsyncSession, isrc: str) -> list[Track]:
    rows = await session.scalars(select(Track).where(Track.isrc == isrc.upper()).order_by(Track.id))
    return list(rows)


async def find_tracks_by_title_artist(
    session: AsyncSession, title: str, artist: str
) -> list[Track]:
    rows = await session.scalars(
        select(Track)
        .where(Track.title_key == title_key(title), Track.artist_key == artist_key(artist))
        .order_by(Track.id)
    )
    return list(rows)


async def get_track(session: AsyncSession, track_id: int) -> Track | None:
    return await session.scalar(
        select(Track)
        .where(Track.id == track_id)
        .options(
            selectinload(Track.album),
            selectinload(Track.artist_links).selectinload(TrackArtist.artist),
        )
    )


async def get_tracks(session: AsyncSession, track_ids: Sequence[int]) -> dict[int, Track]:
    out: dict[int, Track] = {}
    for start in range(0, len(track_ids), 500):
        rows = await session.scalars(
            select(Track)
            .where(Track.id.in_(list(track_ids[start : start + 500])))
            .options(
                selectinload(Track.album),
                selectinload(Track.artist_links).selectinload(TrackArtist.artist),
            )
        )
        out.update({t.id: t for t in rows})
    return out


async def track_names(session: AsyncSession, track_ids: Sequence[int]) -> dict[int, str]:
    """{track id: name}: what the map labels its dots with. One column, no album or
    artists: a third of the time `get_tracks` takes for the same tracks."""
    out: dict[int, str] = {}
    for start in range(0, len(track_ids), 500):
        rows = await session.execute(
            select(Track.id, Track.name).where(Track.id.in_(list(track_ids[start : start + 500])))
        )
        out.update({int(track_id): name for track_id, name in rows.all()})
    return out


async def track_ids_by_spotify_ids(
    session: AsyncSession, spotify_ids: Sequence[str]
) -> dict[str, int]:
    out: dict[str, int] = {}
    for start in range(0, len(spotify_ids), 500):
        rows = await session.execute(
            select(Track.spotify_id, Track.id).where(
                Track.spotify_id.in_(list(spotify_ids[start : start + 500]))
            )
        )
        out.update({sid: tid for sid, tid in rows.all() if sid})
    return out


async def tracks_without_spotify_features(
    session: AsyncSession, track_ids: Sequence[int]
) -> list[tuple[int, str]]:
    """(id, spotify_id) of tracks that have a Spotify id but no stored audio features."""
    out: list[tuple[int, str]] = []
    for start in range(0, len(track_ids), 500):
        rows = await session.execute(
            select(Track.id, Track.spotify_id)
            .outerjoin(SpotifyAudioFeatures, SpotifyAudioFeatures.track_id == Track.id)
            .where(
                Track.id.in_(list(track_ids[start : start + 500])),
                Track.spotify_id.is_not(None),
                SpotifyAudioFeatures.track_id.is_(None),
            )
        )
        out.extend((tid, sid) for tid, sid in rows.all() if sid)
    return out


async def upsert_spotify_features(
    session: AsyncSession, features: dict[int, dict[str, Any]], *, source: str
) -> None:
    from resonance.db import SPOTIFY_FEATURE_NAMES

    rows = [
        {"track_id": tid, "source": source, "fetched_at": utcnow()}
        | {name: values.get(name) for name in SPOTIFY_FEATURE_NAMES}
        for tid, values in features.items()
    ]
    await upsert_many(
        session,
        SpotifyAudioFeatures,
        rows,
        keys=["track_id"],
        update=[*SPOTIFY_FEATURE_NAMES, "source", "fetched_at"],
    )


async def count_rows(session: AsyncSession, model: type[Any]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def catalogue_counts(session: AsyncSession) -> dict[str, int]:
    return {
        "tracks": await count_rows(session, Track),
        "artists": await count_rows(session, Artist),
        "albums": await count_rows(session, Album),
        "playlists": await count_rows(session, Playlist),
        "playlist_entries": await count_rows(session, PlaylistEntry),
        "genres": await count_rows(session, Genre),
        "users": await count_rows(session, User),
    }


async def tracks_without_features(
    session: AsyncSession, limit: int = 10_000
) -> list[tuple[int, str]]:
    """(id, spotify id) of Spotify tracks with no stored audio features."""
    rows = await session.execute(
        select(Track.id, Track.spotify_id)
        .outerjoin(SpotifyAudioFeatures, SpotifyAudioFeatures.track_id == Track.id)
        .where(Track.spotify_id.is_not(None), SpotifyAudioFeatures.track_id.is_(None))
        .order_by(Track.id)
        .limit(limit)
    )
    return [(tid, sid) for tid, sid in rows.all() if sid]
