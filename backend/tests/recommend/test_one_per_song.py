"""The same song is recommended once, whatever its copies (#16)."""

from __future__ import annotations

import orjson

from resonance.recommend.explain import Explanation
from resonance.recommend.recommender import Recommendation, Recommendations
from resonance.recommend.service import one_per_song


def card(name: str, artist: str) -> bytes:
    return orjson.dumps({"name": name, "artists": [{"name": artist}]})


def rec(track_id: int, rank: int) -> Recommendation:
    return Recommendation(track_id, 1.0 / rank, Explanation(shares={}), rank)


def test_a_local_file_and_its_catalogue_copy_count_once() -> None:
    found = {
        1: card("Blue in Green", "Miles Davis"),  # a seed
        2: card("So What", "Miles Davis"),
        3: card("So What", "Miles Davis"),  # its local file
        4: card("Blue in Green (Remastered)", "Miles Davis"),  # a copy of the seed
        5: card("Naima", "John Coltrane"),
    }
    items = Recommendations([rec(2, 1), rec(3, 2), rec(4, 3), rec(5, 4)], notes=["kept"])
    kept = one_per_song(items, found, [1], n=20)
    assert [(r.track_id, r.rank) for r in kept] == [(2, 1), (5, 2)]
    assert kept.notes == ["kept"], "notes on the list as a whole survive"
