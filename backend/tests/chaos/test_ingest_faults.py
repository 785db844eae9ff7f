"""Ingestion under faults: a worker killed -9, PostgreSQL connections cut, 429 and 5xx storms."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from resonance.db import TERMINAL_STATES, Job
from resonance.jobs.service import Jobs
from tests.chaos.conftest import INGEST_ONLY, Workers, reference_counts, wait_for
from tests.ingest.helpers import row_counts
from tests.services import POSTGRES_ADMIN_URL
from tests.spotify.sandbox_server import SandboxServer

pytestmark = pytest.mark.slow


async def ingest(jobs: Jobs, sandbox: SandboxServer, playlist: str) -> Job:
    job, _ = await jobs.submit(
        kind="playlist",
        target=sandbox.playlist_id(playlist),
        params=INGEST_ONLY,
        secret=sandbox.token("demo"),
    )
    return job


async def assert_complete(
    jobs: Jobs, job: Job, sandbox: SandboxServer, tmp_path: Path, playlist: str
) -> Job:
    done = await wait_for(jobs, job.id, lambda j: j.state in TERMINAL_STATES, 90)
    assert (done.state, done.error) == ("done", None)
    # Exactly the rows a run without faults writes: nothing lost, nothing twice.
    expected = await reference_counts(sandbox, tmp_path, "playlist", sandbox.playlist_id(playlist))
    assert await row_counts(jobs.sessionmaker) == expected
    return done


async def test_a_worker_killed_during_ingestion_is_resumed_after_restart(
    workers: Workers,
    spotify_env: dict[str, str],
    jobs: Jobs,
    sandbox: SandboxServer,
    tmp_path: Path,
) -> None:
    victim = workers.start(**spotify_env)
    sandbox.switches(latency_ms=60)  # pages slow enough to be killed between
    job = await ingest(jobs, sandbox, "Long drives")
    await wait_for(
        jobs, job.id, lambda j: any(v >= 100 for v in j.checkpoint.values() if isinstance(v, int))
    )
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    sandbox.switches(latency_ms=0)
    workers.start(**spotify_env)  # its start-up re-delivers the orphan once its lease lapsed
    done = await assert_complete(jobs, job, sandbox, tmp_path, "Long drives")
    assert done.attempts == 2


async def terminate_while_writing(database_url: str, seconds: float) -> int:
    """Kill the test database's server processes caught inside a statement or transaction."""
    name = database_url.rsplit("/", 1)[1]
    assert name.startswith("resonance_test_")  # never another database's connections
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    killed = 0
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            rows = await admin.fetch(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid() "
                "AND state IN ('active', 'idle in transaction')",
                name,
            )
            killed += len(rows)
            await asyncio.sleep(0.002)
    finally:
        await admin.close()
    return killed


async def test_postgres_connections_cut_mid_write_lose_nothing(
    workers: Workers,
    spotify_env: dict[str, str],
    jobs: Jobs,
    sandbox: SandboxServer,
    database_url: str,
    tmp_path: Path,
) -> None:
    workers.start(**spotify_env)
    sandbox.switches(latency_ms=20)
    job = await ingest(jobs, sandbox, "Long drives")
    await wait_for(jobs, job.id, lambda j: j.state == "running")
    seen: set[str] = set()

    async def watch() -> None:
        while True:
            current = await jobs.get(job.id)
            seen.add(current.state if current else "gone")
            await asyncio.sleep(0.02)

    watcher = asyncio.create_task(watch())
    killed = await terminate_while_writing(database_url, 1.5)
    assert killed >= 1, "no write was caught in flight"
    sandbox.switches(latency_ms=0)
    await assert_complete(jobs, job, sandbox, tmp_path, "Long drives")
    watcher.cancel()
    assert "failed" not in seen  # a lost connection is retried, never shown as a failure


@pytest.mark.parametrize(
    "storm",
    [
        # Retry-After within the client's cap: it sleeps through each 429 itself.
        {"rate_limit_count": 12, "retry_after": 0.2},
        # Longer than the cap: the job is rescheduled (waiting_rate_limit) and resumes.
        {"rate_limit_count": 2, "retry_after": 2},
        # 5xx in a row: the client retries each request, the job backs off and tries again.
        {"server_errors": 10, "server_error_status": 503},
    ],
    ids=["429-short", "429-long", "5xx"],
)
async def test_spotify_storms_are_outlasted(
    storm: dict[str, Any],
    workers: Workers,
    spotify_env: dict[str, str],
    jobs: Jobs,
    sandbox: SandboxServer,
    tmp_path: Path,
) -> None:
    workers.start(**spotify_env)
    sandbox.switches(fail_after=3, **storm)  # the storm breaks out halfway through the job
    job = await ingest(jobs, sandbox, "Jazz mix")
    await assert_complete(jobs, job, sandbox, tmp_path, "Jazz mix")
    left = sandbox.switches()  # every injected failure was served, and outlasted
    assert (left["rate_limit_count"], left["server_errors"]) == (0, 0)
