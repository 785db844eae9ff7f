"""Queries ingestion needs beyond the catalogue repository (callers commit)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.catalog.models import (
    Artist,
    LibraryItem,
    Playlist,
    PlaylistEntry,
    SpotifyAudioFeatures,
    Track,
    User,
    UserPlaylist,
)
from resonance.db.upsert import insert_ignore


async def clear_library_kind(session: AsyncSession, user_id: int, kind: str) -> None:
    await session.execute(
        delete(LibraryItem).where(LibraryItem.user_id == user_id, LibraryItem.kind == kind)
    )


async def add_library_items(
    session: AsyncSession,
    user_id: int,
    kind: str,
    items: Sequence[tuple[int, int, datetime | None]],
) -> None:
    """Add (track_id, rank, added_at) rows; a track already listed keeps its first rank."""
    seen: set[int] = set()
    unique = []
    for track_id, rank, added_at in items:
        if track_id in seen:
            continue
        seen.add(track_id)
        unique.append(
            {
                "user_id": user_id,
                "track_id": track_id,
                "kind": kind,
                "rank": rank,
                "added_at": added_at,
            }
        )
    await insert_ignore(session, LibraryItem, unique, keys=["user_id", "track_id", "kind"])


async def artists_without_details(session: AsyncSession, limit: int = 10_000) -> list[str]:
    """Spotify ids of artists whose details (genres) were never fetched."""
    rows = await session.scalars(
        select(Artist.spotify_id)
        .where(Artist.spotify_id.is_not(None), Artist.details_fetched_at.is_(None))
        .order_by(Artist.id)
        .limit(limit)
    )
    return [r for r in rows if r]


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


async def pending_audio_count(session: AsyncSession) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(Track).where(Track.audio_status == "pending")
        )
        or 0
    )


async def get_user_by_spotify_id(session: AsyncSession, spotify_user_id: str) -> User | None:
    return await session.scalar(
        select(User).where(User.spotify_user_id == spotify_user_id).order_by(User.id).limit(1)
    )


async def analysed_counts(session: AsyncSession, playlist_ids: Sequence[int]) -> dict[int, int]:
    """How many tracks of each playlist have audio descriptors (audio_status analysed)."""
    if not playlist_ids:
        return {}
    rows = await session.execute(
        select(PlaylistEntry.playlist_id, func.count(func.distinct(PlaylistEntry.track_id)))
        .join(Track, Track.id == PlaylistEntry.track_id)
        .where(PlaylistEntry.playlist_id.in_(list(playlist_ids)), Track.audio_status == "analysed")
        .group_by(PlaylistEntry.playlist_id)
    )
    return {pid: int(n) for pid, n in rows.all()}


async def user_relation(session: AsyncSession, user_id: int, playlist_id: int) -> str | None:
    return await session.scalar(
        select(UserPlaylist.relation).where(
            UserPlaylist.user_id == user_id, UserPlaylist.playlist_id == playlist_id
        )
    )


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


async def artist_ids_by_spotify_ids(
    session: AsyncSession, spotify_ids: Sequence[str]
) -> dict[str, int]:
    rows = await session.execute(
        select(Artist.spotify_id, Artist.id).where(Artist.spotify_id.in_(list(spotify_ids)))
    )
    return {sid: aid for sid, aid in rows.all() if sid}
