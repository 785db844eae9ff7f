"""Every job kind of the service, and the one way a process opens its runtime."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from resonance.audio import JOB_HANDLERS as AUDIO_JOBS
from resonance.db import upgrade
from resonance.discover import JOB_HANDLERS as DISCOVER_JOBS
from resonance.index import JOB_HANDLERS as INDEX_JOBS
from resonance.ingest import JOB_HANDLERS as INGEST_JOBS
from resonance.jobs import PROBE_JOB_HANDLERS, JobHandlers, JobQueue
from resonance.runtime import Runtime, running
from resonance.settings import Settings, get_settings

JOB_HANDLERS = JobHandlers(PROBE_JOB_HANDLERS, INGEST_JOBS, DISCOVER_JOBS, AUDIO_JOBS, INDEX_JOBS)


def open_runtime(
    settings: Settings,
    *,
    handlers: JobHandlers = JOB_HANDLERS,
    queue: JobQueue | None = None,
) -> Runtime:
    """The API, the worker and every CLI command start here, with every job kind known."""
    return Runtime.open(settings, handlers, queue=queue)


@asynccontextmanager
async def command_runtime(
    settings: Settings | None = None, *, handlers: JobHandlers = JOB_HANDLERS
) -> AsyncIterator[Runtime]:
    """A runtime for one CLI command on a migrated database, its jobs run in this process.

    Migrating first makes every command work on a fresh data directory; on an
    up-to-date database it is one query.
    """
    settings = settings or get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(upgrade, settings.resolved_database_url)
    async with running(settings, handlers) as runtime:
        yield runtime
