"""HTTP load on `POST /v1/recommendations` against a real API server, driven by wrk.

Used by `bench/recommend.py --http`: it writes a catalogue straight into a
SQLite file (bulk inserts, as a bench shortcut for ingestion), saves a fitted
index as version 1, starts `resonance serve --workers 2`, warms it with a
discarded wrk run (index loaded, card caches filled: the steady state), then
runs wrk with each number of concurrent connections posting seed sets.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from resonance.db import migrate
from resonance.index import IndexStore
from resonance.recommend import Recommender
from resonance.vectors import Catalogue

TOKEN = "bench-service-token-0123456789abcdef"  # noqa: S105 - a throw-away local server
NOW = "2026-01-01 00:00:00.000000"


def seed_database(path: Path, catalogue: Catalogue) -> None:
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    db = sqlite3.connect(path)
    artists = sorted({int(a) for a in catalogue.artist_ids})
    albums = sorted({int(a) for a in catalogue.album_ids})
    db.executemany(
        "INSERT INTO artists (id, spotify_id, name, name_key, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?)",
        [(a + 1, f"ar{a}", f"Artist {a}", f"artist {a}", NOW, NOW) for a in artists],
    )
    db.executemany(
        "INSERT INTO albums (id, spotify_id, name, name_key, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?)",
        [(a + 1, f"al{a}", f"Album {a}", f"album {a}", NOW, NOW) for a in albums],
    )
    db.executemany(
        "INSERT INTO tracks (id, spotify_id, name, title_key, artist_key, album_id, duration_ms,"
        " explicit,"
        " audio_status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            (
                int(t),
                f"sp{t}",
                f"Track {t}",
                f"track {t}",
                f"artist {a}",
                int(al) + 1,
                200_000,
                bool(e),
                "analysed",
                NOW,
                NOW,
            )
            for t, a, al, e in zip(
                catalogue.track_ids,
                catalogue.artist_ids,
                catalogue.album_ids,
                catalogue.explicit if catalogue.explicit is not None else [],
                strict=True,
            )
        ),
    )
    db.executemany(
        "INSERT INTO track_artists (track_id, artist_id, position) VALUES (?,?,0)",
        (
            (int(t), int(a) + 1)
            for t, a in zip(catalogue.track_ids, catalogue.artist_ids, strict=True)
        ),
    )
    db.execute(
        "INSERT INTO index_versions"
        " (id, state, index_kind, n_items, dim, block_weights, stats, created_at)"
        " VALUES (1, 'ready', ?, ?, 0, '{}', '{}', ?)",
        ("bench", catalogue.n_items, NOW),
    )
    db.commit()
    db.close()


def run_http(
    model: Recommender,
    family: np.ndarray,
    *,
    duration: int = 20,
    connections: tuple[int, ...] = (16,),
    workers: int = 2,
    warm_seconds: int = 15,
) -> list[dict[str, float]]:
    """One server, one wrk run per number of concurrent connections."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="resonance-http-"))
    data = workdir / "data"
    data.mkdir()
    seed_database(data / "resonance.db", model.catalogue)
    IndexStore(data / "index").write(1, model.fitted)
    rng = np.random.default_rng(5)
    bodies = []
    for _ in range(1000):
        anchor = int(rng.integers(model.n_items))
        same = np.flatnonzero(family == family[anchor])
        seeds = [int(model.catalogue.track_ids[r]) for r in rng.choice(same, size=5, replace=False)]
        bodies.append(json.dumps({"track_ids": seeds, "n": 20}))
    script = workdir / "post.lua"
    script.write_text(
        "local bodies = {" + ",".join(json.dumps(b) for b in bodies) + "}\n"
        "local i = 0\n"
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {TOKEN}"\n'
        "request = function()\n  i = i % #bodies + 1\n"
        '  return wrk.format(nil, "/v1/recommendations", nil, bodies[i])\nend\n'
    )
    port = 18000 + os.getpid() % 1000
    env = {
        **os.environ,
        "RESONANCE_DATA_DIR": str(data),
        "RECOMMENDER_SERVICE_TOKEN": TOKEN,
        "RESONANCE_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "resonance.cli",
            "serve",
            "--no-migrate",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "server.log").open("wb"),
    )
    url = f"http://127.0.0.1:{port}"
    results = []
    try:
        _wait_warm(url, bodies, script, max(connections), warm_seconds)
        for count in connections:
            results.append({"connections": float(count), **_wrk(url, script, count, duration)})
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def _wait_warm(url: str, bodies: list[str], script: Path, connections: int, seconds: int) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    # Each worker preloads the index at startup; this request waits for the one it reaches.
    httpx.post(f"{url}/v1/recommendations", content=bodies[0], headers=headers, timeout=600)
    # One client, one connection, seed sets never asked before: every card comes from the database.
    cold = []
    with httpx.Client(timeout=60, headers=headers) as client:
        for body in bodies[1:201]:
            started = time.perf_counter()
            client.post(f"{url}/v1/recommendations", content=body).raise_for_status()
            cold.append((time.perf_counter() - started) * 1000)
    print(
        f"cold card cache, one client: p50 {np.percentile(cold, 50):.1f} ms,"
        f" p99 {np.percentile(cold, 99):.1f} ms",
        file=sys.stderr,
    )
    # Steady state: many connections, so every worker's card cache sees the seed sets
    # (one keep-alive connection would only ever reach one worker); repeated until the
    # throughput stops rising.
    previous = 0.0
    for _ in range(6):
        rps = _wrk(url, script, connections, seconds)["rps"]
        print(f"warm-up: {rps:.0f} req/s", file=sys.stderr)
        if previous and abs(rps - previous) < 0.1 * previous:
            break
        previous = rps


def _wrk(url: str, script: Path, connections: int, seconds: int) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return _parse_wrk(out)


def _parse_wrk(out: str) -> dict[str, float]:
    def ms(value: str) -> float:
        number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "errors": float(errors.group(1)) if errors else 0.0,
    }
