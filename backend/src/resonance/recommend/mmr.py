"""Maximal marginal relevance with per-artist and per-album caps."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from resonance.recommend.options import RecommendOptions, resolve_cap

if TYPE_CHECKING:
    from resonance.recommend.recommender import Recommender
    from resonance.recommend.scoring import Scored


def diversify(
    model: Recommender, scored: Scored, n: int, options: RecommendOptions
) -> list[tuple[int, str | None]]:
    """Pick n of the scored candidates (indices into `scored`), with a note when variety
    rather than score decided a pick.

    Each step takes argmax (1 − λ)·relevance − λ·(max similarity to earlier picks), where
    similarity is the inner product of full vectors (the same weighted block cosines) and
    relevance is the score rescaled to [0, 1] over the pool: scores range from hundredths
    (content only) to about 3 (strong playlist evidence), and without the rescaling the
    same λ would mean "ignore relevance" for one request and "ignore variety" for another.
    """
    lam = options.diversity
    pool = min(len(scored.rows), max(5 * n, 100) if lam > 0 else len(scored.rows))
    rows = scored.rows[:pool]
    rel = _unit_range(scored.total[:pool])
    vectors = model.vectors.vectors[rows]
    artists = model.catalogue.artist_ids[rows]
    albums = model.catalogue.album_ids[rows]
    artist_cap = resolve_cap(options.max_per_artist, n)
    album_cap = resolve_cap(options.max_per_album, n)
    artist_count: dict[int, int] = {}
    album_count: dict[int, int] = {}
    max_sim = np.full(pool, -np.inf)
    # Taken, or by an artist/album at its cap: grown as picks fill the caps.
    blocked = np.zeros(pool, bool)
    picks: list[tuple[int, str | None]] = []

    while len(picks) < n:
        eligible = ~blocked
        if not eligible.any():
            break
        penalty = np.where(np.isfinite(max_sim), max_sim, 0.0)
        objective = np.where(eligible, (1 - lam) * rel - lam * penalty, -np.inf)
        pick = int(np.argmax(objective))  # first max = higher score (rows are sorted by score)
        best_by_score = int(np.argmax(eligible))
        note = None
        if lam > 0 and pick != best_by_score:
            skipped = int((eligible[:pick]).sum())
            mine, theirs = round(penalty[pick] * 100), round(penalty[best_by_score] * 100)
            unlike = (
                f"{mine}% like the tracks above it, where the next by score is {theirs}%"
                if mine != theirs
                else "a little less like the tracks above it than the next by score"
            )
            note = (
                f"Picked for variety over {skipped} higher-scoring track"
                f"{'s' if skipped != 1 else ''}: it is {unlike}."
            )
        picks.append((pick, note))
        blocked[pick] = True
        _block_at_cap(blocked, artists, artist_count, int(artists[pick]), artist_cap)
        _block_at_cap(blocked, albums, album_count, int(albums[pick]), album_cap)
        if lam > 0:
            max_sim = np.maximum(max_sim, vectors @ vectors[pick])
    return picks


def _unit_range(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high - low <= 1e-12:
        return np.ones_like(values)
    return (values - low) / (high - low)


def _block_at_cap(
    blocked: np.ndarray, ids: np.ndarray, counts: dict[int, int], key: int, cap: int | None
) -> None:
    if key < 0:  # unknown artist/album: never capped
        return
    counts[key] = counts.get(key, 0) + 1
    if cap is not None and counts[key] >= cap:
        blocked |= ids == key
