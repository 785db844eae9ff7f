"""Two real `resonance worker` processes on Redis and PostgreSQL sharing one queue."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from resonance.app import JOB_HANDLERS
from resonance.cache.redis import RedisCache
from resonance.db import migrate
from resonance.db.engine import create_engine, create_sessionmaker
from resonance.jobs.queue import ArqQueue
from resonance.jobs.service import Jobs
from resonance.settings import Settings
from tests.services import REDIS_URL, require_redis, temporary_postgres_database


@pytest.fixture
def stack_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    require_redis()
    tag = uuid.uuid4().hex[:8]
    with temporary_postgres_database() as url:
        migrate.upgrade(url)
        yield {
            "RESONANCE_DATABASE_URL": url,
            "RESONANCE_REDIS_URL": REDIS_URL,
            "RESONANCE_JOBS_QUEUE_NAME": f"resonance-test:{tag}:jobs",
            "RESONANCE_CACHE_PREFIX": f"resonance-test-{tag}:",
            "RESONANCE_JOB_LEASE_SECONDS": "1.5",
            "RESONANCE_DATA_DIR": str(tmp_path),
            "RESONANCE_LOG_FORMAT": "text",
        }


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "resonance.cli", "worker"],
        env={**os.environ, **env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while b"worker ready" not in log.read_bytes():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"worker did not start:\n{log.read_text()}")
        time.sleep(0.1)
    return proc


@pytest.fixture
def workers(stack_env: dict[str, str], tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    procs = [start_worker(stack_env, tmp_path / f"worker-{i}.log") for i in range(2)]
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
async def jobs(stack_env: dict[str, str]) -> AsyncIterator[Jobs]:
    settings = Settings(
        database_url=stack_env["RESONANCE_DATABASE_URL"],
        redis_url=REDIS_URL,
        jobs_queue_name=stack_env["RESONANCE_JOBS_QUEUE_NAME"],
        cache_prefix=stack_env["RESONANCE_CACHE_PREFIX"],
        data_dir=Path(stack_env["RESONANCE_DATA_DIR"]),
    )
    engine = create_engine(settings.resolved_database_url)
    cache = RedisCache(REDIS_URL, prefix=settings.cache_prefix)
    service = Jobs(
        settings,
        create_sessionmaker(engine),
        cache,
        ArqQueue(REDIS_URL, settings.jobs_queue_name),
        handlers=JOB_HANDLERS,
    )
    yield service
    await service.close()
    await cache.close()
    await engine.dispose()


async def test_jobs_spread_over_both_workers(
    workers: list[subprocess.Popen[bytes]], jobs: Jobs
) -> None:
    params = {"steps": 4, "step_seconds": 0.25}
    submitted = [
        (await jobs.submit(kind="probe", params=params, dedupe=False))[0] for _ in range(8)
    ]
    finished = await asyncio.gather(*(jobs.wait(job.id, timeout=60) for job in submitted))
    assert {job.state for job in finished} == {"done"}
    ran_on = {job.counters["worker"] for job in finished}
    assert {name.split(":")[-1] for name in ran_on} == {str(p.pid) for p in workers}


async def test_a_duplicate_request_joins_the_running_job(
    workers: list[subprocess.Popen[bytes]], jobs: Jobs
) -> None:
    params = {"steps": 6, "step_seconds": 0.25}
    first, created = await jobs.submit(kind="probe", target="playlist-x", params=params)
    await jobs.wait(first.id, timeout=30, states=frozenset({"running"}))
    second, created_again = await jobs.submit(kind="probe", target="playlist-x", params=params)
    assert created and not created_again and second.id == first.id
    done = await jobs.wait(first.id, timeout=30)
    assert done.state == "done" and done.counters["steps_run"] == 6


async def test_a_killed_workers_job_completes_on_the_other(
    workers: list[subprocess.Popen[bytes]], jobs: Jobs
) -> None:
    params = {"steps": 12, "step_seconds": 0.25}
    job, _ = await jobs.submit(kind="probe", target="kill-me", params=params)
    deadline = time.monotonic() + 30
    while (current := await jobs.get(job.id)) is not None and current.progress_done < 3:
        assert time.monotonic() < deadline, "the probe never got going"
        await asyncio.sleep(0.05)
    assert current is not None
    victim_pid = int(current.counters["workers"][0].split(":")[-1])
    os.kill(victim_pid, signal.SIGKILL)

    done = await jobs.wait(job.id, timeout=60)
    assert done.state == "done"
    survivors = {str(p.pid) for p in workers} - {str(victim_pid)}
    assert done.counters["worker"].split(":")[-1] in survivors
    # Resumed from the checkpoint: no step ran twice, none was skipped.
    assert done.counters["steps_run"] == 12 and done.progress_done == 12
    assert done.attempts == 2
