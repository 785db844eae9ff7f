"""ListenBrainz, Last.fm and Deezer in a discovery job, against the real sandbox process.

What each finds (with its evidence), that finds stay in the seed's scene, and what a
provider that is down, slow, rate limited for a day or answering garbage becomes: a
state in the job, while everything found (by it and the others) stays.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.sandbox.world import World
from resonance.settings import SANDBOX_LASTFM_KEY
from tests.discover.conftest import MakeJobs, provenance
from tests.discover.test_discover import read_then_discover
from tests.spotify.sandbox_server import SandboxServer

PROVIDERS = ("listenbrainz", "lastfm", "deezer")


def open_settings(sandbox: SandboxServer, **extra: Any) -> dict[str, Any]:
    """Every open provider on, pointed at the sandbox, with a small seed plan."""
    return {
        "listenbrainz_enabled": True,
        "listenbrainz_url": f"{sandbox.base}/listenbrainz-labs",
        "musicbrainz_url": f"{sandbox.base}/musicbrainz/ws/2",
        "lastfm_api_key": SANDBOX_LASTFM_KEY,
        "lastfm_url": f"{sandbox.base}/lastfm/2.0",
        "deezer_enabled": True,
        "deezer_url": f"{sandbox.base}/deezer",
        "discover_seed_artists": 2,
        "discover_seed_genres": 1,
        "discover_seed_tracks": 1,
        "discover_similar_per_seed": 3,
        "discover_albums_per_artist": 1,
        "discover_search_pages": 1,
        "discover_requests_per_job": 400,
        "provider_user_agent": "Resonance-tests/1.0 ( tests@resonance.invalid )",
        **extra,
    }


def service(sandbox: SandboxServer, name: str, **switches: Any) -> None:
    httpx.post(
        f"{sandbox.base}/_sandbox/providers/{name}", json=switches, timeout=10
    ).raise_for_status()


async def scenes(
    sessionmaker: async_sessionmaker[AsyncSession], world: World, provider: str
) -> tuple[list[str], list[Any]]:
    rows = [p for p in await provenance(sessionmaker) if p.provider == provider]
    async with sessionmaker() as session:
        tracks = await catalog.get_tracks(session, [p.track_id for p in rows])
    return [world.scene_of(str(t.spotify_id)) for t in tracks.values()], rows


async def test_each_open_provider_finds_the_seeds_scene_with_evidence(
    make_jobs: MakeJobs,
    sandbox: SandboxServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    world: World,
) -> None:
    service(sandbox, "musicbrainz", min_interval=1.0)  # MusicBrainz's own rule, enforced
    jobs = await make_jobs(**open_settings(sandbox))
    _, job = await read_then_discover(jobs, sandbox)
    assert (job.state, job.error) == ("done", None)
    assert "providers" not in job.checkpoint or not job.checkpoint["providers"]
    kinds = {s["kind"] for s in job.checkpoint["seeds"]}
    assert kinds == {"artist", "genre", "track"}
    track_seed = next(s for s in job.checkpoint["seeds"] if s["kind"] == "track")
    assert track_seed["isrc"] and track_seed["artist"]
    relations = {
        "listenbrainz": {"similar_artist", "similar_track"},
        "lastfm": {"similar_artist", "similar_track", "tag_top_track"},
        "deezer": {"related_artist"},
    }
    for name in PROVIDERS:
        found, rows = await scenes(sessionmaker, world, name)
        assert found, name
        assert sum(s == "house" for s in found) / len(found) >= 0.9, name
        assert {r.relation for r in rows} == relations[name], name
        assert 0 < job.counters[f"{name}_requests"] <= 400
        for row in rows:
            assert row.evidence.get("mapped_by") or row.evidence.get("similar_artist"), row
    _, brainz = await scenes(sessionmaker, world, "listenbrainz")
    by_isrc = [r for r in brainz if r.relation == "similar_track"]
    assert by_isrc and all(r.evidence["mapped_by"] == "isrc" for r in by_isrc)
    assert all(r.evidence["recording_mbid"] for r in by_isrc)
    _, lastfm = await scenes(sessionmaker, world, "lastfm")
    assert all(SANDBOX_LASTFM_KEY not in str(r.evidence) for r in lastfm)
    assert all(str(r.evidence["url"]).startswith("https://www.last.fm/") for r in lastfm)


@pytest.mark.parametrize(
    ("name", "switches", "extra", "state", "reason"),
    [
        ("deezer", {"down": True}, {}, "failed", "looks down"),
        ("lastfm", {"garbage": 50}, {}, "failed", "not JSON"),
        (
            "listenbrainz",
            {"rate_limit_count": 50, "retry_after": 86_400},
            {},
            "rate_limited",
            "86400 s",
        ),
        ("deezer", {"latency_ms": 3_000}, {"provider_timeout": 0.5}, "failed", "ReadTimeout"),
    ],
)
async def test_a_failing_provider_gets_a_state_and_loses_nothing(
    make_jobs: MakeJobs,
    sandbox: SandboxServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    name: str,
    switches: dict[str, Any],
    extra: dict[str, Any],
    state: str,
    reason: str,
) -> None:
    service(sandbox, name, **switches)
    jobs = await make_jobs(**open_settings(sandbox, **extra))
    _, job = await read_then_discover(jobs, sandbox)
    assert (job.state, job.error) == ("done", None)
    stopped = job.checkpoint["providers"]
    assert set(stopped) == {name}
    assert stopped[name]["state"] == state and reason in stopped[name]["reason"]
    found = await provenance(sessionmaker)
    others = {p.provider for p in found}
    assert name not in others
    assert {"spotify", *(p for p in PROVIDERS if p != name)} <= others
    assert job.counters["candidates"] == len(found)


async def test_mapping_searches_cannot_spend_the_spotify_providers_budget(
    make_jobs: MakeJobs,
    sandbox: SandboxServer,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    jobs = await make_jobs(**open_settings(sandbox, discover_requests_per_job=30))
    _, job = await read_then_discover(jobs, sandbox)
    assert (job.state, job.error) == ("done", None)
    assert "budget_spent" not in job.counters  # the Spotify provider finished its seeds
    assert job.counters["seeds_done"] == len(job.checkpoint["seeds"])
    assert 0 < job.counters["spotify_mapping_requests"] <= 30
    stopped = job.checkpoint["providers"]
    assert stopped and all(s["state"] == "budget_spent_job" for s in stopped.values())
    assert all("spotify_mapping" in s["reason"] for s in stopped.values())
    found = {p.provider for p in await provenance(sessionmaker)}
    assert "spotify" in found and found - {"spotify"}
