"""Song paths and flow ordering: the library, its bad inputs, and the HTTP API."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from resonance.app import create_app
from resonance.recommend import Recommender, UnknownSeedsError
from resonance.recommend.flow import Arc, OrderError, camelot, flow_order, key_cost, tempo_cost
from resonance.recommend.paths import PathError, song_path
from resonance.settings import Settings
from resonance.vectors import Catalogue, synthetic_catalogue
from tests.recommend.test_endpoints import AUTH, TOKEN, seeded

__all__ = ["seeded"]


@pytest.fixture(scope="module")
def model() -> tuple[Recommender, np.ndarray]:
    catalogue, family = synthetic_catalogue(3000, seed=5, audio_coverage=0.9, spotify_coverage=0.0)
    return Recommender.fit(catalogue), family


def ends(model: Recommender, family: np.ndarray) -> tuple[int, int]:
    ids = model.catalogue.track_ids
    return int(ids[np.flatnonzero(family == 0)[0]]), int(ids[np.flatnonzero(family == 0)[40]])


def test_a_path_runs_from_a_to_b_closing_in_with_no_artist_twice_in_a_row(
    model: tuple[Recommender, np.ndarray],
) -> None:
    recommender, family = model
    a, b = ends(recommender, family)
    path = song_path(recommender, a, b, steps=12)
    assert [s.track_id for s in (path[0], path[-1])] == [a, b]
    assert len(path) == 12 and len({s.track_id for s in path}) == 12
    to_end = [s.similarity_to_end for s in path]
    closer = sum(later >= earlier for earlier, later in itertools.pairwise(to_end))
    assert closer >= 0.9 * (len(path) - 1)
    artists = [recommender.catalogue.artist_ids[recommender.row_of(s.track_id)] for s in path]
    assert all(x != y for x, y in itertools.pairwise(artists))
    assert path[4].sentence.startswith("Step 5 of 12:") and path[4].sentence.endswith(".")


def test_a_path_is_smoother_than_a_random_one_with_the_same_ends(
    model: tuple[Recommender, np.ndarray],
) -> None:
    recommender, family = model
    a, b = ends(recommender, family)
    path = [s.track_id for s in song_path(recommender, a, b, steps=10)]
    vectors = recommender.vectors.vectors
    rng = np.random.default_rng(0)
    middle = rng.choice(recommender.catalogue.track_ids, 8, replace=False).tolist()

    def smoothness(ids: list[int]) -> float:
        rows = [recommender.row_of(int(t)) for t in ids]
        return float(np.mean([vectors[x] @ vectors[y] for x, y in itertools.pairwise(rows)]))

    assert smoothness(path) > smoothness([a, *middle, b])


def circle(n: int, gap: tuple[float, float] | None = None) -> tuple[Recommender, np.ndarray]:
    """Tracks round a circle in a plane of the audio space (none at angles inside `gap`),
    each by its own artist; and the angle of each row."""
    angle = np.sort(np.random.default_rng(0).uniform(0, 2 * np.pi, n))
    if gap is not None:
        angle = angle[(angle < gap[0]) | (angle > gap[1])]
    n = len(angle)
    audio = np.zeros((n, 16), np.float32)
    audio[:, 0], audio[:, 1] = np.cos(angle), np.sin(angle)
    catalogue = Catalogue(
        track_ids=np.arange(1, n + 1, dtype=np.int64),
        artist_ids=np.arange(n, dtype=np.int64),
        album_ids=np.arange(n, dtype=np.int64),
        audio=audio,
        audio_mask=np.ones(n, bool),
        spotify=np.zeros((n, 9), np.float32),
        spotify_mask=np.zeros(n, bool),
        genres=[[] for _ in range(n)],
        playlists=[],
    )
    return Recommender.fit(catalogue), angle


def moves_and_angles(
    recommender: Recommender, angle: np.ndarray, start: float, end: float
) -> tuple[list, np.ndarray, np.ndarray]:
    a, b = (int(np.argmin(np.abs(angle - x))) + 1 for x in (start, end))
    path = song_path(recommender, a, b, steps=12)
    moves = np.asarray([1 - s.similarity_to_previous for s in path[1:]])
    return path, moves, angle[[recommender.row_of(s.track_id) for s in path]]


def test_a_path_over_a_continuous_run_of_tracks_takes_even_steps() -> None:
    recommender, angle = circle(2400)
    # Almost half the circle: a straight blend of the ends would crowd its points near them.
    path, moves, angles = moves_and_angles(recommender, angle, 0.1, 3.0)
    assert moves.max() <= 1.2 * moves.mean()
    assert np.all(np.diff(angles) > 0), "every step moves on toward B"
    assert not any(s.long_jump or "long jump" in s.sentence for s in path)


def test_a_path_over_a_gap_says_so_and_keeps_its_other_steps_even() -> None:
    recommender, angle = circle(2400, gap=(1.2, 1.9))
    path, moves, angles = moves_and_angles(recommender, angle, 0.1, 3.0)
    jumps = [i for i, s in enumerate(path) if s.long_jump]
    assert len(jumps) == 1
    (jump,) = jumps
    assert angles[jump - 1] < 1.2 and angles[jump] > 1.9, "the jump is the one over the gap"
    assert "a long jump" in path[jump].sentence
    assert not any("long jump" in s.sentence for i, s in enumerate(path) if i != jump)
    others = np.delete(moves, jump - 1)
    assert others.max() <= 1.2 * others.mean()
    assert moves[jump - 1] > 3 * others.mean()


@pytest.mark.parametrize(
    ("steps", "message"),
    [(2, "between 3"), (101, "between 3"), (12, "same track")],
)
def test_bad_paths_say_why(model: tuple[Recommender, np.ndarray], steps: int, message: str) -> None:
    recommender, family = model
    a, b = ends(recommender, family)
    with pytest.raises(PathError, match=message):
        song_path(recommender, a, a if message == "same track" else b, steps=steps)
    with pytest.raises(UnknownSeedsError):
        song_path(recommender, a, 10**9, steps=5)


def test_camelot_wheel_and_tempo_mixing_rules() -> None:
    c_major, a_minor, g_major, f_sharp_major = (
        camelot(0, 1),
        camelot(9, 0),
        camelot(7, 1),
        camelot(6, 1),
    )
    assert c_major == (8, True) and a_minor == (8, False) and g_major == (9, True)
    assert key_cost(c_major, a_minor) == 0 and key_cost(c_major, g_major) == 0
    assert key_cost(c_major, f_sharp_major) == 1
    assert tempo_cost(120, 120) == 0 and tempo_cost(120, 60) == 0 and tempo_cost(120, 240) == 0
    assert tempo_cost(120, 90) > 0.4


def test_ordering_lowers_the_cost_and_keeps_every_track(
    model: tuple[Recommender, np.ndarray],
) -> None:
    recommender, _ = model
    ids = [
        int(t)
        for t in np.random.default_rng(3).choice(recommender.catalogue.track_ids, 60, replace=False)
    ]
    ordered = flow_order(recommender, ids)
    assert sorted(ordered.track_ids) == sorted(ids)
    assert len(ordered.transition_costs) == len(ids) - 1
    assert ordered.total <= 0.6 * ordered.original_total
    rising = flow_order(recommender, ids, Arc("energy", "rising"))
    energy = recommender.catalogue.descriptors["energy"]
    values = [energy[recommender.row_of(t)] for t in rising.track_ids]
    first, last = np.nanmean(values[:20]), np.nanmean(values[-20:])
    assert last > first, "a rising energy arc ends higher than it starts"


@pytest.mark.parametrize("count", [1, 1001, 10_000])
def test_orders_of_a_wrong_size_say_so(model: tuple[Recommender, np.ndarray], count: int) -> None:
    recommender, _ = model
    with pytest.raises(OrderError, match="between 2 and 1000"):
        flow_order(recommender, list(range(1, count + 1)))


def test_a_long_order_improves_on_greedy_only_within_its_time_budget(
    model: tuple[Recommender, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    from resonance.recommend import flow

    recommender, _ = model
    rng = np.random.default_rng(4)
    ids = [int(t) for t in rng.choice(recommender.catalogue.track_ids, 400, replace=False)]
    monkeypatch.setattr(flow, "IMPROVE_BUDGET_S", 0.0)
    greedy = flow_order(recommender, ids)
    monkeypatch.setattr(flow, "IMPROVE_BUDGET_S", 5.0)
    improved = flow_order(recommender, ids)
    for ordered in (greedy, improved):
        assert sorted(ordered.track_ids) == sorted(ids)
        assert ordered.total < ordered.original_total
    assert improved.total < greedy.total


@pytest.fixture
def client(sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, database_url=sqlite_url, service_token=TOKEN)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_api_answers_paths_and_orders_and_refuses_bad_ones(
    client: TestClient, seeded: tuple[dict[int, int], np.ndarray]
) -> None:
    row_to_id, family = seeded
    a, b = row_to_id[0], row_to_id[int(np.flatnonzero(family == family[0])[-1])]
    path = client.post("/v1/paths", json={"from_track": a, "to_track": b, "steps": 6}, headers=AUTH)
    assert path.status_code == 200, path.text
    steps = path.json()["steps"]
    assert [s["track"]["id"] for s in (steps[0], steps[-1])] == [a, b]
    assert all(s["sentence"].endswith(".") for s in steps)
    same = client.post("/v1/paths", json={"from_track": a, "to_track": a}, headers=AUTH)
    assert same.status_code == 422 and "same track" in same.json()["detail"]
    ids = [row_to_id[r] for r in range(30)]
    order = client.post(
        "/v1/order",
        json={"track_ids": ids, "arc": {"descriptor": "energy", "shape": "peak"}},
        headers=AUTH,
    )
    assert order.status_code == 200, order.text
    body = order.json()
    assert sorted(t["id"] for t in body["tracks"]) == sorted(ids)
    assert body["total"] <= body["original_total"]
    one = client.post("/v1/order", json={"track_ids": ids[:1]}, headers=AUTH)
    assert one.status_code == 422
    many = client.post("/v1/order", json={"track_ids": list(range(1, 10_001))}, headers=AUTH)
    assert many.status_code == 422 and "1000" in many.text, many.text[:300]
    unknown = client.post("/v1/order", json={"track_ids": [ids[0], 2_000_000_000]}, headers=AUTH)
    assert unknown.status_code == 404


def test_the_cost_matrix_follows_the_tempo_and_key_rules_pair_by_pair() -> None:
    from resonance.recommend import flow

    catalogue, _ = synthetic_catalogue(40, seed=2)
    rng = np.random.default_rng(2)
    key = rng.integers(0, 12, 40).astype(np.float64)
    key[::7] = np.nan  # unknown keys cost half a clash
    tempo = rng.uniform(60, 180, 40)
    tempo[::9] = np.nan
    catalogue.descriptors = {"tempo_bpm": tempo, "key": key, "mode": rng.integers(0, 2, 40) * 1.0}
    rows = np.arange(40, dtype=np.int64)
    cost = flow._cost_matrix(catalogue, rows)
    for i, j in itertools.combinations(range(40), 2):
        ki, kj = (
            camelot(key[i], catalogue.descriptors["mode"][i]),
            camelot(key[j], catalogue.descriptors["mode"][j]),
        )
        jump = tempo_cost(tempo[i], tempo[j])
        if np.isfinite(tempo[[i, j]]).all() and jump > flow.BEATMATCH_RANGE:
            jump += flow.BEATMATCH_PENALTY  # beyond a pitch fader's reach
        expected = flow.TEMPO_WEIGHT * jump
        expected += flow.KEY_WEIGHT * key_cost(ki, kj)
        assert cost[i, j] == pytest.approx(expected) and cost[j, i] == pytest.approx(expected)


def test_each_improving_move_changes_the_total_by_what_it_reckoned() -> None:
    from resonance.recommend import flow

    rng = np.random.default_rng(6)
    for n in (5, 40):
        points = rng.random((n, 3))
        cost = np.linalg.norm(points[:, None] - points[None], axis=2)
        arc = rng.random((n, n))
        for _ in range(10):
            order = rng.permutation(n)
            gain, moved = flow._best_relocation(order, cost)
            assert sorted(moved) == list(range(n))
            change = flow._total(moved, cost, 0 * arc) - flow._total(order, cost, 0 * arc)
            assert change == pytest.approx(gain, abs=1e-9)
            delta = flow._reversal_gains(order, cost, arc)
            i, j = 1, n - 2
            turned = order.copy()
            turned[i : j + 1] = turned[i : j + 1][::-1]
            reversal = flow._total(turned, cost, arc) - flow._total(order, cost, arc)
            assert delta[i, j] == pytest.approx(reversal, abs=1e-9)
