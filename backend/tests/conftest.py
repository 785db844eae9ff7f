"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, caches on memory and Redis."""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.cache.base import Cache
from resonance.cache.memory import MemoryCache
from resonance.db import migrate
from resonance.db.engine import create_engine, create_sessionmaker
from tests.services import REDIS_URL, require_redis, temporary_postgres_database


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    else:
        with temporary_postgres_database() as url:
            yield url


@pytest.fixture
def migrated_url(database_url: str) -> str:
    migrate.upgrade(database_url)
    return database_url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A migrated SQLite database, for tests that need a catalogue but not both backends."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
async def sessionmaker(migrated_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(migrated_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def session(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as session:
        yield session


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    prefix = f"resonance-test-{uuid.uuid4().hex[:8]}:"
    if request.param == "memory":
        yield MemoryCache(prefix=prefix)
        return
    require_redis()
    from resonance.cache.redis import RedisCache

    redis_cache = RedisCache(REDIS_URL, prefix=prefix)
    yield redis_cache
    keys = [k async for k in redis_cache.client.scan_iter(match=f"{prefix}*")]
    if keys:
        await redis_cache.client.delete(*keys)
    await redis_cache.close()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop worker processes a test's pool left behind, before the interpreter's exit joins them.

    CPython 3.11's ProcessPoolExecutor can lose its manager thread to a race while a pool
    whose worker was killed starts another ("dictionary changed size during iteration"
    in `terminate_broken`, seen in the worker-crash tests). The half-started worker then
    waits on its parent forever, and multiprocessing's exit handler joins it: the run
    printed its summary and never exited. A test run must end.
    """
    for child in multiprocessing.active_children():
        child.terminate()
        child.join(5)
        if child.is_alive():
            child.kill()
