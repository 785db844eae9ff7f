"""The listener's own playlist → library read → discovery → audio → index → "new to you".

Against the real sandbox, judged by its ground truth (who has what, which scene a track
was made in), which nothing in the service can read.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from resonance import catalog, discover
from resonance.app import JOB_HANDLERS, create_app
from resonance.app.wiring import command_runtime
from resonance.sandbox.world import World
from tests.spotify.fixtures import sandbox_settings
from tests.spotify.sandbox_server import SandboxServer

pytestmark = pytest.mark.slow
TOKEN = "discover-test-token-123456"
PLAYLIST = "House mix"
SCENE = "house"


async def _read_and_discover(settings: Any, sandbox: SandboxServer) -> list[int]:
    """Library and playlist read, then the chained discovery; returns tracks to analyse."""
    token = sandbox.token("demo")
    later = {"audio": False, "index": False}
    async with command_runtime(settings, handlers=JOB_HANDLERS.without("audio", "index")) as rt:
        library, _ = await rt.jobs.submit(
            kind="library", target="demo", params=later | {"discover": False}, secret=token
        )
        assert (await rt.jobs.run_now(library.id)).state == "done"
        playlist, _ = await rt.jobs.submit(
            kind="playlist", target=sandbox.playlist_id(PLAYLIST), params=later, secret=token
        )
        read = await rt.jobs.run_now(playlist.id)
        assert read.state == "done", read.error
        found = await rt.jobs.wait(read.counters["discover_job_id"], timeout=300)
        assert (found.state, found.error) == ("done", None)
        async with rt.sessionmaker() as session:
            user = await catalog.get_user_by_spotify_id(session, "demo")
            assert user is not None
            seeds = await catalog.ingested_playlist_tracks(session, sandbox.playlist_id(PLAYLIST))
            discovered = await discover.discovered_track_ids(session, user.id)
    assert seeds and len(discovered) > 50
    return [*seeds, *discovered]


async def _analyse_and_index(settings: Any, track_ids: list[int]) -> None:
    async with command_runtime(settings) as rt:
        job, _ = await rt.jobs.submit(kind="audio", params={"track_ids": track_ids})
        analysed = await rt.jobs.run_now(job.id)
        assert analysed.state == "done", analysed.error
        assert analysed.counters["analysed"] >= 0.9 * len(track_ids), analysed.counters
        index, _ = await rt.jobs.submit(kind="index", target="catalogue")
        assert (await rt.jobs.wait(index.id, timeout=300)).state == "done"


async def test_recommendations_are_new_to_the_listener_and_in_the_playlists_scene(
    sandbox: SandboxServer, sqlite_url: str, tmp_path: Path, world: World
) -> None:
    settings = sandbox_settings(
        sandbox,
        tmp_path,
        database_url=sqlite_url,
        service_token=TOKEN,
        discover_seed_artists=8,
        discover_albums_per_artist=1,
        sandbox_url=sandbox.base,  # the sandbox serves the previews (trusted for downloads)
        # No preview_url for a development-mode app: audio comes by ISRC from Deezer's.
        preview_provider_url=f"{sandbox.base}/deezer",
    )
    started = time.perf_counter()
    to_analyse = await _read_and_discover(settings, sandbox)
    discovered_at = time.perf_counter()
    await _analyse_and_index(settings, to_analyse)
    indexed_at = time.perf_counter()

    auth = {"Authorization": f"Bearer {TOKEN}", "X-Spotify-Access-Token": sandbox.token("demo")}
    body = {"playlist_id": sandbox.playlist_id(PLAYLIST), "n": 20, "source": "new"}
    latencies = []
    with TestClient(create_app(settings)) as client:
        for _ in range(5):
            t0 = time.perf_counter()
            response = client.post("/v1/recommendations", json=body, headers=auth)
            latencies.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.text
        answer = response.json()
        library = client.post(
            "/v1/recommendations", json=body | {"source": "library"}, headers=auth
        ).json()
    items = answer["items"]
    assert len(items) == 20
    ids = [i["track"]["spotify_id"] for i in items]
    demo = world.users["demo"]
    has = {t for t, _ in demo.saved} | set(demo.top) | {t for t, _ in demo.recent}
    has |= {t for p in world.user_playlists("demo") for t in p.track_ids}
    new_share = sum(i not in has for i in ids) / len(ids)
    scene_share = sum(world.scene_of(i) == SCENE for i in ids) / len(ids)
    library_new = sum(i["track"]["spotify_id"] not in has for i in library["items"]) / len(
        library["items"]
    )
    print(
        f"\nnew-to-you {new_share:.0%} (source=library: {library_new:.0%}), in-scene"
        f" {scene_share:.0%}, recommendation latency median"
        f" {statistics.median(latencies):.0f} ms (max {max(latencies):.0f});"
        f" read+discover {discovered_at - started:.1f} s,"
        f" audio+index {indexed_at - discovered_at:.1f} s for {len(to_analyse)} tracks"
    )
    assert new_share >= 0.9
    assert scene_share >= 0.7
    # Each discovered track says where it came from, first among its sentences.
    explained = [i["explanation"] for i in items if i["explanation"]["provenance"]]
    assert len(explained) >= 0.9 * len(items)
    # The provenance is the first sentence, with its full stop.
    assert all(e["sentences"][0] == e["provenance"].rstrip(".") + "." for e in explained)
    assert any("an artist you play" in e["provenance"] for e in explained)
    # The old behaviour is one option away, and it is mostly music the listener has.
    assert library_new < new_share
