"""Signed-in requests while Redis does not answer: slower, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.ingest.helpers import api_client
from tests.processes import free_port
from tests.spotify.fixtures import sandbox_settings
from tests.spotify.sandbox_server import SandboxServer

SERVICE_TOKEN = "test-service-token-123"


@pytest.fixture
async def api(
    sandbox: SandboxServer, tmp_path: Path, sqlite_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    # Nothing listens on this port: Redis is down for the whole test.
    settings = sandbox_settings(
        sandbox,
        tmp_path,
        database_url=sqlite_url,
        service_token=SERVICE_TOKEN,
        redis_url=f"redis://127.0.0.1:{free_port()}/0",
        jobs_backend="inprocess",
    )
    async with api_client(settings, SERVICE_TOKEN) as client:
        yield client


async def test_signed_in_reads_work_without_the_cache(
    api: httpx.AsyncClient, sandbox: SandboxServer
) -> None:
    headers = {"X-Spotify-Access-Token": sandbox.token("demo")}
    for _ in range(3):  # the first request notices the outage, the next skip the cache
        response = await api.get("/v1/me/library", headers=headers)
        assert response.status_code == 200, response.text
    health = await api.get("/v1/health")
    assert health.status_code == 200 and health.json()["status"] == "degraded"


async def test_a_write_that_needs_redis_is_a_503_problem_not_a_500(
    api: httpx.AsyncClient, sandbox: SandboxServer
) -> None:
    headers = {"X-Spotify-Access-Token": sandbox.token("demo")}
    playlist_id = sandbox.playlist_id("Jazz mix")
    response = await api.post(f"/v1/ingest/playlists/{playlist_id}", headers=headers)
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"] == "5"
