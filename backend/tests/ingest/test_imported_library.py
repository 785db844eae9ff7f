"""An Exportify import in the listener's library: listed, opened, analysed and recommended
from like any Spotify playlist, through the real app on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.errors import InvalidInput, NotFound
from resonance.ingest import import_exportify_file, import_owners
from resonance.jobs import JobHandlers, JobRun
from tests.ingest.conftest import NO_AUDIO
from tests.ingest.helpers import api_client
from tests.ingest.test_endpoints import SERVICE_TOKEN, wait_done
from tests.ingest.test_exportify import FULL_HEADER, full_row, write
from tests.spotify.fixtures import sandbox_settings
from tests.spotify.sandbox_server import SandboxServer

# What the audio jobs were asked to measure: {target: track ids}.
measured: dict[str, list[int]] = {}


async def record_audio(run: JobRun) -> dict[str, Any]:
    """Stands in for the audio stage (tests/audio covers it): notes which tracks it got."""
    measured[run.target or ""] = list(run.params.get("track_ids") or [])
    return {"total": len(measured[run.target or ""])}


@pytest.fixture
async def api(
    sandbox: SandboxServer, tmp_path: Path, migrated_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = sandbox_settings(
        sandbox, tmp_path, database_url=migrated_url, service_token=SERVICE_TOKEN
    )
    kept = {kind: NO_AUDIO.get(kind) for kind in NO_AUDIO.kinds()}
    handlers = JobHandlers({k: f for k, f in kept.items() if f}, {"audio": record_audio})
    async with api_client(settings, SERVICE_TOKEN, handlers) as client:
        yield client


async def sign_in(api: httpx.AsyncClient, token: str) -> dict[str, str]:
    """A first authenticated call registers the listener, as the web app's sign-in does."""
    headers = {"X-Spotify-Access-Token": token}
    assert (await api.get("/v1/me/library", headers=headers)).status_code == 200
    return headers


async def import_csv(
    sessionmaker: async_sessionmaker[AsyncSession], path: Path, user: str | None = None
) -> str:
    async with sessionmaker() as session:
        owners = await import_owners(session, user)
    report = await import_exportify_file(sessionmaker, path, owners=owners)
    assert report.key == f"imported-{report.playlist_id}"
    return report.key


