"""The map's layout is computed when an index version is built, so the first map view
after a build is drawn at once; an earlier layout serves while a newer one is computed;
only the first layout of a catalogue answers 202 with its progress."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from resonance.app.factory import create_app
from resonance.cache.memory import MemoryCache
from resonance.db.engine import create_engine, create_sessionmaker
from resonance.index import IndexStore, build_index, load_layout, place_missing
from resonance.index.layouts import LAYOUT_FILE
from resonance.settings import Settings
from tests.recommend.seed_catalogue import seed_catalogue
from tests.recommend.test_catalogue_map import AUTH, TOKEN, drawn_map


def settings_for(sqlite_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=sqlite_url, service_token=TOKEN)


def build(settings: Settings, *, seed: int = 0) -> list[int]:
    """Seed `seed` tracks (none: keep the catalogue), build a version and wait for its
    layout, as `resonance index build` does; returns the versions built so far."""

    async def run() -> int:
        engine = create_engine(settings.database_url)
        try:
            sessionmaker = create_sessionmaker(engine)
            if seed:
                await seed_catalogue(sessionmaker, seed)
            result = await build_index(sessionmaker, MemoryCache(), settings)
            assert result.layout is not None and await result.layout is True
            assert result.version is not None
            return result.version
        finally:
            await engine.dispose()

    asyncio.run(run())
    store = IndexStore(settings.index_dir)
    return sorted(int(p.name[1:]) for p in store.directory.iterdir() if p.name[1:].isdigit())


@pytest.fixture
def settings(sqlite_url: str, tmp_path: Path) -> Settings:
    return settings_for(sqlite_url, tmp_path)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_a_build_writes_its_layout_for_every_track(settings: Settings) -> None:
    (version,) = build(settings, seed=300)
    saved = load_layout(IndexStore(settings.index_dir), version)
    assert saved is not None and saved.version == version
    assert saved.coordinates.shape == (300, 2) and len(set(saved.track_ids.tolist())) == 300
    assert np.isfinite(saved.coordinates).all()
    assert float(np.ptp(saved.coordinates, axis=0).min()) > 1.0, "spread, not one spot"


def test_the_first_view_after_a_build_needs_no_layout(settings: Settings) -> None:
    (version,) = build(settings, seed=300)
    with TestClient(create_app(settings)) as client:
        client.get("/v1/health")  # start-up is not the map's time
        started = time.perf_counter()
        response = client.get("/v1/map", headers=AUTH)
        took = time.perf_counter() - started
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["index_version"] == body["layout_version"] == version
    assert body["total"] == 300
    # The layout itself takes seconds (docs/benchmarks.md); reading it, a fraction.
    assert took < 5.0, took


def test_an_earlier_layout_serves_while_the_newest_is_computed(settings: Settings) -> None:
    build(settings, seed=300)
    store = IndexStore(settings.index_dir)
    first, second = build(settings)  # the same tracks: a second version
    (store.path(second) / LAYOUT_FILE).unlink()  # as if its layout were still running
    earlier = load_layout(store, first)
    assert earlier is not None
    with TestClient(create_app(settings)) as client:
        response = client.get("/v1/map", headers=AUTH)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["index_version"], body["layout_version"]) == (second, first)
        # The same places as the earlier layout's (scaled to 0..1 the same way).
        place = dict(zip(earlier.track_ids.tolist(), earlier.coordinates.tolist(), strict=True))
        low = earlier.coordinates.min(axis=0)
        span = np.ptp(earlier.coordinates, axis=0)
        for track, x, y in list(zip(body["ids"], body["x"], body["y"], strict=True))[:20]:
            assert np.allclose((np.array(place[track]) - low) / span, [x, y], atol=1e-4)
        # Nobody else was computing the newest layout, so this process does, and uses it.
        deadline = time.monotonic() + 120
        while body["layout_version"] != second and time.monotonic() < deadline:
            time.sleep(0.2)
            body = client.get("/v1/map", headers=AUTH).json()
        assert body["layout_version"] == second
    assert load_layout(store, second) is not None, "written for the other processes"


def test_the_first_layout_of_a_catalogue_answers_202_with_progress(
    settings: Settings,
) -> None:
    (version,) = build(settings, seed=400)
    (IndexStore(settings.index_dir).path(version) / LAYOUT_FILE).unlink()
    with TestClient(create_app(settings)) as client:
        pending = client.get("/v1/map", headers=AUTH)
        assert pending.status_code == 202, pending.text
        body = pending.json()
        assert body["status"] == "laying_out" and body["index_version"] == version
        assert body["total"] > 0 and 0 <= body["done"] <= body["total"]
        assert body["detail"].startswith("Laying out the map")
        assert drawn_map(client)["layout_version"] == version


def test_tracks_the_earlier_layout_lacks_join_their_neighbours() -> None:
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(4, 16))
    label = np.repeat(np.arange(4), 30)
    vectors = (centres[label] + 0.05 * rng.normal(size=(120, 16))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    where = np.array([[0, 0], [10, 0], [0, 10], [10, 10]], np.float32)
    coordinates = where[label] + rng.normal(0, 0.1, (120, 2)).astype(np.float32)
    missing = rng.choice(120, size=15, replace=False)
    coordinates[missing] = np.nan
    placed = place_missing(coordinates, vectors)
    assert np.isfinite(placed).all()
    assert np.abs(placed[missing] - where[label[missing]]).max() < 1.0
    kept = np.setdiff1d(np.arange(120), missing)
    assert np.array_equal(placed[kept], coordinates[kept])


def test_builds_faster_than_layouts_still_get_laid_out(settings: Settings) -> None:
    """A running layout is not stopped by a newer build (else none would ever finish while
    the audio stage builds every few seconds); the newest version is laid out after it."""

    async def run() -> list[bool]:
        engine = create_engine(settings.database_url)
        try:
            sessionmaker = create_sessionmaker(engine)
            await seed_catalogue(sessionmaker, 300)
            cache = MemoryCache()
            built = [await build_index(sessionmaker, cache, settings) for _ in range(3)]
            return [bool(await b.layout) for b in built if b.layout is not None]
        finally:
            await engine.dispose()

    first, _, last = asyncio.run(run())
    assert first and last
    store = IndexStore(settings.index_dir)
    assert load_layout(store, 3) is not None and load_layout(store, 1) is not None


def test_the_newest_laid_out_version_outlives_the_versions_kept(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    for version in (1, 2, 3, 4):
        store.path(version).mkdir(parents=True)
    (store.path(1) / LAYOUT_FILE).write_bytes(b"")
    store.cleanup(current=4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v000001", "v000003", "v000004"]
    (store.path(3) / ".layout-progress.json").write_text("{}")  # v3 being laid out
    store.path(5).mkdir()
    store.cleanup(current=5)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == ["v000001", "v000003", "v000004", "v000005"]
