"""The radio API on both database backends: sessions that learn, persist and expire."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from resonance.app import create_app
from resonance.db import migrate
from resonance.db.engine import create_engine, create_sessionmaker
from resonance.settings import Settings
from tests.recommend.seed_catalogue import seed_catalogue
from tests.recommend.test_endpoints import AUTH, TOKEN


@pytest.fixture
def world(database_url: str) -> tuple[str, dict[int, int], np.ndarray]:
    """A migrated database (SQLite and PostgreSQL) with a catalogue of 300 tracks."""
    migrate.upgrade(database_url)

    async def run() -> tuple[dict[int, int], np.ndarray]:
        engine = create_engine(database_url)
        try:
            return await seed_catalogue(create_sessionmaker(engine), 300)
        finally:
            await engine.dispose()

    row_to_id, family = asyncio.run(run())
    return database_url, row_to_id, family


def app_client(url: str, data_dir: Path, **settings: float) -> TestClient:
    return TestClient(
        create_app(Settings(data_dir=data_dir, database_url=url, service_token=TOKEN, **settings))
    )


def problem(response, status: int, words: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert words in response.json()["detail"]


def test_a_radio_learns_from_feedback_and_survives_a_restart(
    world: tuple[str, dict[int, int], np.ndarray], tmp_path: Path
) -> None:
    url, row_to_id, family = world
    seeds = [row_to_id[int(r)] for r in np.flatnonzero(family == 1)[:2]]
    with app_client(url, tmp_path) as client:
        started = client.post("/v1/radio", json={"seed_track_ids": seeds, "n": 8}, headers=AUTH)
        assert started.status_code == 200, started.text
        body = started.json()
        session_id, first = body["session_id"], [t["track"]["id"] for t in body["tracks"]]
        assert len(first) == 8 and not set(first) & set(seeds) and body["changes"] == []
        assert all(", one of your seeds" in t["because"] for t in body["tracks"])
        for track, signal in zip(first[:3], ["like", "skip", "dislike"], strict=True):
            given = client.post(
                f"/v1/radio/{session_id}/feedback",
                json={"track_id": track, "signal": signal},
                headers=AUTH,
            )
            assert given.status_code == 200, given.text
        assert {k: given.json()[k] for k in ("likes", "skips", "dislikes")} == {
            "likes": 1,
            "skips": 1,
            "dislikes": 1,
        }
    # A new process on the same database: the session and its feedback are still there.
    with app_client(url, tmp_path) as client:
        after = client.post(f"/v1/radio/{session_id}/next", json={"n": 8}, headers=AUTH)
        assert after.status_code == 200, after.text
        changes = after.json()["changes"]
        assert changes[0] == f"more like “Track {_row(row_to_id, first[0])}”, which you liked"
        assert f"less like “Track {_row(row_to_id, first[1])}”, which you skipped" in changes
        assert f"less like “Track {_row(row_to_id, first[2])}”, which you disliked" in changes
        second = [t["track"]["id"] for t in after.json()["tracks"]]
        assert second and not set(second) & set(first)  # nothing plays twice
        # Each pick names what it is like (a seed or the liked track: whichever is
        # nearer) and, where feedback pushed, what it is less like.
        because = [t["because"] for t in after.json()["tracks"]]
        pattern = (
            r"like “[^”]+”, (one of your seeds|which you liked)"
            r"(; less like “[^”]+”, which you (skipped|disliked))?"
        )
        assert all(re.fullmatch(pattern, text) for text in because), because


def _row(row_to_id: dict[int, int], track_id: int) -> int:
    return next(row for row, t in row_to_id.items() if t == track_id)


def test_bad_radio_requests_answer_problems_and_change_nothing(
    world: tuple[str, dict[int, int], np.ndarray], tmp_path: Path
) -> None:
    url, row_to_id, _ = world
    with app_client(url, tmp_path) as client:
        unknown_seed = client.post(
            "/v1/radio", json={"seed_track_ids": [2_000_000_000]}, headers=AUTH
        )
        problem(unknown_seed, 404, "Unknown tracks")
        none = client.post("/v1/radio", json={"seed_track_ids": []}, headers=AUTH)
        assert none.status_code == 422
        body = client.post(
            "/v1/radio", json={"seed_track_ids": [row_to_id[0]], "n": 5}, headers=AUTH
        ).json()
        session_id = body["session_id"]
        played = body["tracks"][0]["track"]["id"]
        feedback_url = f"/v1/radio/{session_id}/feedback"
        not_played = client.post(
            feedback_url, json={"track_id": row_to_id[299], "signal": "like"}, headers=AUTH
        )
        problem(not_played, 422, "was not played on this radio")
        wrong_signal = client.post(
            feedback_url, json={"track_id": played, "signal": "love"}, headers=AUTH
        )
        assert wrong_signal.status_code == 422
        counts = client.post(
            feedback_url, json={"track_id": played, "signal": "skip"}, headers=AUTH
        )
        # The refused feedback left nothing behind: only the skip counts.
        assert (counts.json()["likes"], counts.json()["skips"]) == (0, 1)
        missing = client.post(f"/v1/radio/{'0' * 32}/next", headers=AUTH)
        problem(missing, 404, "start one with POST /v1/radio")
        assert missing.json()["title"] == "Unknown radio session"
        malformed = client.post("/v1/radio/not-an-id/next", headers=AUTH)
        assert malformed.status_code == 422


def test_an_unused_radio_expires_with_a_clear_error(
    world: tuple[str, dict[int, int], np.ndarray], tmp_path: Path
) -> None:
    url, row_to_id, _ = world
    with app_client(url, tmp_path, radio_session_ttl_seconds=0.5) as client:
        body = client.post("/v1/radio", json={"seed_track_ids": [row_to_id[5]]}, headers=AUTH)
        session_id = body.json()["session_id"]
        assert client.post(f"/v1/radio/{session_id}/next", headers=AUTH).status_code == 200
        time.sleep(0.7)
        expired = client.post(f"/v1/radio/{session_id}/next", headers=AUTH)
        problem(expired, 404, "expired at")
        assert expired.json()["title"] == "Radio session expired"
        track = body.json()["tracks"][0]["track"]["id"]
        late = client.post(
            f"/v1/radio/{session_id}/feedback",
            json={"track_id": track, "signal": "like"},
            headers=AUTH,
        )
        problem(late, 404, "start a new one")
