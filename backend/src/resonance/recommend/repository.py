"""Reads the recommendation API needs beyond the catalogue repository."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.catalog.models import Artist, AudioDescriptors, Playlist, PlaylistEntry


async def descriptor_summaries(
    session: AsyncSession, track_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(track_ids), 500):
        rows = await session.execute(
            select(AudioDescriptors.track_id, AudioDescriptors.summary).where(
                AudioDescriptors.track_id.in_(list(track_ids[start : start + 500]))
            )
        )
        out.update({int(t): dict(s) for t, s in rows.all()})
    return out


async def artist_ids_by_spotify_ids(
    session: AsyncSession, spotify_ids: Sequence[str]
) -> dict[str, int]:
    rows = await session.execute(
        select(Artist.spotify_id, Artist.id).where(Artist.spotify_id.in_(list(spotify_ids)))
    )
    return {str(s): int(i) for s, i in rows.all()}


async def ingested_playlist_tracks(session: AsyncSession, spotify_id: str) -> list[int] | None:
    """Track ids of an ingested playlist in order; None when it was never ingested."""
    playlist = await session.scalar(select(Playlist).where(Playlist.spotify_id == spotify_id))
    if playlist is None or playlist.ingested_snapshot_id is None:
        return None
    rows = await session.scalars(
        select(PlaylistEntry.track_id)
        .where(PlaylistEntry.playlist_id == playlist.id)
        .order_by(PlaylistEntry.position)
    )
    return list(rows)
