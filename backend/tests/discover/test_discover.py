"""Discovery after a playlist read, against the real sandbox: what it finds, what it spends."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.cache.memory import MemoryCache
from resonance.db.models import Job, Track
from resonance.discover import (
    Budget,
    BudgetSpent,
    CachedSpotify,
    ProviderFailed,
    Seed,
    SpotifyCatalogueProvider,
)
from resonance.jobs.runtime import JobRun
from resonance.jobs.service import Jobs
from resonance.sandbox.world import World
from resonance.settings import Settings
from resonance.spotify import SpotifyClient
from tests.discover.conftest import MakeJobs, jobs_of_kind, provenance
from tests.spotify.sandbox_server import SandboxServer


async def read_then_discover(
    jobs: Jobs, sandbox: SandboxServer, playlist: str = "House mix", **params: Any
) -> tuple[Job, Job]:
    """Ingest a playlist of the demo user; its chained discovery job runs to an end."""
    token = sandbox.token("demo")
    submitted, _ = await jobs.submit(
        kind="playlist", target=sandbox.playlist_id(playlist), params=params or None, secret=token
    )
    read = await jobs.run_now(submitted.id)
    assert read.state == "done", read.error
    discover_id = read.counters["discover_job_id"]
    return read, await jobs.wait(discover_id, timeout=120)


def spotify_ids(tracks: dict[int, Track]) -> dict[int, str]:
    return {t: str(track.spotify_id) for t, track in tracks.items()}


async def test_discovery_finds_music_the_listener_lacks_in_the_seeds_scene(
    make_jobs: MakeJobs,
    sandbox: SandboxServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    world: World,
) -> None:
    jobs = await make_jobs()
    read, job = await read_then_discover(jobs, sandbox)
    assert (job.state, job.error) == ("done", None)
    assert job.kind == "discover" and job.target == f"playlist:{sandbox.playlist_id('House mix')}"
    assert job.counters["seeds_done"] == len(job.checkpoint["seeds"]) > 0
    assert 0 < job.counters["spotify_requests"] <= jobs.settings.discover_requests_per_job
    found = await provenance(sessionmaker)
    assert len(found) == job.counters["candidates"] > 50
    async with sessionmaker() as session:
        tracks = await catalog.get_tracks(session, [p.track_id for p in found])
        seeds = set(await catalog.ingested_playlist_tracks(session, read.target or "") or [])
    ids = spotify_ids(tracks)
    assert not seeds & set(ids)  # nothing the seed playlist already has
    demo = world.users["demo"]
    has = {t for t, _ in demo.saved} | set(demo.top) | {t for t, _ in demo.recent}
    has |= {t for p in world.user_playlists("demo") for t in p.track_ids}
    new = [s for s in ids.values() if s not in has]
    # Only this playlist was read, so Resonance cannot know the rest of the library yet
    # (the end-to-end test reads it first): most finds are new to the listener anyway.
    assert len(new) / len(ids) >= 0.8
    in_scene = [s for s in ids.values() if world.scene_of(s) == "house"]
    assert len(in_scene) / len(ids) >= 0.9
    relations = {p.relation for p in found}
    assert relations == {"album_by_seed_artist", "genre_search", "genre_artist"}
    # Discovered tracks wait for the audio stage like ingested ones. A development-mode
    # app gets no preview_url: their audio comes from the preview provider, by ISRC or,
    # for album track lists (which carry none), by title and artist.
    assert all(t.audio_status == "pending" for t in tracks.values())
    assert not any(t.preview_url for t in tracks.values())

    # Again: the same seeds cost no request (cached answers) and add no duplicate.
    token = sandbox.token("demo")
    again, _ = await jobs.submit(
        kind="discover", target=job.target, user_id=job.user_id, secret=token
    )
    second = await jobs.run_now(again.id)
    assert second.state == "done"
    assert second.counters.get("spotify_requests", 0) == 0
    assert second.counters["cache_hits"] >= job.counters["spotify_requests"]
    assert len(await provenance(sessionmaker)) == len(found)


async def read(jobs: Jobs, sandbox: SandboxServer, playlist: str = "House mix") -> Job:
    """Ingest a playlist of the demo user, without chaining discovery."""
    submitted, _ = await jobs.submit(
        kind="playlist",
        target=sandbox.playlist_id(playlist),
        params={"discover": False},
        secret=sandbox.token("demo"),
    )
    job = await jobs.run_now(submitted.id)
    assert job.state == "done" and "discover_job_id" not in job.counters
    return job


async def discover(jobs: Jobs, sandbox: SandboxServer, read_job: Job) -> Job:
    async with jobs.sessionmaker() as session:
        user = await catalog.get_user_by_spotify_id(session, "demo")
    assert user is not None
    submitted, _ = await jobs.submit(
        kind="discover",
        target=f"playlist:{read_job.target}",
        user_id=user.id,
        secret=sandbox.token("demo"),
    )
    return await jobs.run_now(submitted.id)


async def test_budgets_stop_a_job_and_defer_to_the_next_day_keeping_what_was_found(
    make_jobs: MakeJobs, sandbox: SandboxServer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    jobs = await make_jobs(discover_requests_per_job=4)
    house = await read(jobs, sandbox)
    job = await discover(jobs, sandbox, house)
    assert (job.state, job.counters["budget_spent"]) == ("done", 1)
    assert job.counters["spotify_requests"] == 4
    assert job.checkpoint["requests"] == {"spotify": 4}
    kept = len(await provenance(sessionmaker))
    assert kept > 0

    # The daily budget (4 spent already today) leaves the next job waiting for tomorrow.
    daily = await make_jobs(discover_requests_per_user_day=6)
    jazz = await read(daily, sandbox, "Jazz mix")
    waiting = await discover(daily, sandbox, jazz)
    assert waiting.state == "waiting_rate_limit", waiting.error
    assert waiting.resume_at is not None and "today" in (waiting.error or "")
    assert waiting.counters["spotify_requests"] == 2
    assert len(await provenance(sessionmaker)) > kept


async def test_429s_are_waited_out_or_reschedule_the_job(
    make_jobs: MakeJobs, sandbox: SandboxServer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    jobs = await make_jobs(discover_seed_artists=2, discover_seed_genres=0)
    house = await read(jobs, sandbox)
    sandbox.switches(fail_after=1, rate_limit_count=2, retry_after=1)
    job = await discover(jobs, sandbox, house)
    assert (job.state, job.error) == ("done", None)
    assert job.counters["candidates"] > 0
    limited = len(await provenance(sessionmaker))

    # A Retry-After beyond the client's cap: the job is rescheduled, its finds kept.
    jazz = await read(jobs, sandbox, "Jazz mix")
    sandbox.switches(fail_after=2, rate_limit_count=1, retry_after=600)
    waiting = await discover(jobs, sandbox, jazz)
    assert waiting.state == "waiting_rate_limit", waiting.error
    assert "rate limit" in (waiting.error or "")
    assert waiting.resume_at is not None
    assert len(await provenance(sessionmaker)) > limited  # the two answers before the 429
    assert waiting.checkpoint["seeds"]

    # Resumed (here at once; the queue would wait for resume_at): from its checkpoint on.
    resumed = await jobs.run_now(waiting.id)
    assert (resumed.state, resumed.error) == ("done", None)
    assert resumed.counters["seeds_done"] == len(resumed.checkpoint["seeds"])


async def test_a_provider_that_goes_down_leaves_what_it_found(
    make_jobs: MakeJobs, sandbox: SandboxServer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    jobs = await make_jobs(spotify_max_retries=1)
    house = await read(jobs, sandbox)
    sandbox.switches(fail_after=6, server_errors=1000)
    job = await discover(jobs, sandbox, house)
    assert job.state == "failed"
    assert "503" in (job.error or "") and "Gave up" in (job.error or "")
    kept = await provenance(sessionmaker)
    assert kept, "candidates found before the outage stay in the catalogue"
    assert job.counters["candidates"] == len(kept)
    assert job.checkpoint["seeds"] and job.checkpoint["requests"]["spotify"] >= 6


async def test_garbage_answers_are_a_clear_provider_failure(tmp_path: Any) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if "albums" in request.url.path:
            return httpx.Response(200, text="<html>maintenance</html>")
        return httpx.Response(200, json=["not", "an", "object"])

    settings = Settings(data_dir=tmp_path, spotify_api_url="http://spotify.test/v1")
    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    async with SpotifyClient(settings, "token", http=http) as client:
        budget = Budget("spotify", per_job=10, per_day=10)
        api = CachedSpotify(client, MemoryCache(prefix="g:"), budget, ttl=60, name="spotify")
        provider = SpotifyCatalogueProvider(api, albums_per_artist=2, search_pages=1)
        with pytest.raises(ProviderFailed, match="not JSON"):
            async for _ in provider.candidates(Seed("artist", "a1", "Someone")):
                pass
        with pytest.raises(ProviderFailed, match="not an object"):
            async for _ in provider.candidates(Seed("genre", "house", "house")):
                pass
        assert budget.job_used == 2
        budget.job_used = 10
        with pytest.raises(BudgetSpent):
            async for _ in provider.candidates(Seed("genre", "jazz", "jazz")):
                pass
    await http.aclose()


async def test_ingestion_chains_discovery_by_kind(
    make_jobs: MakeJobs, sandbox: SandboxServer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    jobs = await make_jobs(discover_enabled=False)
    token = sandbox.token("demo")
    submitted, _ = await jobs.submit(
        kind="playlist", target=sandbox.playlist_id("Pop mix"), secret=token
    )
    done = await jobs.run_now(submitted.id)
    assert done.state == "done" and "discover_job_id" not in done.counters
    assert await jobs_of_kind(sessionmaker, "discover") == []


async def test_discovered_tracks_go_to_the_audio_stage_then_the_index(
    make_jobs: MakeJobs, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = await make_jobs(discover_seed_artists=1, discover_seed_genres=0)
    house = await read(jobs, sandbox)
    submitted: list[str] = []

    async def record(self: JobRun, kind: str, *args: Any, **kwargs: Any) -> str:
        submitted.append(kind)
        return "job-id"

    monkeypatch.setattr(JobRun, "can_run", lambda self, kind: True)
    monkeypatch.setattr(JobRun, "submit", record)
    job = await discover(jobs, sandbox, house)
    assert job.state == "done" and job.counters["tracks_added"] > 0
    # The audio job queues the index build once its analyses are stored; the served
    # models take each discovered track as it lands (resonance.index.incremental).
    assert submitted == ["audio"]
