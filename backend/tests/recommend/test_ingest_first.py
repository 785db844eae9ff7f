"""POST /v1/recommendations naming a playlist Resonance has not read: ingest first, or 202."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from resonance.app.factory import create_app
from tests.spotify.fixtures import sandbox_settings
from tests.spotify.sandbox_server import SandboxServer

TOKEN = "recommend-test-token-123456"


@pytest.fixture
def client(sandbox: SandboxServer, sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = sandbox_settings(sandbox, tmp_path, database_url=sqlite_url, service_token=TOKEN)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def headers(sandbox: SandboxServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}", "X-Spotify-Access-Token": sandbox.token("demo")}


def wait_done(client: TestClient, auth: dict[str, str], job_id: str) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job: dict[str, object] = client.get(f"/v1/jobs/{job_id}", headers=auth).json()
        if job["state"] not in {"queued", "running"}:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def test_a_playlist_is_read_first_then_recommended_from(
    client: TestClient, sandbox: SandboxServer
) -> None:
    auth = headers(sandbox)
    # Something to recommend from besides the seed playlist itself.
    other = client.post(f"/v1/ingest/playlists/{sandbox.playlist_id('Long drives')}", headers=auth)
    assert wait_done(client, auth, other.json()["id"])["state"] == "done"

    playlist = sandbox.playlist_id("Jazz mix")
    response = client.post(
        "/v1/recommendations",
        # From everything read: discovery (music new to the listener) runs in the background.
        json={"playlist_id": playlist, "n": 10, "wait_seconds": 30, "source": "library"},
        headers=auth,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok" and body["seeds"] and len(body["items"]) == 10
    assert not {s["id"] for s in body["seeds"]} & {i["track"]["id"] for i in body["items"]}


def test_a_slow_read_answers_202_with_the_job_to_poll(
    client: TestClient, sandbox: SandboxServer
) -> None:
    auth = headers(sandbox)
    sandbox.switches(latency_ms=300)
    playlist = sandbox.playlist_id("Pop mix")
    first = client.post(
        "/v1/recommendations", json={"playlist_id": playlist, "wait_seconds": 0}, headers=auth
    )
    assert first.status_code == 202, first.text
    pending = first.json()
    assert pending["status"] == "pending" and pending["job"]["kind"] == "playlist"
    assert first.headers["location"] == f"/v1/jobs/{pending['job']['id']}"
    # Asking again while it runs joins the same job.
    again = client.post(
        "/v1/recommendations", json={"playlist_id": playlist, "wait_seconds": 0}, headers=auth
    )
    assert again.status_code == 202 and again.json()["job"]["id"] == pending["job"]["id"]
    sandbox.switches(latency_ms=0)
    assert wait_done(client, auth, pending["job"]["id"])["state"] == "done"


def test_without_a_token_an_unread_playlist_is_an_unknown_seed(client: TestClient) -> None:
    response = client.post(
        "/v1/recommendations",
        json={"playlist_id": "never-read"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 404
    assert response.json()["missing"] == ["playlist never-read (not ingested)"]


def test_a_revoked_token_is_401_asking_to_sign_in_again(
    client: TestClient, sandbox: SandboxServer
) -> None:
    response = client.post(
        "/v1/recommendations",
        json={"playlist_id": sandbox.playlist_id("Jazz mix")},
        headers={
            "Authorization": f"Bearer {TOKEN}",
            "X-Spotify-Access-Token": "revoked-or-made-up",
        },
    )
    assert response.status_code == 401
    assert response.json()["type"].endswith("spotify-reauth")


def test_exclude_library_keeps_the_users_saved_tracks_out(
    client: TestClient, sandbox: SandboxServer
) -> None:
    auth = headers(sandbox)
    library_job = client.post("/v1/ingest/library", headers=auth).json()
    assert wait_done(client, auth, library_job["id"])["state"] == "done"
    library = client.get("/v1/me/library", headers=auth).json()
    saved = {t["id"] for t in library["saved_tracks"]}
    assert saved
    body = {
        "playlist_id": sandbox.playlist_id("Jazz mix"),
        "n": 50,
        "source": "library",
        "exclude_library": True,
    }
    response = client.post("/v1/recommendations", json=body, headers=auth)
    assert response.status_code == 200, response.text
    items = {i["track"]["spotify_id"] for i in response.json()["items"]}
    assert items and not items & saved
    # Without the flag, saved tracks are fair game (so the test above can fail).
    body["exclude_library"] = False
    unfiltered = client.post("/v1/recommendations", json=body, headers=auth).json()
    assert {i["track"]["spotify_id"] for i in unfiltered["items"]} & saved


def test_a_playlist_spotify_does_not_have_is_404_not_502(
    client: TestClient, sandbox: SandboxServer
) -> None:
    response = client.post(
        "/v1/recommendations",
        json={"playlist_id": "0" * 22, "wait_seconds": 30},
        headers=headers(sandbox),
    )
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "Not found on Spotify" and "0" * 22 in body["detail"]


def test_saving_tracks_spotify_refuses_is_a_client_error_with_the_reason(
    client: TestClient, sandbox: SandboxServer
) -> None:
    response = client.post(
        "/v1/playlists",
        # Well-formed (a malformed id is refused by the schema first), but no such track.
        json={"name": "Mine", "track_ids": ["0" * 22]},
        headers=headers(sandbox),
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "Spotify refused the request: Invalid track uri"


def test_unreadable_and_empty_playlists_say_what_is_true(
    client: TestClient, sandbox: SandboxServer
) -> None:
    """Not "Unknown seeds … (not ingested)" for a playlist read but closed to apps (#16)."""
    auth = headers(sandbox)
    unreadable = client.post(
        "/v1/recommendations",
        json={"playlist_id": sandbox.playlist_id("Bob's jazz picks"), "wait_seconds": 30},
        headers=auth,
    )
    assert unreadable.status_code == 422, unreadable.text
    assert unreadable.json()["code"] == "unreadable_playlist"
    assert "Bob's jazz picks" in unreadable.json()["detail"]

    import httpx

    made = httpx.post(
        f"{sandbox.api}/me/playlists",
        json={"name": "Nothing yet"},
        headers={"Authorization": f"Bearer {sandbox.token('demo')}"},
    )
    assert made.status_code == 201, made.text
    empty = client.post(
        "/v1/recommendations",
        json={"playlist_id": made.json()["id"], "wait_seconds": 30},
        headers=auth,
    )
    assert empty.status_code == 422, empty.text
    assert empty.json()["code"] == "empty_playlist"
