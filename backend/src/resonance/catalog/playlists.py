"""Queries over playlists and their entries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.catalog.schemas import EntryIn, PlaylistIn
from resonance.db import (
    Playlist,
    PlaylistEntry,
    UserPlaylist,
    upsert_many,
)

# The id an imported playlist goes by in the API and the web app: "imported-<Resonance id>".
# A Spotify id is base62, never holding a hyphen, so the two kinds of key cannot collide.
IMPORTED_PREFIX = "imported-"
_ID_MAX = 2**31 - 1  # the id column is a 32-bit INTEGER on PostgreSQL


def playlist_key(playlist: Playlist) -> str | None:
    """The playlist's public id: its Spotify id, or "imported-<id>" for an imported one."""
    if playlist.spotify_id:
        return playlist.spotify_id
    return f"{IMPORTED_PREFIX}{playlist.id}" if playlist.source == "exportify" else None


def imported_playlist_id(key: str) -> int | None:
    """The Resonance id inside an "imported-<id>" key; None for any other string."""
    number = key.removeprefix(IMPORTED_PREFIX)
    if number == key or not number.isascii() or not number.isdigit():
        return None
    value = int(number)
    return value if 0 < value <= _ID_MAX else None


def is_imported_key(key: str) -> bool:
    return key.startswith(IMPORTED_PREFIX)


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


async def get_playlist_by_key(session: AsyncSession, key: str) -> Playlist | None:
    """The playlist with this public id (`playlist_key`): a Spotify id or "imported-<id>"."""
    if not is_imported_key(key):
        return await get_playlist_by_spotify_id(session, key)
    number = imported_playlist_id(key)
    playlist = await session.get(Playlist, number) if number is not None else None
    return playlist if playlist is not None and playlist.source == "exportify" else None


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


async def imported_playlist(
    session: AsyncSession, name: str, size: int, owners: Sequence[int] = ()
) -> Playlist:
    """The Exportify playlist called `name` in the library of `owners` (created on their
    first import of it, replaced by a re-import), sized `size`. Another listener's import
    of the same name is another playlist: a re-import never touches someone else's."""
    imports = select(UserPlaylist.playlist_id).where(UserPlaylist.relation == "imported")
    mine = (
        Playlist.id.in_(imports.where(UserPlaylist.user_id.in_(owners)))
        if owners
        else Playlist.id.not_in(imports)
    )
    playlist = await session.scalar(
        select(Playlist)
        .where(Playlist.source == "exportify", Playlist.name == name, mine)
        .order_by(Playlist.id)
        .limit(1)
    )
    if playlist is None:
        playlist = Playlist(name=name, source="exportify", contents_available=True)
        session.add(playlist)
    playlist.total_items = size
    await session.flush()
    return playlist


async def find_imported_playlist(session: AsyncSession, name: str) -> Playlist | None:
    """An Exportify playlist imported before under this name (re-imports replace it)."""
    return await session.scalar(
        select(Playlist)
        .where(Playlist.source == "exportify", Playlist.name == name)
        .order_by(Playlist.id)
        .limit(1)
    )


async def playlist_entries(
    session: AsyncSession, playlist_id: int
) -> list[tuple[int, int, datetime | None]]:
    """(position, track id, added_at) in order."""
    rows = await session.execute(
        select(PlaylistEntry.position, PlaylistEntry.track_id, PlaylistEntry.added_at)
        .where(PlaylistEntry.playlist_id == playlist_id)
        .order_by(PlaylistEntry.position)
    )
    return [(pos, tid, at) for pos, tid, at in rows.all()]


async def ingested_playlist_tracks(session: AsyncSession, key: str) -> list[int] | None:
    """Track ids of an ingested (or imported) playlist in order; None when it was never
    ingested. `key` is its public id: a Spotify id or "imported-<id>"."""
    playlist = await get_playlist_by_key(session, key)
    if playlist is None or playlist.ingested_snapshot_id is None:
        return None
    return await playlist_track_ids(session, playlist.id)
