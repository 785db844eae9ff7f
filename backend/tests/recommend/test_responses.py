"""Response bodies: notes on the list as a whole."""

from __future__ import annotations

from typing import Any

from resonance.recommend.explain import Explanation
from resonance.recommend.recommender import Recommendation
from resonance.recommend.responses import WEAK_MATCH, list_notes


def item(rank: int, **evidence: Any) -> Recommendation:
    explanation = Explanation(shares={"genre": 0.03}, **evidence)
    return Recommendation(track_id=rank, score=0.03, explanation=explanation, rank=rank)


def test_a_list_with_nothing_in_common_with_the_seeds_says_so() -> None:
    assert list_notes([item(1), item(2)]) == [WEAK_MATCH]


def test_any_shared_genre_related_genre_or_playlist_is_enough() -> None:
    assert list_notes([item(1), item(2, shared_genres=["drone"])]) == []
    assert list_notes([item(1, related_genres=[("drone", "ambient", 0.7)])]) == []
    assert list_notes([item(1, common_playlists=2, seeds_in_common_playlists=1)]) == []
    assert list_notes([]) == []  # "no recommendations" is its own state