async def test_an_import_is_in_the_library_opens_analyses_and_recommends(
    api: httpx.AsyncClient,
    sandbox: SandboxServer,
    tmp_path: Path,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    demo = await sign_in(api, sandbox.token("demo"))
    rows = [full_row(n) for n in range(12)]
    key = await import_csv(sessionmaker, write(tmp_path / "Road_trip.csv", FULL_HEADER, rows))

    library = (await api.get("/v1/me/library", headers=demo)).json()
    (listed,) = [p for p in library["playlists"] if p["name"] == "Road trip"]
    assert listed["id"] == key and listed["source"] == "exportify"
    assert listed["relation"] == "imported" and listed["track_count"] == 12
    assert listed["ingested_snapshot_id"], "its tracks are there: no reading needed"

    page = await api.get(f"/v1/playlists/{key}")
    assert page.status_code == 200
    opened = page.json()
    assert opened["source"] == "exportify" and opened["id"] == key
    assert [t["title"] for t in opened["tracks"]] == [f"Song {n}" for n in range(12)]

    accepted = await api.post(f"/v1/ingest/playlists/{key}", headers=demo)
    assert accepted.status_code == 202, accepted.text
    job = await wait_done(api, accepted.json()["id"])
    assert job["kind"] == "audio" and job["state"] == "done", job
    assert sorted(measured[f"playlist:{key}"]) == sorted(t["track_id"] for t in opened["tracks"])

    recommended = await api.post(
        "/v1/recommendations", json={"playlist_id": key, "n": 5, "source": "library"}, headers=demo
    )
    assert recommended.status_code == 200, recommended.text
    seeds = {t["id"] for t in recommended.json()["seeds"]}
    assert seeds == {t["track_id"] for t in opened["tracks"]}, "the import's tracks are the seeds"


async def test_unknown_or_someone_elses_imports_are_not_found(
    api: httpx.AsyncClient,
    sandbox: SandboxServer,
    tmp_path: Path,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await sign_in(api, sandbox.token("demo"))
    alice = await sign_in(api, sandbox.token("alice"))
    path = write(tmp_path / "mine.csv", FULL_HEADER, [full_row(n) for n in range(3)])
    with pytest.raises(InvalidInput, match="--user"):
        await import_csv(sessionmaker, path)  # two listeners: whose is it?
    with pytest.raises(NotFound, match="signed in"):
        await import_csv(sessionmaker, path, user="nobody-here")
    async with httpx.AsyncClient() as spotify:
        me = await spotify.get(
            f"{sandbox.api}/me", headers={"Authorization": f"Bearer {sandbox.token('demo')}"}
        )
    key = await import_csv(sessionmaker, path, user=me.json()["id"])

    theirs = await api.post(f"/v1/ingest/playlists/{key}", headers=alice)
    assert theirs.status_code == 404
    assert theirs.headers["content-type"].startswith("application/problem+json")
    alices = (await api.get("/v1/me/library", headers=alice)).json()["playlists"]
    assert key not in [p["id"] for p in alices]
    for unknown in ("imported-987654", "imported-0", "imported-99999999999", "imported-x"):
        missing = await api.get(f"/v1/playlists/{unknown}", headers=alice)
        assert missing.status_code == 404, unknown
        assert missing.json()["code"] == "not_found", unknown
    refused = await api.post(
        "/v1/recommendations", json={"playlist_id": "imported-987654"}, headers=alice
    )
    assert refused.status_code in (404, 422), refused.text
    assert "imported-987654" in refused.json()["detail"]


async def test_several_files_join_one_listener(
    api: httpx.AsyncClient,
    sandbox: SandboxServer,
    tmp_path: Path,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    demo = await sign_in(api, sandbox.token("demo"))
    keys = await asyncio.gather(
        *(
            import_csv(sessionmaker, write(tmp_path / f"{n}.csv", FULL_HEADER, [full_row(n)]))
            for n in range(3)
        )
    )
    listed = (await api.get("/v1/me/library", headers=demo)).json()["playlists"]
    assert sorted(p["id"] for p in listed if p["source"] == "exportify") == sorted(keys)


async def test_two_listeners_importing_the_same_name_keep_their_own_playlists(
    api: httpx.AsyncClient,
    sandbox: SandboxServer,
    tmp_path: Path,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    listeners = {}
    for name in ("demo", "alice"):
        headers = await sign_in(api, sandbox.token(name))
        async with httpx.AsyncClient() as spotify:
            me = await spotify.get(
                f"{sandbox.api}/me", headers={"Authorization": f"Bearer {sandbox.token(name)}"}
            )
        listeners[name] = (headers, me.json()["id"])
    (tmp_path / "demo").mkdir()
    (tmp_path / "alice").mkdir()
    demos = write(tmp_path / "demo" / "Gym.csv", FULL_HEADER, [full_row(n) for n in range(5)])
    alices = write(tmp_path / "alice" / "Gym.csv", FULL_HEADER, [full_row(n) for n in range(7, 9)])
    demo_key = await import_csv(sessionmaker, demos, user=listeners["demo"][1])
    alice_key = await import_csv(sessionmaker, alices, user=listeners["alice"][1])
    assert demo_key != alice_key, "alice's import must not replace demo's"
    again = await import_csv(sessionmaker, demos, user=listeners["demo"][1])
    assert again == demo_key, "a re-import by the same listener replaces their own"
    for name, key, size in (("demo", demo_key, 5), ("alice", alice_key, 2)):
        headers = listeners[name][0]
        listed = (await api.get("/v1/me/library", headers=headers)).json()["playlists"]
        (gym,) = [p for p in listed if p["source"] == "exportify"]
        assert (gym["id"], gym["track_count"]) == (key, size), name
