"""`Runtime`: the process-wide resources, wired once for the API, the worker and the CLI."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from resonance.cache import Cache, create_cache
from resonance.db import create_engine, create_sessionmaker
from resonance.jobs import JobHandlers, JobQueue, Jobs
from resonance.settings import Settings

T = TypeVar("T")


@dataclass
class Runtime:
    """Settings, the database engine, the cache and the job service of one process.

    Higher layers keep their long-lived objects (the serving index, card caches) as
    components, one per type, made on first use: `runtime.component(ModelHolder, make)`.
    """

    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    cache: Cache
    jobs: Jobs
    _components: dict[type[Any], Any] = field(default_factory=dict, repr=False)

    @classmethod
    def open(
        cls, settings: Settings, handlers: JobHandlers, *, queue: JobQueue | None = None
    ) -> Runtime:
        """Create every resource; nothing connects until first used."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(settings.resolved_database_url)
        sessionmaker = create_sessionmaker(engine)
        cache = create_cache(settings)
        jobs = Jobs(settings, sessionmaker, cache, queue, handlers=handlers)
        return cls(settings, engine, sessionmaker, cache, jobs)

    def component(self, kind: type[T], make: Callable[[Runtime], T]) -> T:
        """The one `kind` object of this runtime, made by `make` the first time."""
        found = self._components.get(kind)
        if found is None:
            found = self._components[kind] = make(self)
        return cast(T, found)

    def peek(self, kind: type[T]) -> T | None:
        """The `kind` component if one was made (health and metrics never create one)."""
        return cast("T | None", self._components.get(kind))

    async def close(self) -> None:
        await self.jobs.close()
        await self.cache.close()
        await self.engine.dispose()


@asynccontextmanager
async def running(
    settings: Settings, handlers: JobHandlers, *, resume: bool = False
) -> AsyncIterator[Runtime]:
    """A runtime whose in-process jobs run until the block ends (CLI commands)."""
    runtime = Runtime.open(settings, handlers)
    try:
        await runtime.jobs.start(resume=resume)
        yield runtime
    finally:
        await runtime.close()
