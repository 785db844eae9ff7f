"""Queries of the audio stage: which tracks need analysis, storing results, scanned files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.audio.models import LibraryFile
from resonance.audio.sources import TrackAudioRef
from resonance.catalog.models import AudioDescriptors, Track
from resonance.db.base import utcnow
from resonance.db.upsert import upsert_many


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
    stmt = select(Track.id, Track.local_path, Track.preview_url, Track.isrc).where(
        _needs_analysis(version), Track.id > after_id
    )
    if track_ids is not None:
        stmt = stmt.where(Track.id.in_(list(track_ids)))
    rows = await session.execute(stmt.order_by(Track.id).limit(limit))
    return [TrackAudioRef(int(i), p, u, s) for i, p, u, s in rows.all()]


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


async def library_files(session: AsyncSession, paths: Sequence[str]) -> dict[str, LibraryFile]:
    out: dict[str, LibraryFile] = {}
    for start in range(0, len(paths), 500):
        chunk = list(paths[start : start + 500])
        for row in await session.scalars(select(LibraryFile).where(LibraryFile.path.in_(chunk))):
            out[row.path] = row
    return out


async def record_library_file(
    session: AsyncSession,
    *,
    path: str,
    root: str,
    size: int,
    mtime_ns: int,
    status: str,
    reason: str | None,
    track_id: int | None,
) -> None:
    row = {
        "path": path,
        "root": root,
        "size": size,
        "mtime_ns": mtime_ns,
        "status": status,
        "reason": reason,
        "track_id": track_id,
        "scanned_at": utcnow(),
    }
    await upsert_many(
        session,
        LibraryFile,
        [row],
        keys=["path"],
        update=["root", "size", "mtime_ns", "status", "reason", "track_id", "scanned_at"],
    )


async def library_files_under(session: AsyncSession, root: str) -> list[LibraryFile]:
    """Every recorded file whose path lies inside ``root`` (an absolute folder)."""
    prefix = root.rstrip("/") + "/"
    rows = await session.scalars(
        select(LibraryFile).where(LibraryFile.path.startswith(prefix, autoescape=True))
    )
    return list(rows)


async def forget_library_file(session: AsyncSession, row: LibraryFile) -> None:
    """A file that is gone: drop its record and unlink it from its track.

    The track and its descriptors stay (the audio was analysed; recommendations can
    still use it); only the path, which no longer leads anywhere, is cleared.
    """
    await session.execute(
        update(Track)
        .where(Track.local_path == row.path)
        .values(local_path=None, local_fingerprint=None)
    )
    await session.delete(row)
