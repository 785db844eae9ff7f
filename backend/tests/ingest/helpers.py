"""A job service wired to the sandbox and a migrated database, for ingestion tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.db.models import Job, LibraryItem, SpotifyAudioFeatures, TrackArtist, UserPlaylist
from resonance.jobs.registry import JobHandlers
from resonance.jobs.service import Jobs
from resonance.settings import Settings


async def row_counts(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessionmaker() as session:
        counts = await catalog.catalogue_counts(session)
        for model in (LibraryItem, SpotifyAudioFeatures, TrackArtist, UserPlaylist):
            counts[model.__tablename__] = int(
                await session.scalar(select(func.count()).select_from(model)) or 0
            )
    return counts


async def run_job(
    jobs: Jobs, kind: str, target: str | None, token: str | None, **params: Any
) -> Job:
    job, _ = await jobs.submit(kind=kind, target=target, params=params or None, secret=token)
    return await jobs.run_now(job.id)


@asynccontextmanager
async def api_client(
    settings: Settings, token: str, handlers: JobHandlers | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process (lifespan run) behind an HTTP client carrying the service token."""
    from asgi_lifespan import LifespanManager

    from resonance.app import JOB_HANDLERS, create_app

    app = create_app(settings, handlers=handlers or JOB_HANDLERS)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app),
            base_url="http://test",
            headers={"Authorization": f"Bearer {token}"},
        ) as client,
    ):
        yield client
