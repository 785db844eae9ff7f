"""The open providers' HTTP layer against the sandbox's doubles, in process (ASGI).

Cache keys without secrets, budgets, the User-Agent MusicBrainz requires, its one
request a second, Retry-After handling and what a down or garbage service becomes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from resonance.cache.memory import MemoryCache
from resonance.discover import Budget, BudgetSpent, ProviderFailed
from resonance.discover.http import ProviderHttp, ProviderNotFound, ProviderRateLimited
from resonance.discover.mapping import ISRC_PICK_RULE, pick_isrc_match
from resonance.sandbox import create_sandbox_app
from resonance.sandbox.open_index import mbid
from resonance.settings import SANDBOX_LASTFM_KEY

BASE = "http://127.0.0.1:8765"
AGENT = "Resonance-tests/1.0 ( tests@resonance.invalid )"


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_sandbox_app(base_url=BASE)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    app.state.sandbox.services = type(app.state.sandbox.services)(
        (name, type(s)()) for name, s in app.state.sandbox.services.items()
    )
    app.state.sandbox.last_seen.clear()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, timeout=5) as http:
        yield http


def make_http(
    client: httpx.AsyncClient, name: str, path: str, *, per_job: int = 50, **kw: object
) -> ProviderHttp:
    return ProviderHttp(
        name,
        f"{BASE}/{path}",
        client,
        MemoryCache(prefix="t:"),
        Budget(name, per_job=per_job, per_day=1000),
        ttl=60,
        user_agent=AGENT,
        **kw,  # type: ignore[arg-type]
    )


async def test_answers_are_cached_without_the_api_key_and_budgeted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    http = make_http(client, "lastfm", "lastfm/2.0", secret_params=frozenset({"api_key"}))
    params = {"method": "tag.getTopTracks", "tag": "jazz", "api_key": SANDBOX_LASTFM_KEY}
    first = await http.get("/", params | {"format": "json"})
    again = await http.get("/", params | {"format": "json"})
    assert first == again and first["tracks"]["track"]
    assert (http.sent, http.hits, http.budget.job_used) == (1, 1, 1)
    keys = list(http.cache._data)  # type: ignore[attr-defined]
    assert keys and all(SANDBOX_LASTFM_KEY not in k for k in keys)
    assert all("tag=jazz" in k for k in keys)


async def test_the_job_budget_stops_requests(client: httpx.AsyncClient) -> None:
    http = make_http(client, "deezer", "deezer", per_job=1)
    await http.get("/search/artist", {"q": "a"})
    with pytest.raises(BudgetSpent) as spent:
        await http.get("/search/artist", {"q": "b"})
    assert spent.value.scope == "job" and http.sent == 1


async def test_musicbrainz_gets_a_user_agent_and_one_request_a_second(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    world = app.state.sandbox.world
    isrcs = [t.isrc for t in list(world.tracks.values())[:3]]
    anonymous = await client.get(f"{BASE}/musicbrainz/ws/2/isrc/{isrcs[0]}?fmt=json")
    assert anonymous.status_code == 403  # httpx's own User-Agent is refused
    app.state.sandbox.services["musicbrainz"].min_interval = 1.0
    eager = make_http(client, "listenbrainz", "musicbrainz/ws/2", max_wait=0)
    await eager.get(f"/isrc/{isrcs[0]}", {"fmt": "json"})
    with pytest.raises(ProviderFailed):  # a second request at once: 503 from MusicBrainz
        await eager.get(f"/isrc/{isrcs[1]}", {"fmt": "json"})
    await asyncio.sleep(1.0)
    polite = make_http(client, "listenbrainz", "musicbrainz/ws/2", min_interval=1.0)
    started = time.monotonic()
    for isrc in isrcs:
        body = await polite.get(f"/isrc/{isrc}", {"fmt": "json"})
        assert body["recordings"][0]["id"]
    assert time.monotonic() - started >= 2.0
    assert polite.waited == 0  # never refused, never told to wait


async def test_a_short_retry_after_is_waited_out_a_long_one_stops_the_provider(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    world = app.state.sandbox.world
    artist = next(iter(world.artists))
    params = {"artist_mbids": mbid("artist", artist), "algorithm": "x"}
    labs = app.state.sandbox.services["listenbrainz"]
    labs.rate_limit_count, labs.retry_after = 1, 0.2
    http = make_http(client, "listenbrainz", "listenbrainz-labs", max_wait=1.0)
    rows = await http.get("/similar-artists/json", params)
    assert rows and http.waited == pytest.approx(0.2)
    labs.rate_limit_count, labs.retry_after = 1, 86_400
    with pytest.raises(ProviderRateLimited) as limited:
        await http.get("/similar-artists/json", params | {"artist_mbids": "other"})
    assert limited.value.retry_after == 86_400
    assert "86400 s" in limited.value.reason


async def test_down_garbage_and_missing_answers(app: FastAPI, client: httpx.AsyncClient) -> None:
    deezer = app.state.sandbox.services["deezer"]
    http = make_http(client, "deezer", "deezer")
    deezer.down = True
    with pytest.raises(ProviderFailed, match="looks down"):
        await http.get("/search/artist", {"q": "x"})
    assert http.sent == 3  # retried with backoff first
    deezer.down, deezer.garbage = False, 1
    with pytest.raises(ProviderFailed, match="not JSON"):
        await http.get("/search/artist", {"q": "y"})
    unknown = await client.get(f"{BASE}/deezer/artist/1/related")
    assert unknown.status_code == 200  # Deezer's way: an error object in a 200
    assert unknown.json()["error"]["code"] == 800
    labs = make_http(client, "listenbrainz", "musicbrainz/ws/2")
    with pytest.raises(ProviderNotFound):
        await labs.get("/isrc/XX0000000000", {"fmt": "json"})


def test_an_isrc_with_several_spotify_tracks_picks_one_deterministically() -> None:
    def track(track_id: str, date: str, kind: str) -> dict[str, object]:
        return {"id": track_id, "album": {"release_date": date, "album_type": kind}}

    items = [
        track("c", "2020-05-01", "album"),
        track("b", "2019-01-01", "single"),
        track("a", "2019-01-01", "album"),
        track("d", "2019-01-01", "album"),
    ]
    assert pick_isrc_match(items)["id"] == "a"
    assert pick_isrc_match(list(reversed(items)))["id"] == "a"
    assert "earliest release" in ISRC_PICK_RULE
