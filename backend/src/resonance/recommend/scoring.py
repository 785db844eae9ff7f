"""Exact scoring of candidates, split into components that add up to the score.

score = Σ_b w_b·cos_b (vector blocks; a missing block counts at its expected
cosine μ_b) + playlists (sparse co-occurrence evidence) + targets + genre mode, and
popularity when no seed has any evidence (the cold-seed fallback).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from resonance.recommend.explain import RANGES, RELATED_GENRE_SIMILARITY
from resonance.recommend.options import RecommendOptions
from resonance.vectors import BLOCK_NAMES, FloatMatrix, IntArray

if TYPE_CHECKING:
    from resonance.recommend.recommender import Recommender

TARGET_WEIGHT = 1.0  # a full-range miss at strength 1 costs 1.0 (half the best playlist share)
# Focus nudges by genre closeness inside the circle it keeps. Explore's push away from the
# seeds' genres has to rival playlist evidence (up to weight_playlists = 2) to change
# anything: at 0.2 it kept 80 % of a list in the seeds' genres, at 1.0 about half, with
# the tracks still found through the seeds' playlists (bench/controls.py).
FOCUS_WEIGHT = 0.2
EXPLORE_WEIGHT = 1.0
# Focus keeps the closest circle of genres that can fill the list (genre-block cosine to
# the seeds' genres): their own, else related ones.
FOCUS_FLOORS = (0.8, RELATED_GENRE_SIMILARITY)


class UnknownTargetError(ValueError):
    pass


@dataclass
class Scored:
    rows: IntArray
    components: dict[str, NDArray[np.float64]]
    total: NDArray[np.float64]
    imputed: NDArray[np.bool_]
    genre_similarity: NDArray[np.float64]


def score_candidates(
    model: Recommender,
    candidates: IntArray,
    seed_rows: IntArray,
    query: FloatMatrix,
    query_mask: NDArray[np.bool_],
    options: RecommendOptions,
    n: int,
    cooc_evidence: tuple[IntArray, NDArray[np.float64]],
    *,
    popularity: NDArray[np.float64] | None = None,
) -> Scored:
    vs = model.vectors
    vectors = vs.vectors[candidates]
    masks = vs.masks[candidates]
    components: dict[str, NDArray[np.float64]] = {}
    imputed = np.zeros((len(candidates), len(BLOCK_NAMES)), bool)
    for b_index, block in enumerate(vs.layout):
        if block.weight <= 0:
            continue
        dots = (vectors[:, block.slice] @ query[block.slice]).astype(np.float64)
        fallback = block.weight * vs.expected.get(block.name, 0.0)
        if query_mask[b_index]:
            has = masks[:, b_index]
            components[block.name] = np.where(has, dots, fallback)
            imputed[:, b_index] = ~has
        else:
            components[block.name] = np.full(len(candidates), fallback)

    components["playlists"] = _playlist_evidence(candidates, cooc_evidence, vs.playlist_weight)
    if popularity is not None:
        components["popularity"] = popularity
    if options.targets:
        components["targets"] = _targets(model, candidates, options)

    genre_sim = _genre_similarity(model, vectors, masks, query, query_mask)
    keep = np.ones(len(candidates), bool)
    if options.genre_mode != "blend" and query_mask[BLOCK_NAMES.index("genre")]:
        known = ~np.isnan(genre_sim)
        sim = np.where(known, genre_sim, 0.0)
        if options.genre_mode == "focus":
            components["genre_mode"] = np.where(known, FOCUS_WEIGHT * (sim - 1.0), 0.0)
            # Too few in either circle: every candidate, ranked by genre closeness.
            for floor in FOCUS_FLOORS:
                inside = known & (sim >= floor)
                if inside.sum() >= n:
                    keep = inside
                    break
        else:
            components["genre_mode"] = np.where(known, -EXPLORE_WEIGHT * np.maximum(sim, 0.0), 0.0)

    total = np.zeros(len(candidates))
    for values in components.values():
        total += values
    # Candidates come sorted by row: a stable sort breaks equal scores by row.
    order = np.argsort(-total, kind="stable")
    order = order[keep[order]]
    return Scored(
        rows=candidates[order],
        components={name: values[order] for name, values in components.items()},
        total=total[order],
        imputed=imputed[order],
        genre_similarity=genre_sim[order],
    )


def _playlist_evidence(
    candidates: IntArray, evidence: tuple[IntArray, NDArray[np.float64]], weight: float
) -> NDArray[np.float64]:
    rows, scores = evidence
    out = np.zeros(len(candidates))
    if not len(rows) or weight <= 0:
        return out
    # Item-kNN scores relative to the strongest evidence among all co-occurring tracks
    # (the seeds left out).
    top = float(scores.max())
    position = np.searchsorted(rows, candidates)
    position = np.clip(position, 0, len(rows) - 1)
    found = rows[position] == candidates
    out[found] = weight * scores[position[found]] / top
    return out


def _targets(
    model: Recommender, candidates: IntArray, options: RecommendOptions
) -> NDArray[np.float64]:
    penalty = np.zeros(len(candidates))
    for target in options.targets:
        values = model.catalogue.descriptors.get(target.name)
        if values is None:
            known = ", ".join(sorted(model.catalogue.descriptors)) or "none"
            raise UnknownTargetError(f"unknown target {target.name!r} (known: {known})")
        scale = RANGES.get(target.name, 1.0)
        diff = np.minimum(np.abs(values[candidates] - target.value) / scale, 1.0)
        missing = np.isnan(diff)
        # Unknown values count as the average miss, so they are neither pulled nor pushed.
        fill = float(np.nanmean(diff)) if (~missing).any() else 0.5
        diff = np.where(missing, fill, diff)
        penalty -= target.strength * TARGET_WEIGHT * diff
    return penalty


def _genre_similarity(
    model: Recommender,
    vectors: FloatMatrix,
    masks: NDArray[np.bool_],
    query: FloatMatrix,
    query_mask: NDArray[np.bool_],
) -> NDArray[np.float64]:
    g = BLOCK_NAMES.index("genre")
    block = model.vectors.layout[g]
    out = np.full(len(vectors), np.nan)
    if block.weight <= 0 or not query_mask[g]:
        return out
    sims = (vectors[:, block.slice] @ query[block.slice]) / block.weight
    out[masks[:, g]] = sims[masks[:, g]]
    return out
