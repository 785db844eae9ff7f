"""PostgreSQL connections killed (pg_terminate_backend) while jobs write: nothing is lost."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from resonance.jobs.service import Jobs
from tests.chaos.conftest import Workers, wait_for
from tests.services import POSTGRES_ADMIN_URL

pytestmark = pytest.mark.slow


async def terminate_connections(database_url: str) -> int:
    """Kill every server process of the test's own database (never another database's)."""
    name = database_url.rsplit("/", 1)[1]
    assert name.startswith("resonance_test_")
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        killed = await admin.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
    finally:
        await admin.close()
    return len(killed)


async def test_dropped_connections_mid_write_resume_the_job_without_losing_a_step(
    chaos_env: dict[str, str], workers: Workers, jobs: Jobs, database_url: str
) -> None:
    workers.start()
    job, _ = await jobs.submit(kind="probe", params={"steps": 24, "step_seconds": 0.1})
    await wait_for(jobs, job.id, lambda j: j.progress_done >= 3)
    killed = 0
    for _ in range(3):  # several times, at different steps
        killed += await terminate_connections(database_url)
        await asyncio.sleep(0.35)
    assert killed >= 3

    done = await wait_for(jobs, job.id, lambda j: j.state in ("done", "failed"))
    assert (done.state, done.error) == ("done", None), workers.log()[-3000:]
    # Every step exactly once: the step whose write was cut is redone from the checkpoint.
    assert done.counters["steps_run"] == 24 and done.progress_done == 24
