"""Library and playlist ingestion from the sandbox (a real server) into SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.cache.base import Cache
from resonance.cache.memory import MemoryCache
from resonance.db.models import Playlist, User
from resonance.jobs.queue import InProcessQueue
from resonance.jobs.runtime import JobRun
from resonance.jobs.service import Jobs
from resonance.spotify.client import SpotifyClient
from tests.ingest.conftest import NO_AUDIO
from tests.ingest.helpers import row_counts, run_job
from tests.spotify.fixtures import sandbox_settings
from tests.spotify.sandbox_server import SandboxServer


@pytest.fixture
async def jobs(
    sandbox: SandboxServer, tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Jobs]:
    settings = sandbox_settings(sandbox, tmp_path, job_retry_base_seconds=0.05)
    service = Jobs(
        settings, sessionmaker, MemoryCache(prefix="t:"), InProcessQueue(2), handlers=NO_AUDIO
    )
    await service.start(resume=False)
    yield service
    await service.close()


async def playlists_by_name(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Playlist]:
    async with sessionmaker() as session:
        rows = await session.scalars(select(Playlist))
        return {p.name: p for p in rows}


async def test_library_ingestion_is_complete_and_idempotent(
    sandbox: SandboxServer, jobs: Jobs, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    token = sandbox.token("demo")
    job = await run_job(jobs, "library", "demo", token)
    assert (job.state, job.error) == ("done", None)
    assert job.counters["saved_tracks"] == 230
    assert job.counters["top_tracks"] == 50
    assert job.counters["playlists_ingested"] == 10  # 9 owned + 1 collaborative
    assert job.counters["playlists_followed"] == 2
    first = await row_counts(sessionmaker)
    assert first["library_items"] >= 230 + 50
    assert first["genres"] >= 8
    playlists = await playlists_by_name(sessionmaker)
    assert playlists["Long drives"].ingested_snapshot_id == playlists["Long drives"].snapshot_id
    assert playlists["Bob's jazz picks"].contents_available is False
    assert playlists["Friday night (shared)"].contents_available is True
    async with sessionmaker() as session:
        user = await session.scalar(select(User).where(User.spotify_user_id == "demo"))
        assert user is not None and user.quota_mode == "development"
        assert user.library_synced_at is not None
        genres = await catalog.genres_for_tracks(
            session, await catalog.playlist_track_ids(session, playlists["House mix"].id)
        )
    assert all("house" in names for names in genres.values())

    again = await run_job(jobs, "library", "demo", token)
    assert again.state == "done"
    assert again.counters["playlists_unchanged"] == 10
    assert "playlists_ingested" not in again.counters
    assert await row_counts(sessionmaker) == first
    # Unchanged playlists cost no request: /me, 5 saved pages, top, recent, playlists list.
    assert again.counters["spotify_requests"] <= 10


async def test_a_changed_snapshot_is_ingested_again(
    sandbox: SandboxServer,
    jobs: Jobs,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    token = sandbox.token("demo")
    playlist_id = sandbox.playlist_id("Jazz mix")
    assert (await run_job(jobs, "playlist", playlist_id, token)).counters["entries_written"] == 40
    skipped = await run_job(jobs, "playlist", playlist_id, token)
    assert skipped.counters.get("playlists_unchanged") == 1
    assert skipped.counters["spotify_requests"] == 2  # /me and the playlist itself
    async with SpotifyClient(sandbox_settings(sandbox, tmp_path), token) as client:
        top = (await anext(client.top_tracks())).items
        await client.add_items(playlist_id, [t["uri"] for t in top[:5]])
    changed = await run_job(jobs, "playlist", playlist_id, token)
    assert changed.counters["entries_written"] == 45
    async with sessionmaker() as session:
        stored = await catalog.get_playlist_by_spotify_id(session, playlist_id)
        assert stored is not None
        assert len(await catalog.playlist_track_ids(session, stored.id)) == 45
    sandbox.reset(world=True)


async def test_a_followed_playlist_is_recorded_without_contents(
    sandbox: SandboxServer, jobs: Jobs, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    job = await run_job(jobs, "playlist", sandbox.playlist_id("Heavy"), sandbox.token("demo"))
    assert (job.state, job.counters["playlists_unavailable"]) == ("done", 1)
    stored = (await playlists_by_name(sessionmaker))["Heavy"]
    assert stored.contents_available is False
    assert stored.total_items == 50


async def test_extended_mode_stores_audio_features_and_batches(
    sandbox: SandboxServer, jobs: Jobs, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    sandbox.switches(mode="extended")
    job = await run_job(jobs, "playlist", sandbox.playlist_id("Long drives"), sandbox.token("demo"))
    assert job.state == "done"
    assert job.counters["audio_features_stored"] == 230
    counts = await row_counts(sessionmaker)
    assert counts["spotify_audio_features"] == 230
    pages, artists = 5, counts["artists"]
    # /me, the playlist (first page embedded), 4 more pages, artists by 50, features by 100.
    assert job.counters["spotify_requests"] == 2 + (pages - 1) + -(-artists // 50) + 3


async def test_development_mode_uses_the_minimum_of_requests(
    sandbox: SandboxServer, jobs: Jobs, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    job = await run_job(jobs, "playlist", sandbox.playlist_id("Long drives"), sandbox.token("demo"))
    counts = await row_counts(sessionmaker)
    assert counts["spotify_audio_features"] == 0
    # /me, the playlist, 4 more pages, one 403 batch probe, one request per artist.
    assert job.counters["spotify_requests"] == 2 + 4 + 1 + counts["artists"]


async def test_concurrent_requests_for_one_playlist_share_one_job(
    sandbox: SandboxServer,
    tmp_path: Path,
    sessionmaker: async_sessionmaker[AsyncSession],
    cache: Cache,
) -> None:
    settings = sandbox_settings(sandbox, tmp_path)
    service = Jobs(settings, sessionmaker, cache, InProcessQueue(2), handlers=NO_AUDIO)
    await service.start(resume=False)
    try:
        sandbox.switches(latency_ms=50)
        playlist_id = sandbox.playlist_id("Long drives")
        token = sandbox.token("demo")
        results = await asyncio.gather(
            *(service.submit(kind="playlist", target=playlist_id, secret=token) for _ in range(4))
        )
        assert len({job.id for job, _ in results}) == 1
        assert sum(created for _, created in results) == 1
        done = await service.wait(results[0][0].id, timeout=60)
        assert done.state == "done"
    finally:
        await service.close()


async def test_a_job_killed_halfway_resumes_without_duplicating_rows(
    sandbox: SandboxServer,
    jobs: Jobs,
    sessionmaker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    playlist_id = sandbox.playlist_id("Long drives")
    real_progress = JobRun.progress
    calls = {"n": 0}

    async def dying_progress(self: JobRun, **values: Any) -> None:
        await real_progress(self, **values)
        if (values.get("checkpoint") or {}).get(f"playlist:{playlist_id}", 0) >= 100:
            calls["n"] += 1
            if calls["n"] == 1:
                raise SystemExit  # the process dies right after a checkpoint

    monkeypatch.setattr(JobRun, "progress", dying_progress)
    job, _ = await jobs.submit(kind="playlist", target=playlist_id, secret=sandbox.token("demo"))
    with pytest.raises(SystemExit):
        await jobs.run_now(job.id)
    half = await jobs.get(job.id)
    assert half is not None and half.state == "running"
    assert half.checkpoint[f"playlist:{playlist_id}"] == 100
    sandbox.reset()
    resumed = await jobs.run_now(job.id)  # what a restarted worker does
    assert resumed.state == "done"
    assert sandbox.stats()["by_route"]["/v1/playlists/{playlist_id}/items"] == 3  # 100→230
    counts = await row_counts(sessionmaker)
    assert counts["playlist_entries"] == 230
    async with sessionmaker() as session:
        stored = await catalog.get_playlist_by_spotify_id(session, playlist_id)
        assert stored is not None and stored.ingested_snapshot_id == stored.snapshot_id


@pytest.mark.parametrize(
    ("switches", "state"),
    [
        ({"rate_limit_count": 1, "retry_after": 3600}, "waiting_rate_limit"),
        ({"quota_exceeded": True}, "quota_exceeded"),
    ],
)
async def test_spotify_limits_become_job_states(
    sandbox: SandboxServer, jobs: Jobs, switches: dict[str, Any], state: str
) -> None:
    sandbox.switches(**switches)
    job = await run_job(jobs, "library", "demo", sandbox.token("demo"))
    assert job.state == state
    if state == "waiting_rate_limit":
        assert job.resume_at is not None


async def test_a_revoked_or_missing_token_needs_a_new_sign_in(
    sandbox: SandboxServer, jobs: Jobs
) -> None:
    token = sandbox.token("carol")
    sandbox.admin("revoke", {"user": "carol"})
    revoked = await run_job(jobs, "library", "carol", token)
    assert (revoked.state, "sign in again" in (revoked.error or "")) == ("needs_reauth", True)
    missing = await run_job(jobs, "library", "nobody", None)
    assert missing.state == "needs_reauth"


async def test_new_tracks_are_handed_to_the_audio_stage(
    sandbox: SandboxServer, jobs: Jobs, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted: list[str] = []

    async def record(
        self: JobRun, kind: str, target: str | None = None, params: Any = None, **_: Any
    ) -> str:
        submitted.append(kind)
        return "job-id"

    monkeypatch.setattr(JobRun, "can_run", lambda self, kind: True)
    monkeypatch.setattr(JobRun, "submit", record)
    job = await run_job(jobs, "playlist", sandbox.playlist_id("Pop mix"), sandbox.token("demo"))
    assert job.counters["audio_pending"] == 40
    assert submitted == ["audio", "index", "discover"]
    assert job.counters["index_job_id"] == "job-id"
    assert job.counters["discover_job_id"] == "job-id"
    off = await run_job(
        jobs,
        "playlist",
        sandbox.playlist_id("Folk mix"),
        sandbox.token("demo"),
        audio=False,
        discover=False,
    )
    assert off.state == "done" and submitted == ["audio", "index", "discover", "index"]
