"""Every catalogue query lives here; callers pass an `AsyncSession` and commit themselves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from resonance.catalog.models import (
    Album,
    Artist,
    ArtistGenre,
    Genre,
    LibraryItem,
    Playlist,
    PlaylistEntry,
    SpotifyAudioFeatures,
    Track,
    TrackArtist,
    TrackGenre,
    User,
    UserPlaylist,
)
from resonance.catalog.normalise import artist_key, fold, title_key
from resonance.catalog.schemas import AlbumIn, ArtistIn, EntryIn, PlaylistIn, TrackIn
from resonance.db.base import utcnow
from resonance.db.upsert import insert_ignore, upsert_many, upsert_returning

# --- users -------------------------------------------------------------------


async def upsert_spotify_user(session: AsyncSession, me: Mapping[str, Any]) -> User:
    """The user behind a Spotify `/me` answer (linked by `account_id`, else the user id)."""
    return await upsert_user(
        session,
        account_id=str(me.get("account_id") or me["id"]),
        spotify_user_id=me.get("id"),
        display_name=me.get("display_name"),
    )


async def upsert_user(
    session: AsyncSession,
    *,
    account_id: str,
    spotify_user_id: str | None = None,
    display_name: str | None = None,
) -> User:
    table = User
    await upsert_returning(
        session,
        table,
        [
            {
                "account_id": account_id,
                "spotify_user_id": spotify_user_id,
                "display_name": display_name,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
        ],
        key="account_id",
        update=["updated_at"],
        keep_existing=["spotify_user_id", "display_name"],
    )
    user = await get_user_by_account(session, account_id)
    assert user is not None
    return user


async def get_user_by_account(session: AsyncSession, account_id: str) -> User | None:
    result = await session.execute(
        select(User).where(User.account_id == account_id).execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def set_user_quota_mode(session: AsyncSession, user_id: int, mode: str) -> None:
    await session.execute(update(User).where(User.id == user_id).values(quota_mode=mode))


# --- genres ------------------------------------------------------------------


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


# --- artists, albums, tracks -------------------------------------------------


async def upsert_artists(session: AsyncSession, artists: Sequence[ArtistIn]) -> dict[str, int]:
    """Upsert artists with Spotify ids; returns {spotify_id: id}. Genres are set when given."""
    now = utcnow()
    rows = [
        {
            "spotify_id": a.spotify_id,
            "name": a.name,
            "name_key": artist_key(a.name),
            "image_url": a.image_url,
            "created_at": now,
            "updated_at": now,
        }
        for a in artists
        if a.spotify_id
    ]
    ids = await upsert_returning(
        session,
        Artist,
        rows,
        key="spotify_id",
        update=["name", "name_key", "updated_at"],
        keep_existing=["image_url"],
    )
    with_genres = {
        ids[a.spotify_id]: a.genres for a in artists if a.spotify_id and a.genres is not None
    }
    await set_artist_genres(session, with_genres)
    return ids


async def get_or_create_artist_by_name(session: AsyncSession, name: str) -> int:
    """For sources without Spotify ids (local files): match on the normalised name."""
    key = artist_key(name)
    existing = await session.scalar(select(Artist.id).where(Artist.name_key == key).limit(1))
    if existing is not None:
        return existing
    artist = Artist(name=name, name_key=key)
    session.add(artist)
    await session.flush()
    return artist.id


async def upsert_albums(session: AsyncSession, albums: Sequence[AlbumIn]) -> dict[str, int]:
    now = utcnow()
    rows = [
        {
            "spotify_id": a.spotify_id,
            "name": a.name,
            "name_key": fold(a.name),
            "release_date": a.release_date,
            "image_url": a.image_url,
            "created_at": now,
            "updated_at": now,
        }
        for a in albums
        if a.spotify_id
    ]
    return await upsert_returning(
        session,
        Album,
        rows,
        key="spotify_id",
        update=["name", "name_key", "updated_at"],
        keep_existing=["release_date", "image_url"],
    )


async def get_or_create_album_by_name(session: AsyncSession, name: str) -> int:
    key = fold(name)
    existing = await session.scalar(
        select(Album.id).where(Album.name_key == key, Album.spotify_id.is_(None)).limit(1)
    )
    if existing is not None:
        return existing
    album = Album(name=name, name_key=key)
    session.add(album)
    await session.flush()
    return album.id


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
    from resonance.catalog.models import SPOTIFY_FEATURE_NAMES

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


# --- playlists and library ---------------------------------------------------


async def upsert_playlist(session: AsyncSession, playlist: PlaylistIn) -> Playlist:
    """Upsert playlist metadata; the ingested snapshot is set by `mark_playlist_ingested`."""
    existing = (
        await session.scalar(select(Playlist).where(Playlist.spotify_id == playlist.spotify_id))
        if playlist.spotify_id
        else None
    )
    target = existing or Playlist(spotify_id=playlist.spotify_id)
    target.name = playlist.name
    target.description = playlist.description
    target.owner_spotify_id = playlist.owner_spotify_id
    target.owner_name = playlist.owner_name
    target.collaborative = playlist.collaborative
    target.public = playlist.public
    target.image_url = playlist.image_url
    target.total_items = playlist.total_items
    target.snapshot_id = playlist.snapshot_id
    target.source = playlist.source
    if existing is None:
        session.add(target)
    await session.flush()
    return target


async def get_playlist(session: AsyncSession, playlist_id: int) -> Playlist | None:
    return await session.get(Playlist, playlist_id)


async def get_playlist_by_spotify_id(session: AsyncSession, spotify_id: str) -> Playlist | None:
    return await session.scalar(select(Playlist).where(Playlist.spotify_id == spotify_id))


async def write_playlist_entries(
    session: AsyncSession, playlist_id: int, entries: Sequence[EntryIn]
) -> None:
    """Write entries at their positions (idempotent; safe to repeat after a crash)."""
    rows = [
        {
            "playlist_id": playlist_id,
            "position": e.position,
            "track_id": e.track_id,
            "added_at": e.added_at,
        }
        for e in entries
    ]
    await upsert_many(
        session,
        PlaylistEntry,
        rows,
        keys=["playlist_id", "position"],
        update=["track_id", "added_at"],
    )


async def truncate_playlist_entries(session: AsyncSession, playlist_id: int, length: int) -> None:
    """Drop entries at positions ≥ length (the playlist got shorter)."""
    await session.execute(
        delete(PlaylistEntry).where(
            PlaylistEntry.playlist_id == playlist_id, PlaylistEntry.position >= length
        )
    )


async def mark_playlist_ingested(
    session: AsyncSession, playlist_id: int, snapshot_id: str | None, *, contents_available: bool
) -> None:
    await session.execute(
        update(Playlist)
        .where(Playlist.id == playlist_id)
        .values(ingested_snapshot_id=snapshot_id, contents_available=contents_available)
    )


async def playlist_track_ids(session: AsyncSession, playlist_id: int) -> list[int]:
    rows = await session.scalars(
        select(PlaylistEntry.track_id)
        .where(PlaylistEntry.playlist_id == playlist_id)
        .order_by(PlaylistEntry.position)
    )
    return list(rows)


async def link_user_playlist(
    session: AsyncSession, user_id: int, playlist_id: int, relation: str
) -> None:
    await upsert_many(
        session,
        UserPlaylist,
        [{"user_id": user_id, "playlist_id": playlist_id, "relation": relation}],
        keys=["user_id", "playlist_id"],
        update=["relation"],
    )


async def user_playlists(session: AsyncSession, user_id: int) -> list[tuple[Playlist, str]]:
    rows = await session.execute(
        select(Playlist, UserPlaylist.relation)
        .join(UserPlaylist, UserPlaylist.playlist_id == Playlist.id)
        .where(UserPlaylist.user_id == user_id)
        .order_by(Playlist.name)
    )
    return [(p, rel) for p, rel in rows.all()]


async def replace_library_items(
    session: AsyncSession,
    user_id: int,
    kind: str,
    items: Sequence[tuple[int, int | None, datetime | None]],
) -> None:
    """Replace the user's `kind` list (saved | top | recent) with (track_id, rank, added_at)."""
    await session.execute(
        delete(LibraryItem).where(LibraryItem.user_id == user_id, LibraryItem.kind == kind)
    )
    seen: set[int] = set()
    rows = []
    for track_id, rank, added_at in items:
        if track_id in seen:  # recently played repeats a track; keep its latest play
            continue
        seen.add(track_id)
        rows.append(
            {
                "user_id": user_id,
                "track_id": track_id,
                "kind": kind,
                "rank": rank,
                "added_at": added_at,
            }
        )
    await insert_ignore(
        session,
        LibraryItem,
        rows,
        keys=["user_id", "track_id", "kind"],
    )


async def library_track_ids(
    session: AsyncSession, user_id: int, kinds: Sequence[str] = ("saved", "top", "recent")
) -> list[int]:
    rows = await session.scalars(
        select(LibraryItem.track_id)
        .where(LibraryItem.user_id == user_id, LibraryItem.kind.in_(list(kinds)))
        .distinct()
    )
    return sorted(rows)


async def library_items(session: AsyncSession, user_id: int, kind: str) -> list[LibraryItem]:
    rows = await session.scalars(
        select(LibraryItem)
        .where(LibraryItem.user_id == user_id, LibraryItem.kind == kind)
        .order_by(LibraryItem.rank, LibraryItem.track_id)
    )
    return list(rows)


# --- counts (health, tests, progress) ----------------------------------------


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
