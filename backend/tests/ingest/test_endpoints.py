"""The ingestion and library endpoints through the real app, with the sandbox as Spotify."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.ingest.conftest import NO_AUDIO
from tests.ingest.helpers import api_client
from tests.spotify.fixtures import sandbox_settings
from tests.spotify.sandbox_server import SandboxServer

SERVICE_TOKEN = "test-service-token-123"


@pytest.fixture
async def api(
    sandbox: SandboxServer, tmp_path: Path, sqlite_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = sandbox_settings(
        sandbox,
        tmp_path,
        database_url=sqlite_url,
        service_token=SERVICE_TOKEN,
        docs_enabled=True,
    )
    async with api_client(settings, SERVICE_TOKEN, NO_AUDIO) as client:
        yield client


async def wait_done(api: httpx.AsyncClient, job_id: str, seconds: float = 60) -> dict[str, Any]:
    for _ in range(int(seconds / 0.1)):
        job: dict[str, Any] = (await api.get(f"/v1/jobs/{job_id}")).json()
        if job["state"] in ("done", "failed", "needs_reauth", "quota_exceeded"):
            return job
        await asyncio.sleep(0.1)
    raise TimeoutError(job_id)


async def test_ingest_a_playlist_then_read_it(
    api: httpx.AsyncClient, sandbox: SandboxServer
) -> None:
    headers = {"X-Spotify-Access-Token": sandbox.token("demo")}
    playlist_id = sandbox.playlist_id("Jazz mix")
    missing = await api.get(f"/v1/playlists/{playlist_id}")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    sandbox.switches(latency_ms=30)
    first, second = await asyncio.gather(
        api.post(f"/v1/ingest/playlists/{playlist_id}", headers=headers),
        api.post(f"/v1/ingest/playlists/{playlist_id}", headers=headers),
    )
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    job = await wait_done(api, first.json()["id"])
    assert job["state"] == "done", job
    body = (await api.get(f"/v1/playlists/{playlist_id}")).json()
    assert body["name"] == "Jazz mix" and len(body["tracks"]) == 40
    track = body["tracks"][0]
    assert track["artists"] and track["audio_status"] == "pending"
    assert track["image_url"].endswith(".svg?size=640")


async def test_a_playlist_spotify_does_not_know_is_not_found(
    api: httpx.AsyncClient, sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    """An unknown id in a URL is a 404 that says so, and its job ends without a traceback."""
    headers = {"X-Spotify-Access-Token": sandbox.token("demo")}
    unknown = "AAAAAAAAAAAAAAAAAAAAAA"
    missing = await api.get(f"/v1/playlists/{unknown}", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["type"] == "/problems/spotify-not-found"
    assert missing.json()["code"] == "not_found"
    known = await api.get(f"/v1/playlists/{sandbox.playlist_id('Jazz mix')}", headers=headers)
    assert known.status_code == 404 and known.json()["type"] == "about:blank"  # not read yet
    accepted = await api.post(f"/v1/ingest/playlists/{unknown}", headers=headers)
    job = await wait_done(api, accepted.json()["id"])
    assert job["state"] == "failed" and job["error"].startswith("SpotifyNotFound")
    assert not any(r.exc_info for r in caplog.records), "no traceback in the log"


async def test_library_job_and_library_view(api: httpx.AsyncClient, sandbox: SandboxServer) -> None:
    headers = {"X-Spotify-Access-Token": sandbox.token("demo")}
    accepted = await api.post("/v1/ingest/library", headers=headers)
    assert accepted.status_code == 202
    assert accepted.headers["location"] == f"/v1/jobs/{accepted.json()['id']}"
    job = await wait_done(api, accepted.json()["id"], seconds=120)
    assert job["state"] == "done", job
    library = (await api.get("/v1/me/library", headers=headers)).json()
    assert len(library["saved_tracks"]) == 230 and len(library["top_tracks"]) == 50
    by_name = {p["name"]: p for p in library["playlists"]}
    assert by_name["Long drives"]["owned"] is True
    assert by_name["Long drives"]["ingested_snapshot_id"]
    assert by_name["Friday night (shared)"]["collaborative"] is True
    assert by_name["Bob's jazz picks"]["contents_available"] is False
    assert by_name["Bob's jazz picks"]["owner_name"] == "Bob"


async def test_a_sign_in_without_the_recent_plays_scope_still_reads_the_library(
    api: httpx.AsyncClient, sandbox: SandboxServer
) -> None:
    scope = "playlist-read-private playlist-read-collaborative user-library-read user-top-read"
    headers = {"X-Spotify-Access-Token": sandbox.token("demo", scope=scope)}
    accepted = await api.post("/v1/ingest/library", headers=headers)
    job = await wait_done(api, accepted.json()["id"], seconds=120)
    assert job["state"] == "done", job
    assert job["counters"]["recent_skipped"] == 1
    library = (await api.get("/v1/me/library", headers=headers)).json()
    assert len(library["saved_tracks"]) == 230 and len(library["top_tracks"]) == 50
    assert "Long drives" in {p["name"] for p in library["playlists"]}


async def test_save_a_playlist_back_to_spotify(
    api: httpx.AsyncClient, sandbox: SandboxServer
) -> None:
    token = sandbox.token("demo")
    async with httpx.AsyncClient() as spotify:
        response = await spotify.get(
            f"{sandbox.api}/me/tracks",
            params={"limit": 50},
            headers={"Authorization": f"Bearer {token}"},
        )
    saved = response.json()["items"]
    track_ids = [i["track"]["id"] for i in saved] * 3  # 150 → two add requests
    created = await api.post(
        "/v1/playlists",
        json={"name": "Resonance picks", "track_ids": track_ids},
        headers={"X-Spotify-Access-Token": token},
    )
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "Resonance picks"
    assert created.json()["already_saved"] is False
    assert sandbox.stats()["playlists"][created.json()["id"]]["tracks"] == 150
    playlists = len(sandbox.stats()["playlists"])

    # Pressing Save again (twice at once, even) answers the playlist made the first time.
    again = await asyncio.gather(
        *(
            api.post(
                "/v1/playlists",
                json={"name": "Resonance picks", "track_ids": track_ids},
                headers={"X-Spotify-Access-Token": token},
            )
            for _ in range(2)
        )
    )
    for response in again:
        assert response.status_code == 200, response.text
        assert response.json() == {**created.json(), "already_saved": True}
    assert len(sandbox.stats()["playlists"]) == playlists
    other = await api.post(
        "/v1/playlists",
        json={"name": "Resonance picks", "track_ids": track_ids[:10]},
        headers={"X-Spotify-Access-Token": token},
    )
    assert other.status_code == 201 and other.json()["id"] != created.json()["id"]


async def test_missing_or_revoked_spotify_tokens_are_problems(
    api: httpx.AsyncClient, sandbox: SandboxServer
) -> None:
    missing = await api.post("/v1/ingest/library")
    assert missing.status_code == 401
    assert missing.json()["type"] == "/problems/spotify-reauth"
    token = sandbox.token("carol")
    sandbox.admin("revoke", {"user": "carol"})
    revoked = await api.get("/v1/me/library", headers={"X-Spotify-Access-Token": token})
    assert revoked.status_code == 401
    assert token not in revoked.text
    unauthorised = await api.get("/v1/me/library", headers={"Authorization": "Bearer nope"})
    assert unauthorised.status_code == 401


async def test_the_endpoints_are_described_in_openapi(api: httpx.AsyncClient) -> None:
    paths = (await api.get("/openapi.json")).json()["paths"]
    for path in (
        "/v1/ingest/library",
        "/v1/ingest/playlists/{playlist_id}",
        "/v1/me/library",
        "/v1/playlists/{playlist_id}",
        "/v1/playlists",
    ):
        operations = paths[path]
        assert all(op.get("summary") and op.get("tags") for op in operations.values()), path
