"""Discovery against the sandbox: a job service with every stage but audio and index."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.app import JOB_HANDLERS
from resonance.cache.memory import MemoryCache
from resonance.db.models import Job, TrackProvenance
from resonance.jobs.queue import InProcessQueue
from resonance.jobs.service import Jobs
from resonance.sandbox.world import World, build_world
from tests.spotify.fixtures import sandbox, sandbox_server, sandbox_settings
from tests.spotify.sandbox_server import SandboxServer

__all__ = ["sandbox", "sandbox_server"]

NO_MEDIA = JOB_HANDLERS.without("audio", "index")
MakeJobs = Callable[..., Any]


@pytest.fixture(scope="session")
def world() -> World:
    """The sandbox's world, for its ground truth (scenes, who has what)."""
    return build_world(7)


@pytest.fixture
async def make_jobs(
    sandbox: SandboxServer, tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[MakeJobs]:
    made: list[Jobs] = []

    async def make(**overrides: Any) -> Jobs:
        values: dict[str, Any] = {"job_retry_base_seconds": 0.05, "job_max_attempts": 1}
        settings = sandbox_settings(sandbox, tmp_path, **(values | overrides))
        service = Jobs(
            settings, sessionmaker, MemoryCache(prefix="t:"), InProcessQueue(2), handlers=NO_MEDIA
        )
        await service.start(resume=False)
        made.append(service)
        return service

    yield make
    for service in made:
        await service.close()


async def provenance(sessionmaker: async_sessionmaker[AsyncSession]) -> list[TrackProvenance]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(TrackProvenance).order_by(TrackProvenance.id)))


async def jobs_of_kind(sessionmaker: async_sessionmaker[AsyncSession], kind: str) -> list[Job]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(Job).where(Job.kind == kind)))
