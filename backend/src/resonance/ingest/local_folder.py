"""``resonance library scan PATH…``: local files → catalogue tracks with descriptors.

Walks the roots without following symlinks out of them, skips files whose size and
mtime have not changed since the last scan, reads tags and extracts descriptors on a
process pool, then joins each file to a catalogue track: the one already holding
this path, else a Spotify track with the same ISRC, else one with the same
normalised artist + title and a duration within a few seconds, else a new local
track. Bad files are recorded with their reason and the scan carries on.

Nothing under the roots is trusted: only regular files are handed to the decoder (a
FIFO named ``*.mp3`` would block its reader forever), folders that cannot be listed
are reported rather than silently missing, file names need not be UTF-8, and a file
that failed is read again on the next scan (it may have been fixed without its size
or mtime changing, e.g. by ``chmod``).
"""

from __future__ import annotations

import asyncio
import os
import stat as stat_mode
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import audio, catalog
from resonance.audio import Outcome, Tags, make_pool, scan_file, worker_count
from resonance.db import LibraryFile, Track
from resonance.ingest import repository
from resonance.settings import Settings

AUDIO_EXTENSIONS = frozenset(
    {
        ".mp3",
        ".flac",
        ".ogg",
        ".oga",
        ".opus",
        ".wav",
        ".aif",
        ".aiff",
        ".m4a",
        ".mp4",
        ".aac",
        ".wma",
    }
)
COMMIT_EVERY = 50
# Decoder failure codes that depend only on the file's bytes (see audio/decode.py).
CONTENT_VERDICTS = frozenset(
    {"empty", "truncated", "bad_format", "size_mismatch", "too_short", "silent"}
)
Progress = Callable[[int, int], Awaitable[None] | None]


@dataclass(slots=True)
class ScanSummary:
    found: int = 0  # audio files under the roots
    analysed: int = 0
    unchanged: int = 0  # same size and mtime as last scan: not read again
    failed: int = 0
    skipped: int = 0  # not followed or not readable (see reasons)
    matched: int = 0  # joined to an existing (Spotify) track
    created: int = 0  # new local-only tracks
    removed: int = 0  # recorded on an earlier scan, gone now: unlinked from their tracks
    reasons: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)  # reason → one file (and detail)

    def note(self, reason: str, path: Path | str, detail: str | None = None) -> None:
        self.reasons[reason] += 1
        where = stored_path(path)  # printable even when the name is not UTF-8
        self.examples.setdefault(reason, f"{where} ({detail})" if detail else where)

    def as_dict(self) -> dict[str, Any]:
        keys = (
            "found",
            "analysed",
            "unchanged",
            "failed",
            "skipped",
            "matched",
            "created",
            "removed",
        )
        return {k: getattr(self, k) for k in keys} | {"reasons": dict(self.reasons)}


@dataclass(frozen=True, slots=True)
class Candidate:
    root: Path
    path: Path  # resolved, inside ``root``; what the decoder opens
    size: int
    mtime_ns: int

    @property
    def key(self) -> str:
        """The path as stored in the database (see ``stored_path``)."""
        return stored_path(self.path)


