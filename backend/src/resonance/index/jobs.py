"""Index rebuilds as jobs, so workers (not API replicas) do the heavy lifting in production."""

from __future__ import annotations

from typing import Any

from resonance.index.build import EmptyCatalogue, build_index
from resonance.jobs import JobFunction, JobRun, JobStopped


async def rebuild_index(run: JobRun) -> dict[str, Any]:
    await run.progress(stage="building the index")
    try:
        result = await build_index(run.sessionmaker, run.cache, run.settings)
    except EmptyCatalogue as error:
        raise JobStopped("failed", str(error)) from error
    if result.skipped:
        # Another build held the lock; its version serves this request too.
        return {"skipped": True}
    return {
        "version": result.version,
        "items": result.n_items,
        "index_kind": result.kind,
        "seconds": round(result.seconds, 2),
    }


JOB_HANDLERS: dict[str, JobFunction] = {"index": rebuild_index}
