"""Queries over the files a local folder scan has seen (`library_files`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.db import LibraryFile, Track, upsert_many, utcnow


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
