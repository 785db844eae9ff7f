"""Recommendations are "new to you" by default, fed while discovery runs.

The listener's library is read at sign-in; then they ask for recommendations on a
playlist Resonance has never seen. Nothing is analysed and no index is rebuilt after
discovery (those job kinds do not run here): the served model is fed each discovered
track as it lands. Judged against the sandbox world's ground truth, which nothing in
the service can read.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from resonance.app import JOB_HANDLERS, create_app
from resonance.app.wiring import command_runtime
from resonance.sandbox.world import World
from tests.spotify.fixtures import sandbox_settings
from tests.spotify.sandbox_server import SandboxServer

pytestmark = pytest.mark.slow
TOKEN = "new-by-default-token-123456"
NO_MEDIA = JOB_HANDLERS.without("audio", "index")
# Seconds from "Get recommendations" to 20 new-to-you results that meet the quality bars;
# discovery goes on after that (through every seed), and only reorders a good list.
FIRST_LIST_BAR = 10.0
# The 300 ms bar for a later request is bench/discovery.py's to measure (on a quiet
# machine); here a later request must only not redo work: no discovery, no build. At a
# load average of 24 on two cores the median was 726 ms.
LATER_CEILING = 3000.0


def meets(world: World, ids: list[str]) -> bool:
    """Ground truth: ≥ 90 % new to the demo listener and ≥ 70 % from the house scene."""
    has = known_to(world, "demo")
    new = sum(i not in has for i in ids) / len(ids)
    return new >= 0.9 and sum(world.scene_of(i) == "house" for i in ids) / len(ids) >= 0.7


def known_to(world: World, user: str) -> set[str]:
    """Ground truth: every track the listener has (library and playlists)."""
    person = world.users[user]
    has = {t for t, _ in person.saved} | set(person.top) | {t for t, _ in person.recent}
    return has | {t for p in world.user_playlists(user) for t in p.track_ids}


async def _sign_in(settings: Any, token: str) -> None:
    """What sign-in does: read the library (its own discovery left out here)."""
    async with command_runtime(settings, handlers=NO_MEDIA) as rt:
        job, _ = await rt.jobs.submit(
            kind="library", target="demo", params={"discover": False}, secret=token
        )
        assert (await rt.jobs.run_now(job.id)).state == "done"


async def test_a_never_seen_playlist_gets_twenty_new_tracks_in_its_scene_within_ten_seconds(
    sandbox: SandboxServer, sqlite_url: str, tmp_path: Path, world: World
) -> None:
    settings = sandbox_settings(sandbox, tmp_path, database_url=sqlite_url, service_token=TOKEN)
    token = sandbox.token("demo")
    await _sign_in(settings, token)
    playlist = sandbox.playlist_id("House mix")
    auth = {"Authorization": f"Bearer {TOKEN}", "X-Spotify-Access-Token": token}
    with TestClient(create_app(settings, handlers=NO_MEDIA)) as client:
        # The library's index is built before the listener opens the playlist.
        warm = client.post(
            "/v1/recommendations",
            json={"track_ids": [1], "source": "library"},
            headers=auth,
        )
        assert warm.status_code == 200, warm.text
        started = time.perf_counter()
        answers: list[dict[str, Any]] = []
        first_good = float("inf")
        while time.perf_counter() - started < 60:
            response = client.post(
                "/v1/recommendations", json={"playlist_id": playlist}, headers=auth
            )
            assert response.status_code in (200, 202), response.text
            answers.append(response.json())
            shown = [i["track"]["spotify_id"] for i in answers[-1].get("items", [])]
            if first_good == float("inf") and len(shown) >= 20 and meets(world, shown):
                first_good = time.perf_counter() - started
            # As the web app does: ask again while discovery is still finding music.
            finding = (answers[-1].get("discovery") or {}).get("state") == "finding"
            if response.status_code == 200 and len(answers[-1]["items"]) >= 20 and not finding:
                break
            await asyncio.sleep(0.5)
        settled = time.perf_counter() - started
        latencies = []
        for _ in range(5):
            t0 = time.perf_counter()
            later = client.post("/v1/recommendations", json={"playlist_id": playlist}, headers=auth)
            latencies.append((time.perf_counter() - t0) * 1000)
        library = client.post(
            "/v1/recommendations", json={"playlist_id": playlist, "source": "library"}, headers=auth
        ).json()

    answer = later.json()
    items = answer["items"]
    ids = [i["track"]["spotify_id"] for i in items]
    has = known_to(world, "demo")
    new_share = sum(i not in has for i in ids) / len(ids)
    scene_share = sum(world.scene_of(i) == "house" for i in ids) / len(ids)
    print(
        f"\n20 good new-to-you after {first_good:.1f} s, settled after {settled:.1f} s"
        f" ({len(answers)} asks), new {new_share:.0%},"
        f" in-scene {scene_share:.0%}, later median {statistics.median(latencies):.0f} ms"
    )
    assert len(items) == 20
    assert first_good <= FIRST_LIST_BAR
    assert statistics.median(latencies) <= LATER_CEILING
    assert new_share >= 0.9
    assert scene_share >= 0.7
    # Until discovery settled, each answer said it was still finding music.
    settling = [a for a in answers[:-1] if a.get("status") == "ok"]
    for a in settling:
        assert a["discovery"]["state"] == "finding"
        assert a["discovery"]["message"].startswith("Finding new music…")
        assert a["notes"][0] == a["discovery"]["message"]
    assert answers[-1]["discovery"]["state"] == "done"
    assert answers[-1]["discovery"]["message"] is None, "a full list needs no word"
    # Each discovered track says where it came from, and carries its badge.
    explained = [i["explanation"] for i in items if i["explanation"]["provenance"]]
    assert len(explained) >= 0.9 * len(items)
    # The provenance is the first sentence, with its full stop.
    assert all(e["sentences"][0] == e["provenance"].rstrip(".") + "." for e in explained)
    assert all(e["found_by"] == "New · Spotify" for e in explained)
    assert any(e["provenance"].endswith("an artist you play") for e in explained)
    # "From my library" is one option away, and answers with music the listener has.
    assert library["discovery"] is None
    assert sum(i["track"]["spotify_id"] in has for i in library["items"]) > 10
