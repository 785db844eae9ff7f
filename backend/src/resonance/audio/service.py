"""Analyse the catalogue tracks that need descriptors: find audio, extract, store.

A worker process that dies (SIGSEGV in a decoder, the OOM killer, kill -9) breaks
the whole process pool: every file in flight fails with BrokenProcessPool. Those
files are analysed again one at a time in a fresh pool, so the one that kills its
worker again is marked ``failed`` with the reason (its exit signal) and the others
are stored; a pool whose workers die before doing any work raises `WorkerCrashed`.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.audio import repository
from resonance.audio.descriptors import DESCRIPTOR_VERSION
from resonance.audio.download import DownloadError
from resonance.audio.sources import Located, TrackAudioRef, locate
from resonance.audio.workers import (
    Outcome,
    WorkerCrashed,
    analyse_file,
    exit_reasons,
    make_pool,
    pool_processes,
    worker_count,
)
from resonance.settings import Settings

logger = logging.getLogger(__name__)

Progress = Callable[[int, int, str], Awaitable[None]]
BATCH = 64
DOWNLOAD_CONCURRENCY = 4


@dataclass(slots=True)
class AnalysisReport:
    total: int = 0
    analysed: int = 0
    failed: int = 0
    no_audio: int = 0
    retry_later: int = 0  # transient download errors: left pending
    reasons: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        """The counts as plain JSON; only the 20 commonest failure reasons."""
        return {
            **asdict(self),
            "reasons": dict(self.reasons.most_common(20)),
            "sources": dict(self.sources),
        }


async def analyse_tracks(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    track_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
    pool: Executor | None = None,
    client: httpx.AsyncClient | None = None,
    new_pool: Callable[[], Executor] | None = None,
) -> AnalysisReport:
    """Find audio for every track that needs analysis and store its descriptors.

    Parameters
    ----------
    sessionmaker : async_sessionmaker
        Database sessions; each batch of results is committed on its own, so an
        interrupted run keeps what it finished and a re-run continues (idempotent).
    settings : Settings
        ``audio_*`` and ``download_*`` settings, ``preview_provider_url``, ``data_dir``.
    track_ids : sequence of int, optional
        Restrict to these tracks; default every track that is ``pending`` or whose
        descriptors are missing or of an older ``DESCRIPTOR_VERSION``.
    progress : async callable (done, total, stage), optional
        Called after every batch.
    pool : Executor, optional
        Where decoding and extraction run; default a new pool of ``audio_workers``
        warmed processes, shut down at the end.
    client : httpx.AsyncClient, optional
        For downloads (tests pass one); default a client per run.
    new_pool : callable, optional
        Makes a fresh pool after a worker died (blocking; run in a thread); default
        `make_pool` with ``audio_workers``. The broken pool is shut down first.

    Returns
    -------
    AnalysisReport
        Counts of analysed / failed / no_audio / retry_later tracks and the reasons.
    """
    report = AnalysisReport()
    version = DESCRIPTOR_VERSION
    async with sessionmaker() as session:
        report.total = await repository.count_to_analyse(session, version, track_ids)
    if report.total == 0:
        return report
    own_pool, own_client = pool is None, client is None
    if new_pool is None:
        workers = min(worker_count(settings.audio_workers), report.total)
        new_pool = partial(make_pool, workers, settings.resolved_numba_cache_dir)
    if pool is None:
        pool = await asyncio.to_thread(new_pool)
    pools = Pools(pool, new_pool)
    client = client or httpx.AsyncClient(timeout=settings.download_timeout)
    after_id, done = 0, 0
    try:
        while True:
            async with sessionmaker() as session:
                batch = await repository.tracks_to_analyse(
                    session, version, after_id=after_id, limit=BATCH, track_ids=track_ids
                )
            if not batch:
                break
            after_id = batch[-1].id
            await _run_batch(batch, sessionmaker, settings, pools, client, report)
            done += len(batch)
            if progress is not None:
                await progress(min(done, report.total), report.total, "analysing audio")
    finally:
        if own_pool:
            pools.current.shutdown(wait=True, cancel_futures=True)
        if own_client:
            await client.aclose()
    return report


class Pools:
    """The current worker pool, and a fresh one after a worker died."""

    def __init__(self, current: Executor, factory: Callable[[], Executor]) -> None:
        self.current = current
        self.factory = factory

    async def analyse(self, path: str, settings: Settings) -> Outcome:
        loop = asyncio.get_running_loop()
        pool = self.current
        try:
            return await loop.run_in_executor(
                pool,
                analyse_file,
                path,
                settings.audio_sample_rate,
                settings.audio_excerpt_seconds,
            )
        except OSError as error:
            # Submitting to a pool that is breaking can fail on its closed pipes instead.
            if getattr(pool, "_broken", False):
                raise BrokenProcessPool(str(error)) from error
            raise

    async def ensure_usable(self) -> None:
        """Replace a broken pool; raise `WorkerCrashed` if the new one dies on start-up."""
        if not getattr(self.current, "_broken", False):
            return
        self.current.shutdown(wait=False, cancel_futures=True)
        self.current = await asyncio.to_thread(self.factory)
        processes: list[Any] = []
        try:
            future = asyncio.get_running_loop().run_in_executor(self.current, os.getpid)
            processes = pool_processes(self.current)
            await future
        except BrokenProcessPool as error:
            reasons = await asyncio.to_thread(exit_reasons, processes)
            raise WorkerCrashed(
                f"audio worker processes die on start-up ({reasons}); no file can be analysed"
            ) from error

    async def alone(self, path: str, settings: Settings) -> Outcome:
        """Analyse one file with no other in flight: a crash is this file's."""
        await self.ensure_usable()
        future = asyncio.ensure_future(self.analyse(path, settings))
        await asyncio.sleep(0)  # the submission spawns the worker processes
        processes = pool_processes(self.current)
        try:
            return await future
        except BrokenProcessPool:
            reason = await asyncio.to_thread(exit_reasons, processes)
            logger.warning("a file crashed its audio worker", extra={"reason": reason})
            return Outcome(
                code="worker_crashed",
                reason=f"the analysis process died on this file ({reason})",
            )


