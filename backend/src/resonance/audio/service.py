"""Analyse the catalogue tracks that need descriptors: find audio, extract, store."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.audio import repository
from resonance.audio.descriptors import DESCRIPTOR_VERSION
from resonance.audio.download import DownloadError
from resonance.audio.sources import Located, TrackAudioRef, locate
from resonance.audio.workers import Outcome, analyse_file, make_pool, worker_count
from resonance.settings import Settings

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
        return {
            "total": self.total,
            "analysed": self.analysed,
            "failed": self.failed,
            "no_audio": self.no_audio,
            "retry_later": self.retry_later,
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
    pool = pool or make_pool(min(worker_count(settings.audio_workers), report.total))
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
            await _run_batch(batch, sessionmaker, settings, pool, client, report)
            done += len(batch)
            if progress is not None:
                await progress(min(done, report.total), report.total, "analysing audio")
    finally:
        if own_pool:
            pool.shutdown(wait=True, cancel_futures=True)
        if own_client:
            await client.aclose()
    return report


async def _run_batch(
    batch: list[TrackAudioRef],
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    pool: Executor,
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
    loop = asyncio.get_running_loop()
    futures: dict[int, asyncio.Future[Outcome]] = {}
    for track, where in zip(batch, found, strict=True):
        if isinstance(where, Located):
            futures[track.id] = loop.run_in_executor(
                pool,
                analyse_file,
                str(where.path),
                settings.audio_sample_rate,
                settings.audio_excerpt_seconds,
            )
    outcomes = dict(zip(futures, await asyncio.gather(*futures.values()), strict=True))
    async with sessionmaker() as session:
        for track, where in zip(batch, found, strict=True):
            if isinstance(where, str):
                report.no_audio += 1
                report.reasons["no audio"] += 1
                await repository.set_status(session, track.id, "no_audio", where)
            elif isinstance(where, Located):
                await _store(session, track.id, where, outcomes[track.id], report)
        await session.commit()


async def _store(
    session: AsyncSession, track_id: int, where: Located, outcome: Outcome, report: AnalysisReport
) -> None:
    if outcome.ok and outcome.features is not None and outcome.summary is not None:
        await repository.store_descriptors(
            session,
            track_id,
            version=DESCRIPTOR_VERSION,
            features=outcome.features,
            summary=outcome.summary,
            source=where.kind,
        )
        report.analysed += 1
        report.sources[where.kind] += 1
        return
    report.failed += 1
    report.reasons[outcome.code or "failed"] += 1
    await repository.set_status(
        session, track_id, "failed", f"{where.kind}: {outcome.code}: {outcome.reason}"
    )
