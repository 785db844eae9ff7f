"""Queries of the audio stage: which tracks need analysis, storing results, scanned files."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.audio.sources import TrackAudioRef
from resonance.db import (
    Artist,
    AudioDescriptors,
    PlaylistEntry,
    Track,
    TrackArtist,
    upsert_many,
    utcnow,
)


def _needs_analysis(version: int) -> Any:
    """Pending tracks, and analysed ones whose descriptors are missing or of another version."""
    stale = (
        select(AudioDescriptors.track_id)
        .where(AudioDescriptors.track_id == Track.id, AudioDescriptors.version == version)
        .exists()
    )
    return or_(Track.audio_status == "pending", and_(Track.audio_status == "analysed", ~stale))


async def tracks_to_analyse(
    session: AsyncSession,
    version: int,
    *,
    after_id: int = 0,
    limit: int = 200,
    track_ids: Sequence[int] | None = None,
) -> list[TrackAudioRef]:
    """The next ``limit`` tracks needing analysis, by id (resume with ``after_id``)."""
    # The primary artist's name, for a preview lookup by title when there is no ISRC.
    artist = (
        select(Artist.name)
        .join(TrackArtist, TrackArtist.artist_id == Artist.id)
        .where(TrackArtist.track_id == Track.id)
        .order_by(TrackArtist.position)
        .limit(1)
        .scalar_subquery()
    )
    stmt = select(
        Track.id, Track.local_path, Track.preview_url, Track.isrc, Track.name, artist
    ).where(_needs_analysis(version), Track.id > after_id)
    if track_ids is not None:
        stmt = stmt.where(Track.id.in_(list(track_ids)))
    rows = await session.execute(stmt.order_by(Track.id).limit(limit))
    return [TrackAudioRef(int(i), p, u, s, n, a) for i, p, u, s, n, a in rows.all()]


async def count_to_analyse(
    session: AsyncSession, version: int, track_ids: Sequence[int] | None = None
) -> int:
    stmt = select(func.count()).select_from(Track).where(_needs_analysis(version))
    if track_ids is not None:
        stmt = stmt.where(Track.id.in_(list(track_ids)))
    return int(await session.scalar(stmt) or 0)


async def store_descriptors(
    session: AsyncSession,
    track_id: int,
    *,
    version: int,
    features: np.ndarray,
    summary: dict[str, Any],
    source: str,
) -> None:
    """Upsert the track's descriptors and mark it analysed (idempotent)."""
    row = {
        "track_id": track_id,
        "version": version,
        "features": np.asarray(features, "<f4").tobytes(),
        "summary": summary,
        "source": source,
        "computed_at": utcnow(),
    }
    await upsert_many(
        session,
        AudioDescriptors,
        [row],
        keys=["track_id"],
        update=["version", "features", "summary", "source", "computed_at"],
    )
    await set_status(session, track_id, "analysed", None)


async def set_status(session: AsyncSession, track_id: int, status: str, error: str | None) -> None:
    """``status`` is one of pending | analysed | failed | no_audio."""
    await session.execute(
        update(Track)
        .where(Track.id == track_id)
        .values(audio_status=status, audio_error=error[:1000] if error else None)
    )


async def status_counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(Track.audio_status, func.count()).group_by(Track.audio_status)
    )
    return {str(s): int(n) for s, n in rows.all()}


async def get_descriptors(session: AsyncSession, track_id: int) -> AudioDescriptors | None:
    return await session.get(AudioDescriptors, track_id)


# --- local library -----------------------------------------------------------


async def pending_audio_count(session: AsyncSession) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(Track).where(Track.audio_status == "pending")
        )
        or 0
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


async def _per_track(
    session: AsyncSession, column: Any, track_ids: Sequence[int]
) -> dict[int, Any]:
    """One descriptor column of each analysed track, read 500 ids at a time."""
    out: dict[int, Any] = {}
    for start in range(0, len(track_ids), 500):
        rows = await session.execute(
            select(AudioDescriptors.track_id, column).where(
                AudioDescriptors.track_id.in_(list(track_ids[start : start + 500]))
            )
        )
        out.update({int(t): value for t, value in rows.all()})
    return out


async def descriptor_summaries(
    session: AsyncSession, track_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    found = await _per_track(session, AudioDescriptors.summary, track_ids)
    return {t: dict(summary) for t, summary in found.items()}


async def descriptor_sources(session: AsyncSession, track_ids: Sequence[int]) -> dict[int, str]:
    """Where each analysed track's audio came from: local, preview, provider or synth."""
    found = await _per_track(session, AudioDescriptors.source, track_ids)
    return {t: str(source) for t, source in found.items()}


async def snapshot_audio(
    session: AsyncSession, version: int
) -> list[tuple[int, bytes, dict[str, Any]]]:
    rows = await session.execute(
        select(
            AudioDescriptors.track_id, AudioDescriptors.features, AudioDescriptors.summary
        ).where(AudioDescriptors.version == version)
    )
    return [(int(t), f, s) for t, f, s in rows.all()]


async def audio_for_tracks(
    session: AsyncSession, version: int, track_ids: Sequence[int]
) -> list[tuple[int, bytes, dict[str, Any]]]:
    """`snapshot_audio` for some tracks only: an index fed between builds reads these."""
    out: list[tuple[int, bytes, dict[str, Any]]] = []
    for start in range(0, len(track_ids), 500):
        rows = await session.execute(
            select(
                AudioDescriptors.track_id, AudioDescriptors.features, AudioDescriptors.summary
            ).where(
                AudioDescriptors.version == version,
                AudioDescriptors.track_id.in_(list(track_ids[start : start + 500])),
            )
        )
        out += [(int(t), f, s) for t, f, s in rows.all()]
    return out


async def analysed_since(
    session: AsyncSession, version: int, since: datetime
) -> list[tuple[int, datetime]]:
    """(track id, computed at) of descriptors of this version computed after `since`."""
    rows = await session.execute(
        select(AudioDescriptors.track_id, AudioDescriptors.computed_at).where(
            AudioDescriptors.version == version, AudioDescriptors.computed_at > since
        )
    )
    return [(int(t), at) for t, at in rows.all()]
