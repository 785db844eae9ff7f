"""GET /v1/map through the real app on SQLite: columns, scale, neighbourhoods, bad input."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from resonance.app.factory import create_app
from resonance.db.engine import create_engine, create_sessionmaker
from resonance.recommend.schemas import MapPending, MapResponse
from resonance.settings import Settings
from tests.recommend.seed_catalogue import seed_catalogue

TOKEN = "map-test-token-1234567890"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def families(sqlite_url: str) -> dict[int, int]:
    """{track id: genre family} of a 400-track synthetic catalogue."""

    async def run() -> dict[int, int]:
        engine = create_engine(sqlite_url)
        try:
            row_to_id, family = await seed_catalogue(create_sessionmaker(engine), 400)
        finally:
            await engine.dispose()
        return {track_id: int(family[row]) for row, track_id in row_to_id.items()}

    return asyncio.run(run())


@pytest.fixture
def client(sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, database_url=sqlite_url, service_token=TOKEN)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def drawn_map(client: TestClient, query: str = "", auth: dict[str, str] = AUTH) -> dict[str, Any]:
    """The map once laid out: while the first layout runs the API answers 202 with how
    far it has got, and the page asks again (Retry-After)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        response = client.get(f"/v1/map{query}", headers=auth)
        if response.status_code == 200:
            body: dict[str, Any] = response.json()
            return body
        assert response.status_code == 202, response.text
        pending = MapPending.model_validate_json(response.content)
        assert pending.status == "laying_out" and 0 <= pending.done <= pending.total
        assert response.headers["retry-after"] == "1"
        time.sleep(0.2)
    raise TimeoutError("the map was never laid out")


def test_every_track_is_placed_with_tracks_of_its_family_nearby(
    client: TestClient, families: dict[int, int]
) -> None:
    the_map = MapResponse.model_validate(drawn_map(client))
    assert the_map.total == 400 and sorted(the_map.ids) == sorted(families)
    assert len({len(the_map.x), len(the_map.y), len(the_map.genre), len(the_map.names)}) == 1
    points = np.column_stack([the_map.x, the_map.y])
    assert points.min() == 0.0 and points.max() == 1.0
    assert all(-1 <= g < len(the_map.genres) for g in the_map.genre)
    assert all(name.startswith("Track ") for name in the_map.names)
    family = np.array([families[t] for t in the_map.ids])
    squared = ((points[:, None, :] - points[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(squared, np.inf)
    nearest = np.argsort(squared, axis=1)[:, :5]
    # Five families: a random layout would give about 0.2.
    assert float((family[nearest] == family[:, None]).mean()) > 0.8


def test_a_limit_returns_the_same_sample_every_time(
    client: TestClient, families: dict[int, int]
) -> None:
    first = drawn_map(client, "?limit=50")
    second = drawn_map(client, "?limit=50")
    assert first["total"] == 400 and len(first["ids"]) == 50
    assert first == second


@pytest.mark.parametrize("limit", ["0", "50001", "many"])
def test_a_bad_limit_is_a_clear_422(client: TestClient, limit: str) -> None:
    response = client.get(f"/v1/map?limit={limit}", headers=AUTH)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "limit" in response.text
