"""Job credentials in the cache: sealed at rest, and kept no longer than they can be used."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.cache.base import Cache
from resonance.cache.memory import MemoryCache
from resonance.cache.redis import RedisCache
from resonance.jobs.queue import InProcessQueue
from resonance.jobs.registry import JobHandlers
from resonance.jobs.secrets import JobSecret
from resonance.jobs.service import Jobs
from resonance.settings import Settings

# These tests hold credentials; they run no job.
NONE = JobHandlers()

TOKEN = "BQD-spotify-access-token-0123456789"
REFRESH = "AQC-spotify-refresh-token-9876543210"


@pytest.fixture
async def jobs(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession], cache: Cache
) -> AsyncIterator[Jobs]:
    settings = Settings(data_dir=tmp_path, job_secret_max_seconds=48 * 3600)
    service = Jobs(settings, sessionmaker, cache, InProcessQueue(concurrency=1), handlers=NONE)
    yield service
    await service.close()


async def ttl_of(cache: Cache, key: str) -> float:
    if isinstance(cache, RedisCache):
        return float(await cache.client.pttl(cache.prefix + key)) / 1000
    assert isinstance(cache, MemoryCache)
    expires = cache._data[cache.prefix + key][1]
    assert expires is not None
    return expires - time.monotonic()


async def test_a_jobs_token_is_sealed_in_the_cache_and_expires_with_it(
    jobs: Jobs, cache: Cache
) -> None:
    await jobs.store_secret("job-1", TOKEN)
    raw = await cache.get("jobs:secret:job-1")
    assert raw is not None and TOKEN.encode() not in raw and b"BQD" not in raw
    assert await jobs.secret("job-1") == TOKEN
    assert 3500 < await ttl_of(cache, "jobs:secret:job-1") <= 3600

    # A token known to expire sooner goes sooner; another key cannot open it.
    await jobs.store_secret("job-2", JobSecret(TOKEN, None, time.time() + 120))
    assert 100 < await ttl_of(cache, "jobs:secret:job-2") <= 120
    other = Jobs(
        Settings(secret_key="another key"), jobs.sessionmaker, cache, jobs.queue, handlers=NONE
    )
    assert await other.secret("job-2") is None


async def test_refreshable_credentials_outlive_a_long_wait_but_not_forever(
    jobs: Jobs, cache: Cache
) -> None:
    secret = JobSecret(TOKEN, REFRESH, time.time() + 3600)
    day = datetime.now(UTC) + timedelta(hours=24)
    await jobs.store_secret("job-3", secret, until=day)
    raw = await cache.get("jobs:secret:job-3")
    assert raw is not None and REFRESH.encode() not in raw
    assert 25 * 3600 - 60 < await ttl_of(cache, "jobs:secret:job-3") <= 25 * 3600
    held = await jobs.credentials("job-3")
    assert held is not None and held.refresh_token == REFRESH

    await jobs.store_secret("job-4", secret, until=day + timedelta(days=30))
    assert await ttl_of(cache, "jobs:secret:job-4") <= 48 * 3600
