"""POST /v1/recommendations and friends, through the real app on SQLite."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from resonance import catalog
from resonance.app.factory import create_app
from resonance.db.engine import create_engine, create_sessionmaker
from resonance.db.models import AudioDescriptors
from resonance.recommend.schemas import RecommendResponse, SimilarResponse
from resonance.settings import Settings
from tests.recommend.seed_catalogue import seed_catalogue
from tests.recommend.test_catalogue_map import drawn_map

TOKEN = "recommend-test-token-123456"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def seeded(sqlite_url: str) -> tuple[dict[int, int], np.ndarray]:
    async def run() -> tuple[dict[int, int], np.ndarray]:
        engine = create_engine(sqlite_url)
        try:
            return await seed_catalogue(create_sessionmaker(engine), 400)
        finally:
            await engine.dispose()

    return asyncio.run(run())


@pytest.fixture
def client(sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, database_url=sqlite_url, service_token=TOKEN)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_empty_catalogue_is_409_with_what_to_do(client: TestClient) -> None:
    response = client.get("/v1/map", headers=AUTH)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert "ingest a playlist" in response.json()["detail"]


def test_recommendations_with_explanations(
    client: TestClient, seeded: tuple[dict[int, int], np.ndarray]
) -> None:
    row_to_id, family = seeded
    seeds = [row_to_id[int(r)] for r in np.flatnonzero(family == 2)[:4]]
    response = client.post("/v1/recommendations", json={"track_ids": seeds, "n": 12}, headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    # The body is assembled by hand around cached cards: it must be what the API documents.
    documented = RecommendResponse.model_validate_json(response.content)
    assert documented.model_dump(mode="json") == response.json()
    body = response.json()
    assert body["index_version"] == 1
    assert body["notes"] == []  # seeds with plenty like them in the catalogue
    assert [s["id"] for s in body["seeds"]] == seeds
    assert len(body["items"]) == 12
    id_to_row = {v: k for k, v in row_to_id.items()}
    # Blend follows the playlists, which wander into the neighbouring family; the
    # strongest evidence still comes first.
    assert [family[id_to_row[i["track"]["id"]]] for i in body["items"][:3]] == [2, 2, 2]
    for item in body["items"]:
        assert sum(item["explanation"]["shares"].values()) == pytest.approx(item["score"], abs=1e-4)
        # One match scale: the score over the best possible (block weights 1 + playlists 2).
        assert item["match"] == pytest.approx(100 * item["score"] / 3.0, abs=0.06)
        assert 0 <= item["match"] <= 100
        assert item["track"]["name"] and item["track"]["artists"]
        assert item["explanation"]["sentences"]
    assert not {i["track"]["id"] for i in body["items"]} & set(seeds)
    focus = client.post(
        "/v1/recommendations",
        json={"track_ids": seeds, "n": 12, "genre_mode": "focus"},
        headers=AUTH,
    ).json()
    assert np.mean([family[id_to_row[i["track"]["id"]]] == 2 for i in focus["items"]]) >= 0.8

    spotify = client.post(
        "/v1/recommendations",
        json={
            "spotify_track_ids": ["sp00003"],
            "n": 5,
            "diversity": 0.0,
            "genre_mode": "focus",
            "targets": [{"name": "tempo_bpm", "value": 120, "strength": 0.5}],
        },
        headers=AUTH,
    )
    assert spotify.status_code == 200, spotify.text
    assert "targets" in spotify.json()["items"][0]["explanation"]["shares"]


def test_playlist_seeds_and_exclusion(
    client: TestClient, seeded: tuple[dict[int, int], np.ndarray]
) -> None:
    response = client.post(
        "/v1/recommendations", json={"playlist_id": "pl0", "n": 10}, headers=AUTH
    )
    assert response.status_code == 200, response.text
    seeds = {s["id"] for s in response.json()["seeds"]}
    assert seeds
    assert not seeds & {i["track"]["id"] for i in response.json()["items"]}


def test_unknown_seeds_name_them(
    client: TestClient, seeded: tuple[dict[int, int], np.ndarray]
) -> None:
    response = client.post(
        "/v1/recommendations",
        json={"track_ids": [999999], "spotify_track_ids": ["nope"], "playlist_id": "never-seen"},
        headers=AUTH,
    )
    assert response.status_code == 404
    body = response.json()
    assert body["missing"] == [
        "track 999999",
        "spotify track nope",
        "playlist never-seen (not ingested)",
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {"track_ids": [1], "n": 0},
        {"track_ids": [1], "n": 101},
        {"track_ids": [1], "diversity": 1.5},
        {"track_ids": [1], "genre_mode": "sideways"},
        {"track_ids": [1], "max_per_artist": 0},
        {"n": 5},
        {"track_ids": [1], "unexpected": True},
        {"track_ids": [1], "targets": [{"name": "energy", "value": 0.5, "strength": 3}]},
    ],
)
def test_bad_options_are_422(client: TestClient, payload: dict[str, object]) -> None:
    response = client.post("/v1/recommendations", json=payload, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_unknown_target_is_422(
    client: TestClient, seeded: tuple[dict[int, int], np.ndarray]
) -> None:
    row_to_id, _ = seeded
    response = client.post(
        "/v1/recommendations",
        json={"track_ids": [row_to_id[0]], "targets": [{"name": "sparkle", "value": 1}]},
        headers=AUTH,
    )
    assert response.status_code == 422
    assert "sparkle" in response.json()["detail"]


def test_similar_track_details_and_map(
    client: TestClient, seeded: tuple[dict[int, int], np.ndarray]
) -> None:
    row_to_id, _ = seeded
    track_id = row_to_id[7]
    similar = client.get(f"/v1/tracks/{track_id}/similar?n=6", headers=AUTH)
    assert similar.status_code == 200, similar.text
    assert SimilarResponse.model_validate_json(similar.content).track.id == track_id
    assert len(similar.json()["items"]) == 6
    details = client.get(f"/v1/tracks/{track_id}", headers=AUTH).json()
    assert details["genres"] and "tempo_bpm" in details["descriptors"]
    assert client.get("/v1/tracks/123456789", headers=AUTH).status_code == 404
    the_map = drawn_map(client, "?limit=100", AUTH)  # a 202 with progress until laid out
    assert the_map["total"] == 400
    assert len(the_map["ids"]) == len(the_map["x"]) == len(the_map["names"]) == 100
    assert the_map["genres"]
    health = client.get("/v1/health").json()
    assert health["index"]["version"] == 1 and health["index"]["loaded_version"] == 1


def test_tracks_ingested_after_a_build_are_added_and_a_rebuild_follows(
    client: TestClient, seeded: tuple[dict[int, int], np.ndarray], sqlite_url: str
) -> None:
    row_to_id, _ = seeded
    first = client.post("/v1/recommendations", json={"track_ids": [row_to_id[0]]}, headers=AUTH)
    assert first.status_code == 200 and first.json()["index_version"] == 1

    async def ingest_one_more() -> int:
        from resonance.catalog.schemas import AlbumIn, ArtistIn, TrackIn

        engine = create_engine(sqlite_url)
        try:
            async with create_sessionmaker(engine)() as session:
                track = TrackIn(
                    spotify_id="fresh0001",
                    name="Fresh",
                    duration_ms=200_000,
                    album=AlbumIn(spotify_id="al-fresh", name="Fresh album"),
                    artists=[ArtistIn(spotify_id="ar-fresh", name="Fresh artist", genres=[])],
                )
                ids = await catalog.upsert_tracks(session, [track])
                # Analysed like the first catalogue track: it sounds the same.
                twin = await session.get(AudioDescriptors, row_to_id[0])
                assert twin is not None
                session.add(
                    AudioDescriptors(
                        track_id=ids["fresh0001"],
                        version=twin.version,
                        features=twin.features,
                        summary=twin.summary,
                        source="synth",
                    )
                )
                await session.commit()
                return ids["fresh0001"]
        finally:
            await engine.dispose()

    fresh = asyncio.run(ingest_one_more())
    response = client.post("/v1/recommendations", json={"track_ids": [fresh]}, headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.json()["seeds"][0]["id"] == fresh
    items = response.json()["items"]  # served from the held model at once
    assert items and items[0]["explanation"]["shares"]["audio"] > 0
    # …and a full rebuild was queued so the new track gains co-occurrence evidence.
    for _ in range(200):
        health = client.get("/v1/health").json()
        if health["index"]["version"] == 2:
            break
        asyncio.run(asyncio.sleep(0.1))
    assert health["index"]["version"] == 2


def test_a_restarted_server_loads_the_index_before_the_first_request(
    client: TestClient, seeded: tuple[dict[int, int], np.ndarray], sqlite_url: str, tmp_path: Path
) -> None:
    row_to_id, _ = seeded
    assert client.post("/v1/recommendations", json={"track_ids": [row_to_id[0]]}, headers=AUTH)
    settings = Settings(data_dir=tmp_path, database_url=sqlite_url, service_token=TOKEN)
    with TestClient(create_app(settings)) as restarted:
        deadline = time.monotonic() + 30
        while restarted.get("/v1/health").json()["index"]["loaded_version"] != 1:
            assert time.monotonic() < deadline, "the index was not preloaded"
            time.sleep(0.05)


def test_targets_work_from_the_first_build(
    client: TestClient,
    seeded: tuple[dict[int, int], np.ndarray],
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fresh library is indexed before its sound is analysed: a target then says why it
    cannot apply yet, and applies (and is explained) as soon as measurements arrive, without
    waiting for another index build (issue #16)."""
    from sqlalchemy import delete, select

    from resonance.recommend import targets

    monkeypatch.setattr(targets, "REFRESH_SECONDS", 0.0)

    async def take_audio() -> list[dict[str, object]]:
        engine = create_engine(sqlite_url)
        try:
            async with create_sessionmaker(engine)() as session:
                rows = (await session.scalars(select(AudioDescriptors))).all()
                kept = [
                    {c: getattr(r, c) for c in ("track_id", "version", "features", "summary")}
                    for r in rows
                ]
                await session.execute(delete(AudioDescriptors))
                await session.commit()
                return kept
        finally:
            await engine.dispose()

    async def put_audio(rows: list[dict[str, object]]) -> None:
        engine = create_engine(sqlite_url)
        try:
            async with create_sessionmaker(engine)() as session:
                session.add_all(AudioDescriptors(**r, source="synth") for r in rows)
                await session.commit()
        finally:
            await engine.dispose()

    audio = asyncio.run(take_audio())
    row_to_id, _ = seeded
    request = {
        "track_ids": [row_to_id[0], row_to_id[1]],
        "n": 5,
        "targets": [{"name": "energy", "value": 0.8, "strength": 1.0}],
    }
    before = client.post("/v1/recommendations", json=request, headers=AUTH)
    assert before.status_code == 200, before.text
    assert any("Energy is not measured for any track yet" in n for n in before.json()["notes"])
    assert "targets" not in before.json()["items"][0]["explanation"]["shares"]

    asyncio.run(put_audio(audio))
    after = client.post("/v1/recommendations", json=request, headers=AUTH)
    assert after.status_code == 200, after.text
    body = after.json()
    assert not any("Energy" in n for n in body["notes"])
    first = body["items"][0]["explanation"]
    assert "targets" in first["shares"]
    assert first["sentences"][0].startswith("Energy ")
    assert "for your target of 80%" in first["sentences"][0]
