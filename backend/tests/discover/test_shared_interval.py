"""MusicBrainz's one request a second holds across processes when Redis is configured.

Two real processes (as the API and the worker would be) each send requests to one host
through `ProviderHttp` with its minimum interval; each records when its requests left.
With the shared Redis the merged times keep the interval; with only an in-process
cache (no Redis) the two processes do not see each other and their requests overlap.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import uuid
from pathlib import Path

from tests.services import REDIS_URL, require_redis

INTERVAL = 0.4
REQUESTS = 3  # per process
# Each process decides alone when its slot is free; the moment it records a request is
# a few milliseconds after it took the slot, so two stamps can be that much closer.
TOLERANCE = 0.05

CHILD = """
import asyncio, json, sys, time
import httpx
from resonance.cache.memory import MemoryCache
from resonance.discover import Budget
from resonance.discover.http import ProviderHttp

redis_url, prefix, interval, count = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
sent = []

def answer(request):
    sent.append(time.time())
    return httpx.Response(200, json={"ok": True})

async def main():
    if redis_url == "-":
        cache = MemoryCache(prefix=prefix)
    else:
        from resonance.cache.redis import RedisCache
        cache = RedisCache(redis_url, prefix=prefix)
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        http = ProviderHttp(
            "listenbrainz", "http://musicbrainz.invalid/ws/2", client, cache,
            Budget("listenbrainz", per_job=50, per_day=1000), ttl=60,
            user_agent="Resonance-tests/1.0 ( tests@resonance.invalid )",
            min_interval=interval,
        )
        print("ready", flush=True)
        sys.stdin.readline()  # both processes start together
        for n in range(count):
            await http.get(f"/isrc/X{n}-{id(sent)}", {"fmt": "json"})  # distinct: no cache hit
    print(json.dumps(sent), flush=True)

asyncio.run(main())
"""


def run_two(redis_url: str) -> list[float]:
    """Both processes' request times, merged and sorted."""
    prefix = f"resonance-test-{uuid.uuid4().hex[:8]}:"
    src = Path(__file__).resolve().parents[2] / "src"
    command = [sys.executable, "-c", CHILD, redis_url, prefix, str(INTERVAL), str(REQUESTS)]
    env = {"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"}
    children = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    try:
        for child in children:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        times: list[float] = []
        for child in children:
            out, _ = child.communicate(timeout=120)
            assert child.returncode == 0
            times += json.loads(out.strip().splitlines()[-1])
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    return sorted(times)


def test_two_processes_share_the_interval_through_redis() -> None:
    require_redis()
    times = run_two(REDIS_URL)
    assert len(times) == 2 * REQUESTS
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= INTERVAL - TOLERANCE, gaps
    # Spaced, not serialised by something slower: 6 requests in about 5 intervals.
    assert times[-1] - times[0] < (2 * REQUESTS - 1) * INTERVAL + 2.0


def test_without_redis_each_process_keeps_only_its_own_interval() -> None:
    times = run_two("-")
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # The two processes' first requests leave together: the interval is not shared.
    assert min(gaps) < INTERVAL / 2, gaps
