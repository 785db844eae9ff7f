"""Hostile request inputs get a clear 4xx problem, never a 500 or a silent wrong answer."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from resonance.app import create_app
from resonance.db.engine import create_engine, create_sessionmaker
from resonance.settings import Settings
from tests.processes import free_port, running
from tests.recommend.seed_catalogue import seed_catalogue

TOKEN = "inputs-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, database_url=sqlite_url, service_token=TOKEN)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def seeded(sqlite_url: str) -> dict[int, int]:
    async def run() -> dict[int, int]:
        engine = create_engine(sqlite_url)
        try:
            return (await seed_catalogue(create_sessionmaker(engine), 200))[0]
        finally:
            await engine.dispose()

    return asyncio.run(run())


@pytest.mark.parametrize("track_id", [2**31, 2**63, -(2**63) - 1, 10**30])
def test_ids_the_database_cannot_hold_are_422(client: TestClient, track_id: int) -> None:
    """Id columns are INTEGER (32-bit on PostgreSQL); larger ids failed inside the query."""
    response = client.post("/v1/recommendations", json={"track_ids": [track_id]}, headers=AUTH)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "track_ids.0" in response.json()["detail"]
    for path in (f"/v1/tracks/{track_id}", f"/v1/tracks/{track_id}/similar"):
        assert client.get(path, headers=AUTH).status_code == 422, path


def test_spotify_ids_with_control_characters_are_422(client: TestClient) -> None:
    """They used to reach the Spotify URL of an ingestion job (502) or a query."""
    for body in ({"playlist_id": "ab\u0001cd"}, {"spotify_track_ids": ["a/b"]}):
        response = client.post("/v1/recommendations", json=body, headers=AUTH)
        assert response.status_code == 422, response.text
    assert client.get("/v1/playlists/a%00b", headers=AUTH).status_code == 422
    assert client.get("/v1/jobs/a%00b", headers=AUTH).status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        b'{"track_ids": [1], "targets": [{"name": "energy", "value": NaN}]}',
        b'{"track_ids": [1], "targets": [{"name": "energy", "value": Infinity}]}',
        b'{"track_ids": [1], "targets": [{"name": "energy", "value": 1e999}]}',
        b'{"track_ids": [1], "diversity": NaN}',
    ],
)
def test_nan_and_infinite_numbers_are_422(
    client: TestClient, seeded: dict[int, int], body: bytes
) -> None:
    response = client.post(
        "/v1/recommendations",
        content=body.replace(b"[1]", f"[{seeded[0]}]".encode()),
        headers=AUTH | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert "finite" in response.json()["detail"]


def test_unknown_seeds_are_listed_up_to_ten_and_counted(client: TestClient) -> None:
    response = client.post(
        "/v1/recommendations",
        json={"spotify_track_ids": [f"{n:022d}" for n in range(500)]},
        headers=AUTH,
    )
    assert response.status_code == 404
    body = response.json()
    assert body["missing_count"] == 500 and len(body["missing"]) == 10
    assert body["detail"].endswith("and 490 more")
    assert len(response.content) < 2_000


def test_an_overlong_spotify_id_is_422_not_echoed(client: TestClient) -> None:
    response = client.post(
        "/v1/recommendations", json={"spotify_track_ids": ["x" * 100_000]}, headers=AUTH
    )
    assert response.status_code == 422
    assert len(response.content) < 2_000


def test_a_body_over_the_limit_is_413_problem_json(client: TestClient) -> None:
    huge = b'{"track_ids": [1], "pad": "' + b"x" * 2_000_000 + b'"}'
    response = client.post(
        "/v1/recommendations", content=huge, headers=AUTH | {"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "1048576 bytes" in response.json()["detail"]


def test_a_streamed_body_is_cut_off_at_the_limit(client: TestClient) -> None:
    """No Content-Length (chunked): the bytes are counted as they come."""

    def chunks() -> Iterator[bytes]:
        yield b'{"track_ids": [1], "pad": "'
        for _ in range(64):
            yield b"x" * 65_536
        yield b'"}'

    response = client.post(
        "/v1/recommendations",
        content=chunks(),
        headers=AUTH | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_the_real_server_refuses_a_50_mb_body_before_reading_it(
    sqlite_url: str, tmp_path: Path
) -> None:
    """Against uvicorn: the answer comes while the client has sent almost nothing."""
    port = free_port()
    env = {
        "RESONANCE_DATA_DIR": str(tmp_path),
        "RESONANCE_DATABASE_URL": sqlite_url,
        "RECOMMENDER_SERVICE_TOKEN": TOKEN,
        "RESONANCE_MAX_REQUEST_BYTES": "4096",
        "RESONANCE_LOG_FORMAT": "text",
    }
    args = ["resonance", "serve", "--host", "127.0.0.1", "--port", str(port)]
    ready = f"http://127.0.0.1:{port}/v1/health"
    with (
        running(args, ready_url=ready, env=env, cwd=tmp_path),
        socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
    ):
        sock.sendall(
            b"POST /v1/recommendations HTTP/1.1\r\nHost: x\r\n"
            + f"Authorization: Bearer {TOKEN}\r\n".encode()
            + b"Content-Type: application/json\r\nContent-Length: 52428800\r\n\r\n"
        )
        answer = b""
        while chunk := sock.recv(65_536):  # the server closes after answering
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"application/problem+json" in answer and b"4096 bytes" in answer