def stored_path(path: Path | str) -> str:
    """``path`` as text a database (and a terminal) accepts.

    POSIX file names are bytes; Python decodes the ones that are not UTF-8 with
    surrogate escapes, which neither PostgreSQL, SQLite's driver nor a UTF-8 console
    can encode, so one such name used to abort the whole scan. Their undecodable bytes
    are written as ``\\xNN`` instead; the decoder still opens the real ``Path``.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def walk(roots: Sequence[Path], summary: ScanSummary) -> list[Candidate]:
    """Audio files under ``roots``; symlinks are followed only when they stay inside."""
    real_roots = [Path(r).resolve() for r in roots]
    seen: set[Path] = set()
    out: list[Candidate] = []

    def unreadable(error: OSError) -> None:
        # os.walk drops a folder it cannot list unless told; the listener should know.
        summary.skipped += 1
        summary.note(f"cannot read folder: {error.strerror or error}", error.filename or "?")

    for root in real_roots:
        if not root.is_dir():
            summary.skipped += 1
            summary.note("not a folder", root)
            continue
        for folder, dirs, files in os.walk(root, onerror=unreadable, followlinks=False):
            for name in dirs:
                if (Path(folder) / name).is_symlink():
                    summary.note("symlinked folder not followed", Path(folder) / name)
            for name in sorted(files):
                path = Path(folder) / name
                if path.suffix.lower() not in AUDIO_EXTENSIONS:
                    continue
                real = path.resolve()
                if not any(real.is_relative_to(r) for r in real_roots):
                    summary.skipped += 1
                    summary.note("symlink leads outside the scanned folders", path)
                    continue
                if real in seen:
                    continue
                seen.add(real)
                try:
                    stat = real.stat()  # stat never blocks, whatever the file is
                except OSError as exc:
                    summary.skipped += 1
                    summary.note(f"cannot stat: {exc.strerror}", path)
                    continue
                if not stat_mode.S_ISREG(stat.st_mode):
                    # Opening a FIFO blocks until a writer appears; devices and sockets
                    # are no audio either.
                    summary.skipped += 1
                    summary.note("not a regular file (FIFO, socket or device)", path)
                    continue
                out.append(Candidate(root, real, stat.st_size, stat.st_mtime_ns))
    summary.found = len(out)
    return out


async def scan_folders(
    roots: Sequence[str | Path],
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    progress: Progress | None = None,
    pool: Executor | None = None,
) -> ScanSummary:
    """Scan folders of audio files into the catalogue, incrementally.

    Parameters
    ----------
    roots : sequence of path
        Folders to walk. Symlinks are followed only when their target is inside one
        of the roots; symlinked folders are not entered.
    sessionmaker : async_sessionmaker
        Results are committed every ``COMMIT_EVERY`` files.
    settings : Settings
        ``audio_sample_rate``, ``audio_excerpt_seconds``, ``audio_workers`` and
        ``library_match_tolerance_seconds``.
    progress : callable (done, total), optional
        Called as each changed file finishes (sync or async).
    pool : Executor, optional
        Default: a new pool of warmed worker processes, shut down at the end.

    Returns
    -------
    ScanSummary
        Files found, analysed, unchanged, failed and skipped, with reasons.
    """
    summary = ScanSummary()
    candidates = walk([Path(r) for r in roots], summary)
    async with sessionmaker() as session:
        known = await repository.library_files(session, [c.key for c in candidates])
        present = {c.key for c in candidates}
        summary.removed = await _forget_missing(session, existing_roots(roots), present)
        await session.commit()
    todo = []
    for c in candidates:
        row = known.get(c.key)
        if row is not None and _settled(row) and (row.size, row.mtime_ns) == (c.size, c.mtime_ns):
            summary.unchanged += 1
        else:
            todo.append(c)
    if not todo:
        return summary
    own_pool = pool is None
    if pool is None:
        pool = await asyncio.to_thread(
            make_pool,
            min(worker_count(settings.audio_workers), len(todo)),
            settings.resolved_numba_cache_dir,
        )
    loop = asyncio.get_running_loop()
    sr, excerpt = settings.audio_sample_rate, settings.audio_excerpt_seconds

    async def one(c: Candidate) -> tuple[Candidate, tuple[Tags, Outcome]]:
        return c, await loop.run_in_executor(pool, scan_file, str(c.path), sr, excerpt)

    tasks = [asyncio.ensure_future(one(c)) for c in todo]
    # Say how many files there are before the first one is done: starting the workers
    # (and, on a first run, compiling the DSP code) takes a while.
    if progress is not None and (result := progress(0, len(todo))) is not None:
        await result
    try:
        async with sessionmaker() as session:
            for done, next_result in enumerate(asyncio.as_completed(tasks), start=1):
                candidate, (tags, outcome) = await next_result
                await _record(session, candidate, tags, outcome, settings, summary)
                if done % COMMIT_EVERY == 0:
                    await session.commit()
                if progress is not None and (result := progress(done, len(todo))) is not None:
                    await result
            await session.commit()
    finally:
        for task in tasks:
            task.cancel()
        if own_pool:
            pool.shutdown(wait=True, cancel_futures=True)
    return summary


def _settled(row: LibraryFile) -> bool:
    """Whether an unchanged file's last result still holds.

    A verdict on the bytes (silent, empty, truncated…) holds until they change. Any
    other failure is retried: permissions, a mount, a missing decoder or a DSP bug may
    have been fixed since, and none of those changes the file's size or mtime.
    """
    if row.status != "failed":
        return True
    code = (row.reason or "").split(":", 1)[0]
    return code in CONTENT_VERDICTS


def existing_roots(roots: Sequence[str | Path]) -> list[str]:
    """Resolved roots that are folders now. A root that is missing (an unmounted drive)
    is left out, so its files are not taken for deleted."""
    return sorted({stored_path(Path(r).resolve()) for r in roots if Path(r).is_dir()})


async def _forget_missing(session: AsyncSession, roots: list[str], present: set[str]) -> int:
    """Unlink files recorded under these roots that this walk did not find."""
    gone = 0
    for root in roots:
        for row in await repository.library_files_under(session, root):
            if row.path not in present:
                await repository.forget_library_file(session, row)
                gone += 1
    return gone


async def _record(
    session: AsyncSession,
    c: Candidate,
    tags: Tags,
    outcome: Outcome,
    settings: Settings,
    summary: ScanSummary,
) -> None:
    track_id: int | None = None
    if outcome.ok and outcome.features is not None and outcome.summary is not None:
        fingerprint = f"{c.size}:{c.mtime_ns}"
        track_id, how = await _join(session, c, tags, outcome, fingerprint, settings)
        if how == "matched":
            summary.matched += 1
        elif how == "created":
            summary.created += 1
        await audio.store_outcome(session, track_id, outcome, "local")
        summary.analysed += 1
        status, reason = "analysed", None
    else:
        summary.failed += 1
        reason = f"{outcome.code}: {outcome.reason}"
        summary.note(outcome.code or "failed", c.path, outcome.reason)
        status = "failed"
    await repository.record_library_file(
        session,
        path=c.key,
        root=stored_path(c.root),
        size=c.size,
        mtime_ns=c.mtime_ns,
        status=status,
        reason=reason,
        track_id=track_id,
    )


async def _join(
    session: AsyncSession,
    c: Candidate,
    tags: Tags,
    outcome: Outcome,
    fingerprint: str,
    settings: Settings,
) -> tuple[int, str]:
    """(track id, "existing" | "matched" | "created") for a decodable file."""
    path = c.key
    existing = await catalog.find_track_by_local_path(session, path)
    if existing is not None:
        await catalog.set_local_file(session, existing.id, local_path=path, fingerprint=fingerprint)
        return existing.id, "existing"
    duration = tags.duration or outcome.duration
    match = await match_track(session, tags, duration, settings.library_match_tolerance_seconds)
    if match is not None:
        await catalog.set_local_file(session, match.id, local_path=path, fingerprint=fingerprint)
        return match.id, "matched"
    track_id = await catalog.create_local_track(
        session,
        name=tags.title,
        artist_names=tags.artists,
        album_name=tags.album,
        duration_ms=int(duration * 1000) if duration else None,
        isrc=tags.isrc,
        local_path=path,
        local_fingerprint=fingerprint,
    )
    if tags.genres:
        await catalog.add_track_genres(session, {track_id: tags.genres}, source="tag")
    return track_id, "created"


async def match_track(
    session: AsyncSession, tags: Tags, duration: float | None, tolerance: float
) -> Track | None:
    """A catalogue track without a local file that is this file's song.

    ISRC first (exact); else normalised title + primary artist with the duration
    within ``tolerance`` seconds (an unknown duration on either side does not match,
    so a live or extended version with the same title is not taken for the original).
    """
    free = [t for t in await _by_isrc(session, tags.isrc) if t.local_path is None]
    if free:
        return _prefer_spotify(free)
    if not tags.artists:
        return None
    candidates = await catalog.find_tracks_by_title_artist(session, tags.title, tags.artists[0])
    close = [
        t
        for t in candidates
        if t.local_path is None
        and duration is not None
        and t.duration_ms is not None
        and abs(t.duration_ms / 1000 - duration) <= tolerance
    ]
    return _prefer_spotify(close) if close else None


async def _by_isrc(session: AsyncSession, isrc: str | None) -> list[Track]:
    return await catalog.find_tracks_by_isrc(session, isrc) if isrc else []


def _prefer_spotify(tracks: list[Track]) -> Track:
    return sorted(tracks, key=lambda t: (t.spotify_id is None, t.id))[0]
