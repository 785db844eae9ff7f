"""Redis killed and restarted empty under load: requests degrade, workers reconnect, no job lost."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from resonance.jobs.service import Jobs
from tests.chaos.conftest import RedisServer, Workers, wait_for
from tests.processes import free_port, running
from tests.spotify.fixtures import sandbox_settings
from tests.spotify.sandbox_server import SandboxServer

SERVICE_TOKEN = "chaos-service-token-123"
pytestmark = pytest.mark.slow


async def test_redis_restart_under_load_loses_no_request_and_no_job(
    chaos_env: dict[str, str],
    redis_server: RedisServer,
    workers: Workers,
    jobs: Jobs,
    sandbox: SandboxServer,
    tmp_path: Path,
) -> None:
    worker = workers.start(RESONANCE_JOB_CONCURRENCY="1")  # one at a time: the second waits
    spotify = sandbox_settings(sandbox, tmp_path)
    port = free_port()
    api_env = {
        **chaos_env,
        "RESONANCE_SERVICE_TOKEN": SERVICE_TOKEN,
        "RESONANCE_SPOTIFY_API_URL": spotify.api_url,
        "RESONANCE_SPOTIFY_ACCOUNTS_URL": spotify.accounts_url,
        "RESONANCE_SPOTIFY_CLIENT_ID": spotify.spotify_client_id or "",
    }
    args = ["resonance", "serve", "--port", str(port), "--no-migrate"]
    base = f"http://127.0.0.1:{port}"
    with running(args, ready_url=f"{base}/v1/health", env=api_env, log_path=tmp_path / "api.log"):
        headers = {
            "Authorization": f"Bearer {SERVICE_TOKEN}",
            "X-Spotify-Access-Token": sandbox.token("demo"),
        }
        statuses: list[int] = []
        stop = asyncio.Event()

        async def load() -> None:
            async with httpx.AsyncClient(base_url=base, headers=headers, timeout=20) as http:
                while not stop.is_set():
                    statuses.append((await http.get("/v1/me/library")).status_code)
                    await asyncio.sleep(0.05)

        loader = asyncio.create_task(load())
        running_job, _ = await jobs.submit(
            kind="probe", params={"steps": 10, "step_seconds": 0.3}, dedupe=False
        )
        waiting_job, _ = await jobs.submit(kind="probe", params={"steps": 2}, dedupe=False)
        await wait_for(jobs, running_job.id, lambda j: j.progress_done >= 2)

        redis_server.kill()  # the queue (with `waiting_job` in it) and every lease are gone
        before = len(statuses)
        await asyncio.sleep(2.0)
        during = statuses[before:]
        redis_server.start()  # same port, empty

        done = await wait_for(jobs, running_job.id, lambda j: j.state == "done")
        assert done.counters["steps_run"] == 10  # no step lost or repeated
        assert (await wait_for(jobs, waiting_job.id, lambda j: j.state == "done")).error is None
        after, _ = await jobs.submit(kind="probe", params={"steps": 1}, dedupe=False)
        assert (await wait_for(jobs, after.id, lambda j: j.state == "done")).error is None
        await asyncio.sleep(0.2)
        stop.set()
        await loader

    assert worker.poll() is None, workers.log()
    assert len(during) >= 5, "the load did not run during the outage"
    assert set(statuses) == {200}, sorted(set(statuses))
