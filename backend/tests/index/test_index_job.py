"""The index job after a crash: a re-delivered rebuild is never dropped as "skipped"."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.app import JOB_HANDLERS
from resonance.cache.base import Cache
from resonance.db import IndexVersion
from resonance.index import repository
from resonance.index.build import REBUILD_LOCK
from resonance.jobs import repository as jobs_repository
from resonance.jobs.queue import InProcessQueue
from resonance.jobs.service import Jobs
from resonance.settings import Settings
from tests.recommend.seed_catalogue import seed_catalogue


async def _states(sessionmaker: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessionmaker() as session:
        rows = await session.scalars(select(IndexVersion.state).order_by(IndexVersion.id))
        return list(rows)


@pytest.fixture
async def jobs(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession], cache: Cache
) -> AsyncIterator[Jobs]:
    settings = Settings(data_dir=tmp_path, job_lease_seconds=1.0, job_retry_base_seconds=0.05)
    service = Jobs(
        settings, sessionmaker, cache, InProcessQueue(concurrency=2), handlers=JOB_HANDLERS
    )
    await service.start(resume=False)
    yield service
    await service.close()


async def test_a_redelivered_rebuild_takes_over_the_lock_of_its_killed_attempt(
    jobs: Jobs, sessionmaker: async_sessionmaker[AsyncSession], cache: Cache
) -> None:
    await seed_catalogue(sessionmaker, 120)
    # A worker started the job, took the rebuild lock, opened a version and was killed -9:
    # its lock (still 120 s long before the fix) and its `building` row stay behind.
    async with sessionmaker() as session, session.begin():
        job = await jobs_repository.create_job(session, kind="index", target="catalogue")
        await jobs_repository.mark_running(session, job.id)
        await repository.start_version(session, block_weights=jobs.settings.block_weights)
    assert await cache.acquire_lock(REBUILD_LOCK, ttl=120, token=f"job:{job.id}")

    await jobs.queue.enqueue(job.id)  # the orphan watch re-delivers it
    done = await jobs.wait(job.id, timeout=60)

    assert (done.state, done.error) == ("done", None)
    assert done.counters["version"] == 2
    assert await _states(sessionmaker) == ["failed", "ready"]
    assert await cache.lock_owner(REBUILD_LOCK) is None


async def test_a_rebuild_waits_for_a_build_that_holds_the_lock(
    jobs: Jobs, sessionmaker: async_sessionmaker[AsyncSession], cache: Cache
) -> None:
    await seed_catalogue(sessionmaker, 120)
    # Another process holds the lock (a build, or one that died and lets its lease lapse).
    assert await cache.acquire_lock(REBUILD_LOCK, ttl=2.5, token="another-process")
    job, _ = await jobs.submit(kind="index", target="catalogue")

    await asyncio.sleep(1.5)
    waiting = await jobs.get(job.id)
    assert waiting is not None and waiting.state != "done"
    assert await _states(sessionmaker) == []

    done = await jobs.wait(job.id, timeout=60)
    assert (done.state, done.error) == ("done", None)
    assert await _states(sessionmaker) == ["ready"]
