"""The Web API client against the sandbox: paging, rate limits, quota, 5xx, 403s, quota modes."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from resonance.jobs.errors import JobDeferred, JobStopped, TransientJobError
from resonance.metrics import SPOTIFY_RATE_LIMITED
from resonance.spotify.client import SpotifyClient
from resonance.spotify.errors import (
    QuotaExceededError,
    RateLimitedError,
    ReauthorizationRequired,
    SpotifyForbidden,
    SpotifyServerError,
)
from tests.spotify.fixtures import sandbox_settings
from tests.spotify.sandbox_server import SandboxServer


def client_for(
    server: SandboxServer, tmp_path: Path, user: str = "demo", **settings: object
) -> SpotifyClient:
    return SpotifyClient(
        sandbox_settings(server, tmp_path, **settings), server.token(user), backoff_base=0.01
    )


async def test_paging_follows_next_over_a_multi_page_library(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async with client_for(sandbox, tmp_path) as client:
        pages = [page async for page in client.saved_tracks()]
        played = await client.recently_played()
    assert [len(p.items) for p in pages] == [50, 50, 50, 50, 30]
    ids = [item["track"]["id"] for page in pages for item in page.items]
    assert len(ids) == len(set(ids)) == 230
    assert client.requests == 5 + 1
    assert len(played) == 50


async def test_paging_resumes_from_an_offset(sandbox: SandboxServer, tmp_path: Path) -> None:
    async with client_for(sandbox, tmp_path) as client:
        pages = [page async for page in client.saved_tracks(offset=200)]
    assert [(p.offset, len(p.items)) for p in pages] == [(200, 30)]


async def test_a_429_within_the_cap_is_waited_out(sandbox: SandboxServer, tmp_path: Path) -> None:
    sandbox.switches(rate_limit_count=2, retry_after=0.3)
    waited_before = SPOTIFY_RATE_LIMITED.labels(outcome="waited")._value.get()
    async with client_for(sandbox, tmp_path) as client:
        started = time.monotonic()
        me = await client.me()
        elapsed = time.monotonic() - started
    assert me["id"] == "demo"
    assert client.requests == 3
    assert elapsed >= 0.55
    assert SPOTIFY_RATE_LIMITED.labels(outcome="waited")._value.get() == waited_before + 2


async def test_a_429_beyond_the_cap_raises_with_the_time_to_resume(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    sandbox.switches(rate_limit_count=1, retry_after=3600)
    async with client_for(sandbox, tmp_path, spotify_max_retry_after=2.0) as client:
        started = time.monotonic()
        with pytest.raises(RateLimitedError) as caught:
            await client.me()
    assert time.monotonic() - started < 1.5  # it did not sleep an hour, nor the cap
    assert isinstance(caught.value, JobDeferred)
    assert caught.value.retry_after == 3600
    wait = (caught.value.resume_at - datetime.now(UTC)).total_seconds()
    assert 3500 < wait <= 3600


async def test_quota_exceeded_stops_with_a_clear_state(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    sandbox.switches(quota_exceeded=True)
    async with client_for(sandbox, tmp_path) as client:
        with pytest.raises(QuotaExceededError) as caught:
            await client.me()
    assert isinstance(caught.value, JobStopped)
    assert caught.value.state == "quota_exceeded"
    assert client.requests == 1  # not retried


async def test_server_errors_are_retried_then_surface_as_transient(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    sandbox.switches(server_errors=2)
    async with client_for(sandbox, tmp_path) as client:
        assert (await client.me())["id"] == "demo"
        assert client.requests == 3
    sandbox.switches(server_errors=50)
    async with client_for(sandbox, tmp_path, spotify_max_retries=2) as client:
        with pytest.raises(SpotifyServerError) as caught:
            await client.me()
        assert client.requests == 3
    assert isinstance(caught.value, TransientJobError)


async def test_a_followed_playlist_answers_403_on_items(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    followed = sandbox.playlist_id("Bob's jazz picks")
    async with client_for(sandbox, tmp_path) as client:
        meta = await client.playlist(followed)
        assert meta["owner"]["id"] == "bob"
        with pytest.raises(SpotifyForbidden):
            _ = [page async for page in client.playlist_items(followed)]


async def test_a_revoked_access_token_asks_for_a_new_sign_in(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async with client_for(sandbox, tmp_path, user="carol") as client:
        sandbox.admin("revoke", {"user": "carol"})
        with pytest.raises(ReauthorizationRequired):
            await client.me()


async def test_development_mode_is_detected_once_and_reads_one_by_one(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async with client_for(sandbox, tmp_path) as client:
        tracks = (await anext(client.top_tracks())).items[:30]
        artist_ids = list({a["id"] for t in tracks for a in t["artists"]})
        before = client.requests
        artists = await client.artists(artist_ids)
        assert client.requests - before == 1 + len(artist_ids)  # one 403, then one each
        assert {a["id"] for a in artists} == set(artist_ids)
        assert all(a["genres"] for a in artists)
        assert await client.mode() == "development"
        before = client.requests
        await client.artists(artist_ids[:3])
        assert client.requests - before == 3  # remembered: no second probe
        assert await client.audio_features([t["id"] for t in tracks]) is None
        assert client.requests - before == 3  # known unavailable: not even asked


async def test_extended_mode_reads_in_batches_with_audio_features(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    sandbox.switches(mode="extended")
    async with client_for(sandbox, tmp_path) as client:
        saved = [p async for p in client.saved_tracks()]
        track_ids = [i["track"]["id"] for p in saved for i in p.items]
        artist_ids = list({a["id"] for p in saved for i in p.items for a in i["track"]["artists"]})
        before = client.requests
        artists = await client.artists(artist_ids)
        assert client.requests - before == -(-len(artist_ids) // 50)
        assert len(artists) == len(artist_ids)
        assert await client.mode() == "extended"
        before = client.requests
        features = await client.audio_features(track_ids)
        assert client.requests - before == 3  # 230 ids at 100 per request
        assert features is not None and len(features) == 230
        assert 0 <= features[track_ids[0]]["energy"] <= 1
        tracks = await client.tracks(track_ids[:60])
        assert len(tracks) == 60


async def test_audio_features_403_marks_them_unavailable(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async with client_for(sandbox, tmp_path) as client:
        top = (await anext(client.top_tracks())).items
        assert await client.audio_features([t["id"] for t in top]) is None
        assert await client.modes.features_available() is False


async def test_writes_create_a_playlist_and_add_in_chunks_of_100(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async with client_for(sandbox, tmp_path) as client:
        saved = [p async for p in client.saved_tracks()]
        uris = [i["track"]["uri"] for p in saved for i in p.items][:150]
        created = await client.create_playlist("Made by a test", description="x")
        before = client.requests
        snapshot = await client.add_items(created["id"], uris)
        assert client.requests - before == 2
        assert snapshot and snapshot != created["snapshot_id"]
        entries = [e async for p in client.playlist_items(created["id"]) for e in p.items]
    assert [e["item"]["uri"] for e in entries] == uris


async def test_search_caps_the_limit_at_ten(sandbox: SandboxServer, tmp_path: Path) -> None:
    async with client_for(sandbox, tmp_path) as client:
        found = await client.search("night", limit=50)
    assert 0 < len(found["tracks"]["items"]) <= 10


async def test_an_expired_access_token_asks_for_a_new_sign_in(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    # Long enough for the first call to land on a loaded machine (0.2 s was not).
    ttl = 3.0
    token = sandbox.token("bob", ttl=ttl)
    issued = time.monotonic()
    async with SpotifyClient(sandbox_settings(sandbox, tmp_path), token) as client:
        assert (await client.me())["id"] == "bob"
        await asyncio.sleep(max(0.0, issued + ttl + 0.2 - time.monotonic()))
        with pytest.raises(ReauthorizationRequired, match="expired"):
            await client.me()
