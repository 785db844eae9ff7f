"""Spotify ingestion from the sandbox: a 1,000-track playlist and a 5,000-track library.

Usage: .venv/bin/python bench/ingest.py [--modes development extended] [--database-url URL]

Starts the sandbox as a real server (no injected latency) and, per quota mode, a
fresh SQLite database (or --database-url). Ingests the "Benchmark 1000" playlist,
then the bench user's library (its 1,000-track playlist is then unchanged and
skipped, so the library row measures the 5,000 saved tracks plus top, recent and
the playlist listing). Prints requests made (client side), seconds and peak
resident memory of this process during each run.

Requests are the minimum each mode allows: item pages at 50 (the playlist's first
page comes embedded in the playlist object), then one request per unseen artist in
development mode (after one 403 that detects the mode) or one per 50 artists and
one per 100 tracks for audio features in extended mode.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from tests.processes import free_port, running

from resonance.cache import MemoryCache
from resonance.db import create_engine, create_sessionmaker, migrate
from resonance.jobs import InProcessQueue, Jobs
from resonance.settings import Settings
from resonance.spotify import mode as quota_mode


class PeakRss:
    """Samples this process's resident memory (VmRSS) every 10 ms while running."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def rss() -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(0.01)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())


async def run_mode(base: str, mode: str, database_url: str | None) -> list[tuple[str, ...]]:
    admin = httpx.AsyncClient(base_url=base, timeout=60)
    (await admin.post("/_sandbox/reset", json={"mode": mode, "world": True})).raise_for_status()
    quota_mode._known.clear()
    tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    url = database_url or f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    await asyncio.to_thread(migrate.upgrade, url)  # Alembic runs its own event loop
    settings = Settings(data_dir=tmp, spotify_api_url=f"{base}/v1", spotify_accounts_url=base)
    engine = create_engine(url)
    jobs = Jobs(settings, create_sessionmaker(engine), MemoryCache(prefix="b:"), InProcessQueue(1))
    await jobs.start(resume=False)
    stats = (await admin.get("/_sandbox/stats")).json()
    playlist = next(k for k, v in stats["playlists"].items() if v["name"] == "Benchmark 1000")
    token = (await admin.post("/_sandbox/token", json={"user": "bench"})).json()["access_token"]
    rows = []
    for label, kind, target in (
        ("playlist 1,000 tracks", "playlist", playlist),
        ("library 5,000 saved", "library", "bench"),
    ):
        before = (await admin.get("/_sandbox/stats")).json()["requests"]
        with PeakRss() as memory:
            started = time.perf_counter()
            job, _ = await jobs.submit(kind=kind, target=target, secret=token, dedupe=False)
            job = await jobs.wait(job.id, timeout=900)
            seconds = time.perf_counter() - started
        served = (await admin.get("/_sandbox/stats")).json()["requests"] - before
        assert job.state == "done", (job.state, job.error)
        rows.append(
            (
                mode,
                label,
                str(job.counters.get("spotify_requests")),
                str(served),
                f"{seconds:.2f}",
                f"{memory.peak / 2**20:.0f}",
                str(job.counters.get("tracks_upserted", 0)),
            )
        )
    await jobs.close()
    await engine.dispose()
    await admin.aclose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", nargs="+", default=["development", "extended"])
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    rows: list[tuple[str, ...]] = []
    with running(
        ["resonance", "sandbox", "--port", str(port)], ready_url=f"{base}/_sandbox/switches"
    ):
        for mode in args.modes:
            rows.extend(asyncio.run(run_mode(base, mode, args.database_url)))
    header = ("mode", "run", "requests", "served", "seconds", "peak MB", "tracks")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
