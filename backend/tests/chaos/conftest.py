"""Fault injection on real processes over loopback: our own Redis, workers, API, sandbox.

A case that stops a server stops one it started itself (its own port, its own data
directory): the shared Redis and PostgreSQL of the machine are never touched.
Job processes come from `tests.jobs.test_worker.start_worker`, servers from
`tests.processes.running`; this module only adds the servers a case may kill.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from resonance.app import JOB_HANDLERS
from resonance.cache.redis import RedisCache
from resonance.db import Job, migrate
from resonance.db.engine import create_engine, create_sessionmaker
from resonance.jobs.queue import ArqQueue
from resonance.jobs.service import Jobs
from resonance.settings import Settings
from tests.jobs.test_worker import start_worker
from tests.processes import free_port
from tests.services import temporary_postgres_database
from tests.spotify.fixtures import sandbox, sandbox_server
from tests.spotify.sandbox_server import CLIENT_ID, SandboxServer

__all__ = ["sandbox", "sandbox_server"]


@dataclass
class RedisServer:
    """A redis-server of this test's own, on its own port, that the test may kill."""

    directory: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        # No persistence: a restart loses the queue, the worst case for what waited in it.
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=(self.directory / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while (
            subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, check=False
            ).stdout.strip()
            != b"PONG"
        ):
            assert self.proc.poll() is None and time.monotonic() < deadline, "redis did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.proc is not None:
        server.kill()


@pytest.fixture
def database_url() -> Iterator[str]:
    with temporary_postgres_database() as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
def chaos_env(tmp_path: Path, database_url: str, redis_server: RedisServer) -> dict[str, str]:
    """Environment of every process of one case: its database, its Redis, short leases."""
    tag = uuid.uuid4().hex[:8]
    return {
        "RESONANCE_DATABASE_URL": database_url,
        "RESONANCE_REDIS_URL": redis_server.url,
        "RESONANCE_JOBS_QUEUE_NAME": f"resonance-chaos:{tag}:jobs",
        "RESONANCE_CACHE_PREFIX": f"resonance-chaos-{tag}:",
        "RESONANCE_JOB_LEASE_SECONDS": "1.5",
        "RESONANCE_JOB_RETRY_BASE_SECONDS": "0.2",
        "RESONANCE_DATA_DIR": str(tmp_path),
        "RESONANCE_LOG_FORMAT": "text",
        "RESONANCE_AUDIO_WORKERS": "1",
    }


def settings_of(env: dict[str, str]) -> Settings:
    return Settings(
        database_url=env["RESONANCE_DATABASE_URL"],
        redis_url=env["RESONANCE_REDIS_URL"],
        jobs_queue_name=env["RESONANCE_JOBS_QUEUE_NAME"],
        cache_prefix=env["RESONANCE_CACHE_PREFIX"],
        data_dir=Path(env["RESONANCE_DATA_DIR"]),
        job_lease_seconds=float(env["RESONANCE_JOB_LEASE_SECONDS"]),
    )


@pytest.fixture
async def jobs(chaos_env: dict[str, str]) -> AsyncIterator[Jobs]:
    """The test's own handle on the queue and the job rows (submits, waits, reads)."""
    settings = settings_of(chaos_env)
    engine = create_engine(settings.resolved_database_url)
    cache = RedisCache(chaos_env["RESONANCE_REDIS_URL"], prefix=settings.cache_prefix)
    queue = ArqQueue(chaos_env["RESONANCE_REDIS_URL"], settings.jobs_queue_name)
    service = Jobs(settings, create_sessionmaker(engine), cache, queue, handlers=JOB_HANDLERS)
    yield service
    await service.close()
    await cache.close()
    await engine.dispose()


class Workers:
    """`resonance worker` processes of one case, started and killed by the test."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, **extra_env: str) -> subprocess.Popen[bytes]:
        log = self.logs / f"worker-{len(self.procs)}.log"
        proc = start_worker({**self.env, **extra_env}, log)
        self.procs.append(proc)
        return proc

    def log(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.logs.glob("worker-*.log")))

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def workers(chaos_env: dict[str, str], tmp_path: Path) -> Iterator[Workers]:
    group = Workers(chaos_env, tmp_path)
    yield group
    group.stop()


async def wait_for(
    jobs: Jobs, job_id: str, predicate: Callable[[Job], bool], seconds: float = 60
) -> Job:
    """Poll the job row until `predicate(job)` holds."""
    deadline = time.monotonic() + seconds
    while True:
        job = await jobs.get(job_id)
        assert job is not None
        if predicate(job):
            return job
        assert time.monotonic() < deadline, f"job {job_id} stuck: {job.state} {job.error}"
        await asyncio.sleep(0.05)


@pytest.fixture
def spotify_env(sandbox: SandboxServer) -> dict[str, str]:
    """Workers call the sandbox as Spotify (short caps so storms are quick to outlast)."""
    return {
        "RESONANCE_SPOTIFY_API_URL": sandbox.api,
        "RESONANCE_SPOTIFY_ACCOUNTS_URL": sandbox.base,
        "SPOTIFY_CLIENT_ID": CLIENT_ID,
        "RESONANCE_SPOTIFY_MAX_RETRY_AFTER": "1",
        "RESONANCE_SPOTIFY_MAX_RETRIES": "3",
        "RESONANCE_SPOTIFY_TIMEOUT": "10",
    }


INGEST_ONLY = {"audio": False, "index": False, "discover": False}


async def reference_counts(sandbox: SandboxServer, tmp_path: Path, kind: str, target: str) -> Any:
    """Row counts after the same ingestion without any fault (in-process, on SQLite)."""
    from resonance.cache.memory import MemoryCache
    from resonance.jobs.queue import InProcessQueue
    from tests.ingest.helpers import row_counts
    from tests.spotify.fixtures import sandbox_settings

    url = f"sqlite+aiosqlite:///{tmp_path / 'reference.db'}"
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    settings = sandbox_settings(sandbox, tmp_path / "reference")
    service = Jobs(settings, sessionmaker, MemoryCache(), InProcessQueue(1), handlers=JOB_HANDLERS)
    await service.start(resume=False)
    try:
        job, _ = await service.submit(
            kind=kind, target=target, params=INGEST_ONLY, secret=sandbox.token("demo")
        )
        done = await service.wait(job.id, timeout=60)
        assert done.state == "done", done.error
        return await row_counts(sessionmaker)
    finally:
        await service.close()
        await engine.dispose()
