"""The ``audio`` job: analyse every track that needs descriptors."""

from __future__ import annotations

import asyncio
import atexit
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from resonance.audio.service import analyse_tracks
from resonance.audio.workers import WorkerCrashed, make_pool, worker_count
from resonance.jobs import JobFunction, JobRun, TransientJobError

# One warmed pool per job-runner process, reused by every audio job: warming a
# worker (importing librosa, compiling its numba kernels) takes seconds.
_pool: Executor | None = None
MAX_PASSES = 5


def shared_pool(workers: int, numba_cache_dir: Path | None = None) -> Executor:
    global _pool
    if _pool is None:
        _pool = make_pool(workers, numba_cache_dir)
        atexit.register(_pool.shutdown, wait=False, cancel_futures=True)
    return _pool


def reset_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
    _pool = None


async def analyse_pending(run: JobRun) -> dict[str, Any] | None:
    """Params: ``track_ids`` (optional list) restricts the run to those tracks.

    Idempotent: analysed tracks of the current descriptor version are never picked
    again, and each batch commits, so a retried or resumed job continues where the
    last attempt stopped. Transient download failures leave tracks pending and make
    the job retry (``TransientJobError``) after finishing everything else.
    """
    track_ids = run.params.get("track_ids")

    async def progress(done: int, total: int, stage: str) -> None:
        await run.progress(done=done, total=total, stage=stage)

    await run.progress(stage="finding audio")
    totals: dict[str, int] = {"total": 0, "analysed": 0, "failed": 0, "no_audio": 0}
    report = None
    # Ingestion that finishes while this job runs joins it rather than queueing another,
    # so keep going until a pass finds nothing new (bounded, in case of a busy stream).
    workers, numba_cache = (
        worker_count(run.settings.audio_workers),
        run.settings.resolved_numba_cache_dir,
    )

    def fresh_pool() -> Executor:
        reset_pool()  # the shared pool broke: the next job must not get it either
        return shared_pool(workers, numba_cache)

    for _ in range(MAX_PASSES):
        try:
            report = await analyse_tracks(
                run.sessionmaker,
                run.settings,
                track_ids=[int(t) for t in track_ids] if track_ids else None,
                progress=progress,
                pool=await asyncio.to_thread(shared_pool, workers, numba_cache),
                new_pool=fresh_pool,
            )
        except WorkerCrashed as exc:
            # Workers die before any work (a broken environment): nothing a file did.
            # Finished batches are committed; say why, and retry with a fresh pool.
            reset_pool()
            raise TransientJobError(str(exc)) from exc
        for key in totals:
            totals[key] += getattr(report, key)
        if track_ids or report.total == 0 or report.retry_later:
            break
    if totals["analysed"]:
        # New descriptors only reach recommendations through a new index version.
        await run.submit("index", target="catalogue")
    if report is not None and report.retry_later:
        raise TransientJobError(f"{report.retry_later} downloads failed transiently; retrying")
    return {**(report.as_dict() if report else {}), **totals}


JOB_HANDLERS: dict[str, JobFunction] = {"audio": analyse_pending}
