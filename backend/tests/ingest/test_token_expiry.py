"""A job that waited out a Retry-After longer than its access token lived."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.cache.base import Cache
from resonance.jobs.queue import InProcessQueue
from resonance.jobs.secrets import JobSecret
from resonance.jobs.service import Jobs
from tests.ingest.conftest import NO_AUDIO
from tests.spotify.fixtures import sandbox_settings
from tests.spotify.sandbox_server import SandboxServer

TOKEN_SECONDS = 3  # access tokens the sandbox issues in these tests
RETRY_AFTER = 4  # longer than a token lives, beyond the client's 1 s cap: the job waits


@pytest.fixture
async def jobs(
    sandbox: SandboxServer,
    tmp_path: Path,
    sessionmaker: async_sessionmaker[AsyncSession],
    cache: Cache,
) -> AsyncIterator[Jobs]:
    settings = sandbox_settings(sandbox, tmp_path, spotify_max_retry_after=1.0)
    service = Jobs(settings, sessionmaker, cache, InProcessQueue(2), handlers=NO_AUDIO)
    await service.start(resume=False)
    yield service
    await service.close()


def short_lived_tokens(sandbox: SandboxServer) -> JobSecret:
    sandbox.switches(access_token_ttl=TOKEN_SECONDS)
    issued = sandbox.tokens("demo")
    return JobSecret(
        issued["access_token"], issued["refresh_token"], time.time() + issued["expires_in"]
    )


async def test_the_job_refreshes_its_expired_token_and_finishes(
    jobs: Jobs, sandbox: SandboxServer
) -> None:
    secret = short_lived_tokens(sandbox)
    sandbox.switches(rate_limit_count=1, retry_after=RETRY_AFTER)
    job, _ = await jobs.submit(
        kind="playlist",
        target=sandbox.playlist_id("Jazz mix"),
        params={"audio": False, "index": False},
        secret=secret,
    )
    waiting = await jobs.wait(job.id, timeout=20, states=frozenset({"waiting_rate_limit"}))
    assert waiting.resume_at is not None
    done = await jobs.wait(job.id, timeout=30)
    assert (done.state, done.error) == ("done", None)
    assert done.counters["entries_written"] > 0
    renewed = await jobs.credentials(job.id)
    assert renewed is not None and renewed.access_token != secret.access_token


async def test_without_a_refresh_token_it_asks_for_a_new_sign_in(
    jobs: Jobs, sandbox: SandboxServer
) -> None:
    issued = short_lived_tokens(sandbox)
    secret = JobSecret(issued.access_token, None, issued.expires_at)
    sandbox.switches(rate_limit_count=1, retry_after=RETRY_AFTER)
    job, _ = await jobs.submit(
        kind="playlist",
        target=sandbox.playlist_id("Jazz mix"),
        params={"audio": False, "index": False},
        secret=secret,
    )
    done = await jobs.wait(job.id, timeout=30)
    assert done.state == "needs_reauth"
    assert "sign in again" in (done.error or "")
