"""Index rebuilds as jobs, so workers (not API replicas) do the heavy lifting in production."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from resonance.index.build import EmptyCatalogue, build_index
from resonance.jobs import JobDeferred, JobFunction, JobRun, JobStopped


async def rebuild_index(run: JobRun) -> dict[str, Any]:
    """Build a new index version; ``done`` only once a version of this job's became ready.

    When another build holds the lock this job waits a lease for it, then hands itself
    back to the queue for another lease: the other build may have started before the data
    this job was queued for, so joining it would silently drop that data. A holder that
    died lets its lease lapse within ``job_lease_seconds``, so the wait is bounded.
    """
    await run.progress(stage="building the index")
    lease = run.settings.job_lease_seconds
    try:
        result = await build_index(
            run.sessionmaker, run.cache, run.settings, owner=f"job:{run.job_id}", wait=lease
        )
    except EmptyCatalogue as error:
        raise JobStopped("failed", str(error)) from error
    if result.skipped:
        raise JobDeferred(
            datetime.now(UTC) + timedelta(seconds=lease),
            "Another index build is running; this one starts when it ends.",
            state="queued",
        )
    return {
        "version": result.version,
        "items": result.n_items,
        "index_kind": result.kind,
        "seconds": round(result.seconds, 2),
    }


JOB_HANDLERS: dict[str, JobFunction] = {"index": rebuild_index}
