"""Where jobs wait to run: in-process tasks (embedded default) or arq on Redis (production).

Both deliver a job id to `Jobs.execute`; the job row in the database is the
source of truth, so a queue entry delivered twice runs the job once.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger(__name__)

Executor = Callable[[str], Awaitable[None]]


class JobQueue(abc.ABC):
    backend: str

    @abc.abstractmethod
    async def enqueue(self, job_id: str, *, defer_until: datetime | None = None) -> None: ...

    async def start(self, executor: Executor) -> None:  # noqa: B027 - optional hook
        pass

    async def close(self) -> None:  # noqa: B027 - optional hook
        pass


def _delay(defer_until: datetime | None) -> float:
    if defer_until is None:
        return 0.0
    return max(0.0, (defer_until - datetime.now(UTC)).total_seconds())


class InProcessQueue(JobQueue):
    """Runs jobs as asyncio tasks of this process, at most `concurrency` at a time."""

    backend = "inprocess"

    def __init__(self, concurrency: int = 2) -> None:
        self._semaphore = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._executor: Executor | None = None

    async def start(self, executor: Executor) -> None:
        self._executor = executor

    async def enqueue(self, job_id: str, *, defer_until: datetime | None = None) -> None:
        if self._executor is None:
            raise RuntimeError("the in-process job queue has not been started")
        task = asyncio.create_task(self._run(job_id, _delay(defer_until)), name=f"job:{job_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, job_id: str, delay: float) -> None:
        assert self._executor is not None
        if delay:
            await asyncio.sleep(delay)
        async with self._semaphore:
            try:
                await self._executor(job_id)
            except Exception:
                logger.exception("job runner crashed", extra={"job_id": job_id})

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


ARQ_FUNCTION = "run_job"


class ArqQueue(JobQueue):
    """Enqueues onto arq's Redis queue; `resonance worker` processes pick the jobs up."""

    backend = "arq"

    def __init__(self, redis_url: str, queue_name: str) -> None:
        self.redis_url = redis_url
        self.queue_name = queue_name
        self._pool: Any = None

    async def _redis(self) -> Any:
        if self._pool is None:
            from arq import create_pool
            from arq.connections import RedisSettings

            self._pool = await create_pool(
                RedisSettings.from_dsn(self.redis_url), default_queue_name=self.queue_name
            )
        return self._pool

    async def enqueue(self, job_id: str, *, defer_until: datetime | None = None) -> None:
        pool = await self._redis()
        # A fresh arq id per delivery: the job row, not arq, decides whether it still runs.
        await pool.enqueue_job(
            ARQ_FUNCTION,
            job_id,
            _job_id=f"{job_id}:{secrets.token_hex(4)}",
            _defer_until=defer_until,
        )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None
