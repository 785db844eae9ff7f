""" "New to you" by default, measured against the sandbox world's ground truth.

    python bench/discovery.py [--users demo alice bob carol]

For every own playlist of each demo listener: sign in (the library is read), then ask
the API for recommendations on the playlist as the web app does, again every half
second while the playlist's discovery is still finding music. Reported per playlist:
seconds from the first ask to the settled list of 20 new-to-you results, the share of the top
20 the listener does not have, the share from the playlist's scene (the scenes that
make up ≥ 10 % of its tracks), and the median of 5 later asks. Only this script reads
the ground truth (`resonance.sandbox.world`); the service cannot import it.

The audio and index stages do not run (as on a machine where analysis lags behind):
the served model is fed discovered tracks as they land, with genre and metadata blocks.
Bars (issue 13): ≥ 90 % new, ≥ 70 % in scene, ≤ 10 s to 20 results, later ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from resonance.app import JOB_HANDLERS, create_app
from resonance.app.wiring import command_runtime
from resonance.sandbox.world import World, build_world
from resonance.settings import Settings

CLIENT_ID = "bench-discovery"
SERVICE_TOKEN = secrets.token_urlsafe(24)  # a fresh one per run: nothing to leak
NO_MEDIA = JOB_HANDLERS.without("audio", "index")
BARS = {"new": 0.9, "scene": 0.7, "first_s": 10.0, "later_ms": 300.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_sandbox(port: int, log: Path) -> subprocess.Popen[bytes]:
    binary = Path(sys.executable).with_name("resonance")
    args = [str(binary), "sandbox", "--port", str(port), "--client-id", CLIENT_ID]
    args += ["--redirect-uri", "http://127.0.0.1:3000/callback"]
    proc = subprocess.Popen(args, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_sandbox/switches", timeout=1).status_code < 500:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"the sandbox did not start; see {log}")


def known_to(world: World, user: str) -> set[str]:
    person = world.users[user]
    has = {t for t, _ in person.saved} | set(person.top) | {t for t, _ in person.recent}
    return has | {t for p in world.user_playlists(user) for t in p.track_ids}


def meets(world: World, ids: list[str], has: set[str], scenes: set[str]) -> bool:
    """Whether a list meets the bars: ≥ 90 % new to the listener, ≥ 70 % in scene."""
    new = sum(t not in has for t in ids) / len(ids)
    in_scene = sum(world.scene_of(t) in scenes for t in ids) / len(ids)
    return new >= BARS["new"] and in_scene >= BARS["scene"]


def scenes_of(world: World, track_ids: list[str]) -> set[str]:
    counts = Counter(world.scene_of(t) for t in track_ids)
    return {scene for scene, n in counts.items() if n >= 0.1 * len(track_ids)}


async def sign_in(settings: Settings, user: str, token: str) -> None:
    async with command_runtime(settings, handlers=NO_MEDIA) as rt:
        job, _ = await rt.jobs.submit(
            kind="library", target=user, params={"discover": False}, secret=token
        )
        done = await rt.jobs.run_now(job.id)
        assert done.state == "done", done.error


def measure_user(world: World, base: str, user: str, work: Path) -> list[dict[str, object]]:
    token = httpx.post(
        f"{base}/_sandbox/token", json={"user": user, "client_id": CLIENT_ID}, timeout=30
    ).json()["access_token"]
    settings = Settings(
        data_dir=work / user,
        spotify_api_url=f"{base}/v1",
        spotify_accounts_url=base,
        spotify_client_id=CLIENT_ID,
        service_token=SERVICE_TOKEN,
    )
    asyncio.run(sign_in(settings, user, token))
    auth = {"Authorization": f"Bearer {SERVICE_TOKEN}", "X-Spotify-Access-Token": token}
    has = known_to(world, user)
    rows: list[dict[str, object]] = []
    with TestClient(create_app(settings, handlers=NO_MEDIA)) as client:
        for playlist in [p for p in world.playlists.values() if p.owner == user]:
            body = {"playlist_id": playlist.id, "n": 20}
            scenes = scenes_of(world, playlist.track_ids)
            started = time.perf_counter()
            asks, answer, good = 0, {}, float("inf")
            while time.perf_counter() - started < 90:
                asks += 1
                answer = client.post("/v1/recommendations", json=body, headers=auth).json()
                shown = [i["track"]["spotify_id"] for i in answer.get("items", [])]
                if good == float("inf") and len(shown) >= 20 and meets(world, shown, has, scenes):
                    good = time.perf_counter() - started
                # As the web app does: ask again while discovery is still finding music.
                finding = (answer.get("discovery") or {}).get("state") == "finding"
                if answer.get("status") == "ok" and not finding:
                    break
                time.sleep(0.5)
            first = time.perf_counter() - started
            later = []
            for _ in range(5):
                t0 = time.perf_counter()
                answer = client.post("/v1/recommendations", json=body, headers=auth).json()
                later.append((time.perf_counter() - t0) * 1000)
            ids = [i["track"]["spotify_id"] for i in answer.get("items", [])]
            rows.append(
                {
                    "user": user,
                    "playlist": playlist.name,
                    "results": len(ids),
                    "new": sum(t not in has for t in ids) / max(1, len(ids)),
                    "scene": sum(world.scene_of(t) in scenes for t in ids) / max(1, len(ids)),
                    "good_s": good,
                    "first_s": first if len(ids) >= 20 else float("inf"),
                    "asks": asks,
                    "later_ms": statistics.median(later),
                    "badged": sum(bool(i["explanation"]["found_by"]) for i in answer["items"]),
                }
            )
            print(f"  {user} / {playlist.name}: {rows[-1]}", file=sys.stderr)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", nargs="+", default=["demo", "alice", "bob", "carol"])
    args = parser.parse_args()
    os.environ.setdefault("RESONANCE_LOG_LEVEL", "WARNING")
    world = build_world(7)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        port = free_port()
        sandbox = start_sandbox(port, work / "sandbox.log")
        try:
            rows = [
                r
                for u in args.users
                for r in measure_user(world, f"http://127.0.0.1:{port}", u, work)
            ]
        finally:
            sandbox.terminate()
            sandbox.wait(10)
    header = f"{'listener / playlist':34} {'results':>7} {'new':>6} {'scene':>6} {'good':>7}"
    print(f"{header} {'settled':>8} {'asks':>4} {'later':>7} {'badged':>6}")
    for r in rows:
        name = f"{r['user']} / {r['playlist']}"[:34]
        print(
            f"{name:34} {r['results']:>7} {r['new']:>6.0%} {r['scene']:>6.0%}"
            f" {r['good_s']:>6.1f}s {r['first_s']:>7.1f}s {r['asks']:>4} {r['later_ms']:>5.0f}ms"
            f" {r['badged']:>6}"
        )
    worst = {
        key: (min if key in ("new", "scene") else max)(float(r[key]) for r in rows)  # type: ignore[arg-type]
        for key in ("new", "scene", "good_s", "first_s", "later_ms")
    }
    print(
        f"{'worst playlist':34} {'':>7} {worst['new']:>6.0%} {worst['scene']:>6.0%}"
        f" {worst['good_s']:>6.1f}s {worst['first_s']:>7.1f}s {'':>4} {worst['later_ms']:>5.0f}ms"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    met = (
        worst["new"] >= BARS["new"]
        and worst["scene"] >= BARS["scene"]
        and worst["good_s"] <= BARS["first_s"]
        and worst["later_ms"] <= BARS["later_ms"]
    )
    print("bars (≥ 90 % new, ≥ 70 % scene, ≤ 10 s, ≤ 300 ms):", "met" if met else "NOT met")


if __name__ == "__main__":
    main()
