"""JSON bodies of recommendation responses, assembled around cached track cards.

Cards come from `CardCache` already serialised and are spliced in as orjson
fragments, and explanations become plain dicts: building 20 pydantic models per
request and validating them again cost more than the recommendation itself. The
shapes are `RecommendResponse` and `SimilarResponse` (schemas.py, which the API
documents); tests validate real bodies against them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from resonance.recommend.explain import (
    DescriptorComparison,
    Explanation,
    as_sentence,
    share_summary,
)
from resonance.recommend.recommender import Recommendation


def match_percent(score: float, best: float) -> float:
    """The score on the one scale shown everywhere: 0–100 % of the best score possible.

    `best` is what a track identical to the seeds in every block, with the strongest
    playlist evidence, would score (the block weights sum to 1, plus the playlist
    weight); targets and genre modes only ever subtract. So the scale is the same for
    one seed or a thousand (docs/recommendations.md, "Match").
    """
    if best <= 0:
        return 0.0
    return round(100.0 * min(max(score / best, 0.0), 1.0), 1)


def recommend_body(
    index_version: int,
    seeds: Sequence[bytes],
    items: Sequence[Recommendation],
    cards: dict[int, bytes],
    took_ms: float,
    provenance: dict[int, tuple[str, str]] | None = None,
    notes: Sequence[str] = (),
    best: float = 1.0,
    discovery: dict[str, Any] | None = None,
) -> bytes:
    """A `RecommendResponse`; items whose card is missing (deleted tracks) are left out.

    `provenance` holds a sentence for each discovered track: where it came from;
    `discovery` how discovery for the listener is going (with `source` "new").
    """
    return orjson.dumps(
        {
            "status": "ok",
            "index_version": index_version,
            "seeds": [orjson.Fragment(card) for card in seeds],
            "items": _items(items, cards, best, provenance or {}),
            "notes": [*notes, *list_notes(items)],
            "discovery": discovery,
            "took_ms": round(took_ms, 2),
        }
    )


def similar_body(
    index_version: int,
    track: bytes,
    items: Sequence[Recommendation],
    cards: dict[int, bytes],
    best: float = 1.0,
) -> bytes:
    """A `SimilarResponse`."""
    return orjson.dumps(
        {
            "index_version": index_version,
            "track": orjson.Fragment(track),
            "items": _items(items, cards, best),
        }
    )


WEAK_MATCH = (
    "Nothing here shares a genre or a playlist with your seeds: your catalogue holds little"
    " like them yet, so these are only the least distant tracks. Analyse more playlists or"
    " sync your library for closer matches."
)


def list_notes(items: Sequence[Recommendation]) -> list[str]:
    """Notes on the whole list: the recommender's own (a popularity fallback), then
    what the explanations' evidence says."""
    own = list(getattr(items, "notes", []))
    related = any(
        i.explanation.shared_genres
        or i.explanation.related_genres
        or i.explanation.common_playlists
        for i in items
    )
    if own:  # the fallback's note already says why nothing is related
        return own
    return [WEAK_MATCH] if items and not related else []


def _items(
    items: Sequence[Recommendation],
    cards: dict[int, bytes],
    best: float,
    provenance: dict[int, tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    found = provenance or {}
    return [
        {
            "rank": item.rank,
            "score": round(item.score, 6),
            "match": match_percent(item.score, best),
            "track": orjson.Fragment(cards[item.track_id]),
            "explanation": explanation_json(
                item.explanation, *found.get(item.track_id, (None, None))
            ),
        }
        for item in items
        if item.track_id in cards
    ]


def explanation_json(
    explanation: Explanation, provenance: str | None = None, found_by: str | None = None
) -> dict[str, Any]:
    """An `ExplanationOut` as a dict; a discovered track's provenance comes first in words,
    and `found_by` is its badge."""
    sentences = explanation.sentences()
    return {
        "shares": {k: round(v, 6) for k, v in explanation.shares.items()},
        "imputed_blocks": explanation.imputed_blocks,
        "closest": [_comparison(c) for c in explanation.closest],
        "farthest": [_comparison(c) for c in explanation.farthest],
        "shared_genres": explanation.shared_genres,
        "related_genres": [
            {"genre": g, "seed_genre": s, "similarity": round(sim, 3)}
            for g, s, sim in explanation.related_genres
        ],
        "seeds_in_common_playlists": explanation.seeds_in_common_playlists,
        "common_playlists": explanation.common_playlists,
        "diversity_note": explanation.diversity_note,
        "genre_similarity": explanation.genre_similarity,
        "provenance": provenance,
        "found_by": found_by,
        "sentences": [as_sentence(provenance), *sentences] if provenance else sentences,
        "summary": share_summary(explanation.shares),
    }


def _comparison(c: DescriptorComparison) -> dict[str, Any]:
    return {"name": c.name, "value": c.value, "seeds": c.seeds, "text": c.text}
