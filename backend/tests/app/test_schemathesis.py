"""Property-based API test: schemathesis against the real server, on SQLite and PostgreSQL.

Every operation of the served OpenAPI document gets generated requests (valid and
invalid bodies, parameters and headers) with the service token and a signed-in sandbox
user, against a server with a small catalogue and the Spotify sandbox behind it. No
answer may be a 5xx, and every documented response body must match its schema: what
the Next.js server and other clients rely on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from resonance.db.engine import create_engine, create_sessionmaker
from tests.processes import free_port, running
from tests.recommend.seed_catalogue import seed_catalogue
from tests.spotify.sandbox_server import CLIENT_ID, SandboxServer

TOKEN = "schemathesis-service-token-0123456789"
# Per operation and backend: enough to find the bounds and formats that break, while
# the whole module stays within about a minute per backend on two shared cores.
EXAMPLES = 20
CHECKS = [not_a_server_error, response_schema_conformance]

pytestmark = pytest.mark.slow


@pytest.fixture
def api(migrated_url: str, sandbox: SandboxServer, tmp_path: Path) -> Iterator[str]:
    """`resonance serve` on a seeded catalogue, with the sandbox as Spotify."""

    async def seed() -> None:
        engine = create_engine(migrated_url)
        try:
            await seed_catalogue(create_sessionmaker(engine), 120)
        finally:
            await engine.dispose()

    asyncio.run(seed())
    port = free_port()
    env = {
        "RESONANCE_DATA_DIR": str(tmp_path / "data"),
        "RESONANCE_DATABASE_URL": migrated_url,
        "RECOMMENDER_SERVICE_TOKEN": TOKEN,
        "RESONANCE_DOCS_ENABLED": "true",
        "RESONANCE_SPOTIFY_API_URL": sandbox.api,
        "RESONANCE_SPOTIFY_ACCOUNTS_URL": sandbox.base,
        "SPOTIFY_CLIENT_ID": CLIENT_ID,
        "RESONANCE_SPOTIFY_MAX_RETRIES": "1",
        "RESONANCE_SPOTIFY_TIMEOUT": "5",
        "RESONANCE_LOG_FORMAT": "text",
    }
    base = f"http://127.0.0.1:{port}"
    with running(
        ["resonance", "serve", "--no-migrate", "--port", str(port)],
        ready_url=f"{base}/v1/health",
        env=env,
        log_path=tmp_path / "api.log",
        timeout=60,
    ):
        yield base


def test_no_server_errors_and_no_schema_violations(api: str, sandbox: SandboxServer) -> None:
    started = time.monotonic()
    schema = schemathesis.openapi.from_url(f"{api}/openapi.json")  # the served document
    headers = {
        "Authorization": f"Bearer {TOKEN}",
        "X-Spotify-Access-Token": sandbox.token("demo"),
    }
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: schemathesis.Case) -> None:
            response = case.call(base_url=api, headers=headers, timeout=30)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except FailureGroup as failure:  # every failure is collected, not just the first
                failures.append(f"{case.operation.label}: {failure}".strip()[:2000])

        exercise()
    elapsed = time.monotonic() - started
    assert operations >= 10, "the document lost its operations"
    assert not failures, f"{len(failures)} failures in {elapsed:.0f} s:\n" + "\n\n".join(
        failures[:15]
    )