async def _run_batch(
    batch: list[TrackAudioRef],
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    pools: Pools,
    client: httpx.AsyncClient,
    report: AnalysisReport,
) -> None:
    limit = asyncio.Semaphore(DOWNLOAD_CONCURRENCY)

    async def find(track: TrackAudioRef) -> Located | str | None:
        async with limit:
            try:
                search = await locate(track, settings, client)
            except DownloadError as exc:  # transient: leave pending for the next run
                report.retry_later += 1
                report.reasons[f"retry: {exc.reason}"] += 1
                return None
        return search.found or search.reason

    found = await asyncio.gather(*(find(t) for t in batch))
    await pools.ensure_usable()
    paths = {
        track.id: str(where.path)
        for track, where in zip(batch, found, strict=True)
        if isinstance(where, Located)
    }
    futures = {
        track_id: asyncio.ensure_future(pools.analyse(path, settings))
        for track_id, path in paths.items()
    }
    results = await asyncio.gather(*futures.values(), return_exceptions=True)
    outcomes: dict[int, Outcome] = {}
    crashed: list[int] = []
    for track_id, result in zip(futures, results, strict=True):
        if isinstance(result, BrokenProcessPool):
            crashed.append(track_id)
        elif isinstance(result, BaseException):
            raise result
        else:
            outcomes[track_id] = result
    if crashed:
        logger.warning(
            "an audio worker died; analysing its batch's files one at a time",
            extra={"files": len(crashed)},
        )
        for track_id in crashed:
            outcomes[track_id] = await pools.alone(paths[track_id], settings)
    async with sessionmaker() as session:
        for track, where in zip(batch, found, strict=True):
            if isinstance(where, str):
                report.no_audio += 1
                report.reasons["no audio"] += 1
                await repository.set_status(session, track.id, "no_audio", where)
            elif isinstance(where, Located):
                await _store(session, track.id, where, outcomes[track.id], report)
        await session.commit()


async def store_outcome(
    session: AsyncSession, track_id: int, outcome: Outcome, source: str
) -> bool:
    """Keep a successful analysis as the track's descriptors (this version, from `source`).

    Returns False, storing nothing, when the analysis did not succeed.
    """
    if not outcome.ok or outcome.features is None or outcome.summary is None:
        return False
    await repository.store_descriptors(
        session,
        track_id,
        version=DESCRIPTOR_VERSION,
        features=outcome.features,
        summary=outcome.summary,
        source=source,
    )
    return True


async def _store(
    session: AsyncSession, track_id: int, where: Located, outcome: Outcome, report: AnalysisReport
) -> None:
    if await store_outcome(session, track_id, outcome, where.kind):
        report.analysed += 1
        report.sources[where.kind] += 1
        return
    report.failed += 1
    report.reasons[outcome.code or "failed"] += 1
    await repository.set_status(
        session, track_id, "failed", f"{where.kind}: {outcome.code}: {outcome.reason}"
    )
