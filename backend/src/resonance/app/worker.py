"""`resonance worker`: an arq worker that executes jobs from the Redis queue.

Any number of workers on any number of machines share the queue.  arq hands
each delivery to one worker; the job's run lease and its row's state make a
re-delivered job (after a worker died) resume rather than run twice.

A Redis outage does not end the worker: its poll loop waits for Redis to answer
again (running jobs carry on, their rows live in the database), then it re-queues
the database's unfinished jobs, since a restarted Redis may have lost its queue.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from resonance.app.wiring import JOB_HANDLERS, open_runtime
from resonance.jobs import ARQ_FUNCTION, ArqQueue, Jobs
from resonance.logging import log_fields
from resonance.runtime import Runtime
from resonance.settings import Settings

logger = logging.getLogger(__name__)

# Seconds between polls while Redis is unreachable (arq polls every 0.5 s when healthy).
RECONNECT_DELAY = 1.0
# How often a worker checks that Redis still holds the queue it knew (one SET NX).
EPOCH_CHECK_SECONDS = 2.0


def _worker_class() -> Any:
    from arq.worker import Worker
    from redis.exceptions import RedisError

    class ResilientWorker(Worker):
        """An arq worker that outlives Redis outages and restarts without losing jobs.

        A busy worker (all slots taken) does not touch Redis in its poll loop, so it may
        never see an outage at all; what it can see is that Redis came back *empty*: the
        queue's epoch key is gone. The one worker whose SET NX recreates it re-queues
        every unfinished job from the database (a duplicate delivery is a no-op).
        """

        redis_down = False
        next_epoch_check = 0.0

        async def _poll_iteration(self) -> None:
            try:
                await super()._poll_iteration()
                if time.monotonic() >= self.next_epoch_check:
                    self.next_epoch_check = time.monotonic() + EPOCH_CHECK_SECONDS
                    if await self.pool.set(f"{self.queue_name}:epoch", b"1", nx=True):
                        await self._requeue("Redis holds no queue epoch (new or restarted)")
            except (RedisError, OSError, TimeoutError) as error:
                if not self.redis_down:
                    self.redis_down = True
                    logger.warning("lost Redis; polling until it answers again (%r)", error)
                await asyncio.sleep(RECONNECT_DELAY)
                return
            if self.redis_down:
                self.redis_down = False
                await self._requeue("Redis is back")

        async def _requeue(self, why: str) -> None:
            jobs: Jobs = self.ctx["jobs"]
            requeued = await jobs.resume_unfinished(include_running=False)
            logger.warning(why, extra=log_fields(requeued=requeued))

    return ResilientWorker


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
    _worker_class()(**worker_settings(settings)).run()


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
