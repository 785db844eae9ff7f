"""Explanations are built when first read, for the whole list, and stay exact."""

from __future__ import annotations

import numpy as np
import pytest

from resonance.recommend import Recommendation, Recommender, RecommendOptions
from resonance.recommend.explain import Explanation
from resonance.recommend.recommender import COLD_SEEDS
from resonance.vectors import synthetic_catalogue

OPTIONS = [
    RecommendOptions(),
    RecommendOptions(diversity=0.0, max_per_artist=None, max_per_album=None),
    RecommendOptions(max_per_artist=1, max_per_album=1, diversity=0.5),
    RecommendOptions(genre_mode="focus"),
]


@pytest.fixture(scope="module")
def mixed() -> tuple[Recommender, np.ndarray]:
    """Audio, genres and playlists on some tracks, none on others."""
    catalogue, family = synthetic_catalogue(
        800, seed=21, n_playlists=60, audio_coverage=0.6, genre_coverage=0.7
    )
    return Recommender.fit(catalogue), family


def seeds_of(model: Recommender, family: np.ndarray, k: int) -> list[int]:
    rows = np.flatnonzero(family == family[0])[:k]
    return [int(t) for t in model.catalogue.track_ids[rows]]


@pytest.mark.parametrize("options", OPTIONS)
def test_shares_add_up_to_the_score_with_no_error(
    mixed: tuple[Recommender, np.ndarray], options: RecommendOptions
) -> None:
    model, family = mixed
    items = model.recommend(seeds_of(model, family, 4), n=300, options=options)
    assert len(items) == 300
    # The shares are the very numbers summed into the score, in the same order.
    worst = max(abs(sum(i.explanation.shares.values()) - i.score) for i in items)
    assert worst == 0.0


def test_reading_order_does_not_change_an_explanation(
    mixed: tuple[Recommender, np.ndarray],
) -> None:
    model, family = mixed
    seeds = seeds_of(model, family, 3)
    forward = model.recommend(seeds, n=60)
    backward = model.recommend(seeds, n=60)
    last_first = [i.explanation for i in reversed(backward)][::-1]
    assert [i.explanation for i in forward] == last_first
    assert forward[7].explanation is forward[7].explanation  # built once, then kept
    assert any(e.closest or e.shared_genres or e.common_playlists for e in last_first)


def test_a_reranked_list_keeps_each_tracks_own_explanation(
    mixed: tuple[Recommender, np.ndarray],
) -> None:
    model, family = mixed
    items = model.recommend(seeds_of(model, family, 3), n=40)
    expected = {i.track_id: i.score for i in items}
    kept = list(reversed(items[::3]))  # what a caller's filter might keep
    for item in kept:
        assert sum(item.explanation.shares.values()) == expected[item.track_id]


def test_all_cold_seeds_with_exclusions_still_fill_the_list(
    mixed: tuple[Recommender, np.ndarray],
) -> None:
    model, _ = mixed
    cold = (model.vectors.cooc.degree == 0) & ~model.vectors.masks.any(axis=1)
    assert cold.sum() >= 2, "the fixture has tracks with no data at all"
    seeds = [int(t) for t in model.catalogue.track_ids[cold][:2]]
    popular = model.catalogue.track_ids[model.by_popularity()[:30]]
    exclude = frozenset(int(t) for t in popular)
    items = model.recommend(seeds, n=50, options=RecommendOptions(exclude=exclude))
    assert len(items) == 50
    assert items.notes == [COLD_SEEDS]
    assert not exclude & {i.track_id for i in items}
    assert all(i.explanation.shares["popularity"] > 0 for i in items)


def test_a_recommendation_has_an_explanation_or_a_way_to_make_one() -> None:
    with pytest.raises(TypeError, match="either an explanation or a function"):
        Recommendation(1, 0.5, rank=1)
    with pytest.raises(TypeError, match="either an explanation or a function"):
        Recommendation(1, 0.5, Explanation(shares={}), 1, explain=lambda: Explanation({}))
    made = Recommendation(1, 0.5, rank=1, explain=lambda: Explanation(shares={"audio": 0.5}))
    assert made.explanation.shares == {"audio": 0.5}
