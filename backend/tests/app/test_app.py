"""The HTTP surface: auth, the error format, request ids, health, and the real server."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from resonance.app.factory import create_app
from resonance.settings import Settings
from tests.processes import free_port, running

TOKEN = "test-service-token-0123456789"


@pytest.fixture
def client(sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, database_url=sqlite_url, service_token=TOKEN)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_health_needs_no_token_and_reports_components(client: TestClient) -> None:
    response = client.get("/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == body["database"] | {"ok": True, "backend": "sqlite"}
    assert body["cache"]["ok"] and body["cache"]["backend"] == "memory"
    assert body["index"]["ok"] is False and body["index"]["version"] is None


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        (None, "Missing bearer"),
        ("Bearer wrong-token", "not valid"),
        (f"Basic {TOKEN}", "Missing bearer"),
        ("Bearer ", "Missing bearer"),
    ],
)
def test_protected_routes_reject_missing_or_wrong_token(
    client: TestClient, header: str | None, detail: str
) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/v1/catalog/stats", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Unauthorized"
    assert detail in body["detail"]
    assert TOKEN not in response.text


def test_right_token_is_accepted(client: TestClient) -> None:
    response = client.get("/v1/catalog/stats", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.json()["tracks"] == 0


def test_every_error_is_problem_json_with_request_id(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}", "X-Request-Id": "abc-123"}
    missing = client.get("/v1/jobs/nope", headers=auth)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.headers["x-request-id"] == "abc-123"
    assert missing.json()["request_id"] == "abc-123"
    not_found = client.get("/v1/no-such-route", headers=auth)
    assert not_found.status_code == 404
    assert not_found.json()["title"] == "Not found"
    wrong_method = client.delete("/v1/health")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["content-type"] == "application/problem+json"


def test_unconfigured_token_locks_everything(sqlite_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=sqlite_url, service_token=None)
    with TestClient(create_app(settings)) as test_client:
        response = test_client.get("/v1/catalog/stats", headers={"Authorization": "Bearer x"})
        assert response.status_code == 401
        assert "not configured" in response.json()["detail"]


def test_logs_never_print_secrets(caplog: pytest.LogCaptureFixture) -> None:
    from resonance.logging import RedactingFilter

    redactor = RedactingFilter([TOKEN])
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "calling with %s and body %s",
        (f"Authorization: Bearer {TOKEN}", "code=abc123&code_verifier=xyz&refresh_token=r1"),
        None,
    )
    redactor.filter(record)
    text = record.getMessage()
    for secret in (TOKEN, "abc123", "xyz", "r1"):
        assert secret not in text
    assert "***" in text


def test_resonance_serve_answers_health(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "RESONANCE_DATA_DIR": str(tmp_path / "data"),
        "RECOMMENDER_SERVICE_TOKEN": TOKEN,
        "RESONANCE_PORT": str(port),
    }
    log = tmp_path / "serve.log"
    with running(
        ["resonance", "serve"],
        ready_url=f"http://127.0.0.1:{port}/v1/health",
        env=env,
        log_path=log,
    ):
        health = httpx.get(f"http://127.0.0.1:{port}/v1/health").json()
        assert health["database"]["ok"] and health["database"]["backend"] == "sqlite"
        stats = httpx.get(
            f"http://127.0.0.1:{port}/v1/catalog/stats",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert stats.status_code == 200
    assert (tmp_path / "data" / "resonance.db").exists()
    logged = log.read_text()
    assert '"request_id"' in logged, "access logs carry request ids"
    assert TOKEN not in logged


def test_metrics_label_routes_by_template(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    client.get("/v1/jobs/abc", headers=auth)
    client.get("/v1/jobs/def", headers=auth)
    body = client.get("/metrics", headers=auth).text
    assert 'route="/v1/jobs/{job_id}",status="4xx"' in body
    assert "/v1/jobs/abc" not in body
    assert "resonance_index_items 0.0" in body
    assert 'resonance_jobs{state="running"} 0.0' in body


def test_metrics_need_the_service_token_unless_opened(
    client: TestClient, sqlite_url: str, tmp_path: Path
) -> None:
    refused = client.get("/metrics")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert "resonance_" not in refused.text
    settings = Settings(
        data_dir=tmp_path, database_url=sqlite_url, service_token=TOKEN, metrics_auth="none"
    )
    with TestClient(create_app(settings)) as private_port:
        assert "resonance_index_items" in private_port.get("/metrics").text


def test_docs_and_schema_are_off_unless_enabled(client: TestClient) -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404, path
    # `resonance openapi` still has the document.
    assert "/v1/recommendations" in client.app.openapi()["paths"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("enable", [{"docs_enabled": True}, {"demo_mode": True}])
def test_docs_are_served_when_enabled_or_in_demo_mode(
    sqlite_url: str, tmp_path: Path, enable: dict[str, bool]
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=sqlite_url, service_token=TOKEN, **enable)
    with TestClient(create_app(settings)) as docs_client:
        assert docs_client.get("/docs").status_code == 200
        assert "/v1/recommendations" in docs_client.get("/openapi.json").json()["paths"]


def test_openapi_describes_every_route(client: TestClient) -> None:
    spec = client.app.openapi()  # type: ignore[attr-defined]
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if not operation.get("summary") or not operation.get("tags")
    ]
    assert undocumented == []
    protected = spec["paths"]["/v1/recommendations"]["post"]
    assert {"401", "422"} <= set(protected["responses"])


def test_resonance_openapi_prints_the_document_with_docs_off(tmp_path: Path) -> None:
    """The served /openapi.json is off by default; the command does not need it."""
    done = subprocess.run(
        [sys.executable, "-m", "resonance.cli", "openapi"],
        env={**os.environ, "RESONANCE_DATA_DIR": str(tmp_path), "RESONANCE_DOCS_ENABLED": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert "/v1/recommendations" in document["paths"] and "/metrics" in document["paths"]
