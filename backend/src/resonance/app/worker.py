"""`resonance worker`: an arq worker that executes jobs from the Redis queue.

Any number of workers on any number of machines share the queue.  arq hands
each delivery to one worker; the job's run lease and its row's state make a
re-delivered job (after a worker died) resume rather than run twice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from resonance.app.wiring import JOB_HANDLERS, open_runtime
from resonance.jobs import ARQ_FUNCTION, ArqQueue, Jobs
from resonance.logging import log_fields
from resonance.runtime import Runtime
from resonance.settings import Settings

logger = logging.getLogger(__name__)


async def run_job(ctx: dict[str, Any], job_id: str) -> None:
    jobs: Jobs = ctx["jobs"]
    await jobs.execute(job_id)


def worker_settings(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `arq.Worker`, built from our settings."""
    from arq import func
    from arq.connections import RedisSettings

    if not settings.redis_url:
        raise ValueError("a worker needs RESONANCE_REDIS_URL: jobs run in-process without Redis")

    async def startup(ctx: dict[str, Any]) -> None:
        queue = ArqQueue(settings.redis_url or "", settings.jobs_queue_name)
        runtime = open_runtime(settings, queue=queue)
        jobs = runtime.jobs
        watcher = asyncio.create_task(jobs.watch_orphans(), name="orphan-watch")
        ctx.update(runtime=runtime, jobs=jobs, watcher=watcher)
        resumed = await jobs.resume_unfinished()
        logger.info("worker ready", extra=log_fields(kinds=JOB_HANDLERS.kinds(), resumed=resumed))

    async def shutdown(ctx: dict[str, Any]) -> None:
        ctx["watcher"].cancel()
        runtime: Runtime = ctx["runtime"]
        await runtime.close()

    return {
        "functions": [
            func(run_job, name=ARQ_FUNCTION, timeout=settings.worker_job_timeout, keep_result=0)
        ],
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "queue_name": settings.jobs_queue_name,
        "max_jobs": settings.job_concurrency,
        "job_timeout": settings.worker_job_timeout,
        "keep_result": 0,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "handle_signals": True,
    }


def run_worker(settings: Settings) -> None:
    from arq.worker import Worker

    Worker(**worker_settings(settings)).run()


async def check_worker(settings: Settings) -> bool:
    """Health check for containers: Redis answers and the queue is reachable."""
    from arq import create_pool
    from arq.connections import RedisSettings

    if not settings.redis_url:
        return False
    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    try:
        return bool(await pool.ping())
    finally:
        await pool.aclose()


def check(settings: Settings) -> bool:
    return asyncio.run(check_worker(settings))
