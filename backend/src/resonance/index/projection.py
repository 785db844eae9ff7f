"""A 2-D layout of the catalogue that keeps neighbourhoods apart: a small UMAP-like
neighbour-graph embedding over the index's own nearest-neighbour search.

A linear projection (PCA) of the block vectors puts thousands of tracks on top of
each other: two axes cannot hold the dozens of directions genres and sounds spread
along, so whole neighbourhoods collapse into a few clumps. This layout instead keeps
each track's nearest neighbours near it and pushes everything else away, as UMAP
does, with the same attraction and repulsion curves (min_dist 0.1), optimised in full
batches with numpy rather than by per-edge SGD so that it needs no compiler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from resonance.index.vector_index import VectorIndex
from resonance.vectors import FloatMatrix, IntArray

# UMAP's curve 1 / (1 + a d^(2b)) fitted to min_dist 0.1, spread 1 (umap.umap_.find_ab_params).
_A = 1.577
_B = 0.8951
_CLIP = 4.0
# A quarter of the negatives are neighbours of neighbours. Random tracks almost never
# fall in the same neighbourhood, so without them a neighbourhood collapses onto one
# spot (median spacing 0.008 of an 18-unit extent on 60 synthetic clusters); with a
# third, neighbourhoods swell into each other (10-NN label agreement 1.0 -> 0.83).
_LOCAL_SHARE = 0.25


@dataclass(frozen=True)
class LayoutConfig:
    """How the layout is computed.

    Parameters
    ----------
    neighbours
        Nearest neighbours each track is pulled towards.
    negatives
        Random tracks each edge pushes away per epoch.
    epochs
        Passes of the optimiser; large catalogues get fewer (`epochs_for`).
    seed
        Seed of every random choice, so a catalogue always gets the same map.
    """

    neighbours: int = 12
    negatives: int = 2
    epochs: int = 150
    seed: int = 0

    def epochs_for(self, n_items: int) -> int:
        # UMAP runs 500 epochs below 10,000 points and 200 above; full-batch steps of the
        # mean pull settle in fewer. Above 10,000 the epochs shrink so that the work stays
        # that of 10,000 tracks (bench/map_layout.py prints time and quality).
        return self.epochs if n_items <= 10_000 else max(40, self.epochs * 10_000 // n_items)


def neighbour_graph(
    vectors: FloatMatrix, index: VectorIndex, k: int
) -> tuple[IntArray, IntArray, NDArray[np.float32]]:
    """The symmetrised k-nearest-neighbour graph as edge lists (head, tail, weight).

    Weights follow UMAP's fuzzy union: each directed edge weighs
    exp(-(d - d_nearest) / sigma) with sigma the track's mean neighbour distance
    gap, and an edge found from both ends weighs w1 + w2 - w1 * w2.
    """
    n = len(vectors)
    scores, rows = index.search(vectors, k + 1)
    heads = np.repeat(np.arange(n, dtype=np.int64), rows.shape[1])
    tails = rows.reshape(-1)
    # Inner products of block vectors are weighted cosines: 1 - score is a distance.
    distance = np.maximum(0.0, 1.0 - scores.reshape(-1).astype(np.float64))
    # Rows past `n` are tracks the served index gained while this layout ran.
    keep = (tails >= 0) & (tails < n) & (tails != heads)
    heads, tails, distance = heads[keep], tails[keep], distance[keep]
    nearest = np.full(n, np.inf)
    np.minimum.at(nearest, heads, distance)
    nearest[~np.isfinite(nearest)] = 0.0
    gap = distance - nearest[heads]
    sigma = np.bincount(heads, weights=gap, minlength=n) / np.maximum(
        np.bincount(heads, minlength=n), 1
    )
    sigma = np.maximum(sigma, 1e-3)
    weight = np.exp(-gap / sigma[heads])
    low, high = np.minimum(heads, tails), np.maximum(heads, tails)
    key = low * n + high
    order = np.argsort(key, kind="stable")
    key, weight = key[order], weight[order]
    unique, start, count = np.unique(key, return_index=True, return_counts=True)
    first = weight[start]
    second = np.where(count > 1, weight[np.minimum(start + 1, len(weight) - 1)], 0.0)
    union = first + second - first * second
    return (unique // n).astype(np.int64), (unique % n).astype(np.int64), union.astype(np.float32)


def _initial(vectors: FloatMatrix, seed: int) -> NDArray[np.float32]:
    """The two principal axes, scaled to UMAP's usual starting extent of ten units."""
    centred = vectors.astype(np.float64) - vectors.mean(axis=0)
    sample = centred[:: max(1, len(centred) // 20_000)]
    _, _, axes = np.linalg.svd(sample, full_matrices=False)
    start: NDArray[np.float64] = centred @ axes[:2].T
    start /= float(np.abs(start).max()) or 1.0
    start += np.random.default_rng(seed).normal(0.0, 1e-5, start.shape)
    return np.asarray(10.0 * start, dtype=np.float32)


def _accumulate(n: int, rows: IntArray, moves: NDArray[np.float32]) -> NDArray[np.float32]:
    out = np.empty((n, 2), np.float32)
    out[:, 0] = np.bincount(rows, weights=moves[:, 0], minlength=n)
    out[:, 1] = np.bincount(rows, weights=moves[:, 1], minlength=n)
    return out


def _neighbour_table(n: int, heads: IntArray, tails: IntArray) -> tuple[IntArray, int]:
    """Each track's first `width` graph neighbours as a table (itself where it has fewer)."""
    ends = np.concatenate([heads, tails])
    others = np.concatenate([tails, heads])
    order = np.argsort(ends, kind="stable")
    ends, others = ends[order], others[order]
    counts = np.bincount(ends, minlength=n)
    width = 8
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slot = np.arange(len(ends)) - start[ends]
    table = np.repeat(np.arange(n, dtype=np.int64)[:, None], width, axis=1)
    keep = slot < width
    table[ends[keep], slot[keep]] = others[keep]
    return table, width


Progress = Callable[[int, int], None]
# How often `layout` reports (epochs): often enough for a progress bar to move every
# second on 10,000 tracks (about 0.15 s an epoch at a normal load), rarely enough to cost
# nothing.
PROGRESS_EVERY = 5


def layout(
    vectors: FloatMatrix,
    index: VectorIndex,
    config: LayoutConfig | None = None,
    progress: Progress | None = None,
) -> NDArray[np.float32]:
    """2-D coordinates of every row of `vectors`, neighbours close, the rest spread.

    Parameters
    ----------
    vectors
        The block vectors, row for row with `index`.
    index
        A FAISS index over `vectors`, used for the nearest-neighbour graph.
    config
        Neighbours, negative samples, epochs and seed.
    progress
        Called with (epochs done, epochs) as the layout goes; an exception it raises
        stops the layout (a newer index version made it useless).

    Returns
    -------
    numpy.ndarray
        An (n, 2) float32 array; the same input always gives the same layout.
    """
    config = config or LayoutConfig()
    n = len(vectors)
    if n < 3:
        return np.zeros((n, 2), np.float32)
    heads, tails, weight = neighbour_graph(vectors, index, min(config.neighbours, n - 1))
    position = _initial(vectors, config.seed)
    rng = np.random.default_rng(config.seed)
    degree = np.bincount(heads, weights=weight, minlength=n) + np.bincount(
        tails, weights=weight, minlength=n
    )
    # Each track moves by the mean of its edges' pulls, not their sum: a full-batch sum
    # would let a hub with dozens of edges jump across the map in one step.
    scale = (1.0 / np.maximum(degree, 1e-6)).astype(np.float32)
    edge_weight = np.concatenate([weight, weight])[:, None]
    push_weight = np.repeat(edge_weight, config.negatives, axis=0)
    epochs = config.epochs_for(n)
    both = np.concatenate([heads, tails])
    neighbour_of, width = _neighbour_table(n, heads, tails)
    for epoch in range(epochs):
        if progress is not None and epoch % PROGRESS_EVERY == 0:
            progress(epoch, epochs)
        rate = 1.0 - epoch / epochs
        delta = position[heads] - position[tails]
        squared = np.einsum("ij,ij->i", delta, delta)
        powered = np.power(squared + np.float32(1e-12), np.float32(_B - 1.0))
        pull = np.float32(-2.0 * _A * _B) * powered / (1.0 + np.float32(_A) * powered * squared)
        move = np.clip(pull[:, None] * delta, -_CLIP, _CLIP)
        total = _accumulate(n, both, np.concatenate([move, -move]) * edge_weight)
        # Repulsion from random tracks, sampled per edge end as UMAP does.
        pushed = np.repeat(both, config.negatives)
        others = rng.integers(0, n, size=len(pushed))
        local = rng.random(len(pushed)) < _LOCAL_SHARE
        hop = np.repeat(np.concatenate([tails, heads]), config.negatives)[local]
        others[local] = neighbour_of[hop, rng.integers(0, width, size=int(local.sum()))]
        away = position[pushed] - position[others]
        squared = np.einsum("ij,ij->i", away, away)
        push = np.float32(2.0 * _B) / (
            (np.float32(0.001) + squared)
            * (1.0 + np.float32(_A) * np.power(squared, np.float32(_B)))
        )
        push[others == pushed] = 0.0
        total += _accumulate(n, pushed, np.clip(push[:, None] * away, -_CLIP, _CLIP) * push_weight)
        position += np.float32(rate) * total * scale[:, None]
    if progress is not None:
        progress(epochs, epochs)
    return position.astype(np.float32)


def place_new(
    layout_so_far: NDArray[np.float32], vectors: FloatMatrix, k: int = 5
) -> NDArray[np.float32]:
    """Coordinates for rows added after `layout_so_far` was computed.

    Each new track goes to the mean position of its `k` most similar already placed
    tracks, so tracks analysed since the last index build appear where they belong
    without recomputing the whole layout.
    """
    missing = np.full((len(vectors) - len(layout_so_far), 2), np.nan, np.float32)
    return place_missing(np.vstack([layout_so_far, missing]), vectors, k)


def place_missing(
    coordinates: NDArray[np.float32], vectors: FloatMatrix, k: int = 5
) -> NDArray[np.float32]:
    """`coordinates` with every NaN row placed at the mean of its `k` most similar placed rows.

    This is how an earlier version's layout serves a newer index while the newer one's
    own layout is computed: the tracks both share keep their places, the rest join
    their nearest neighbours. With nothing placed yet everything goes to the origin.
    """
    coordinates = np.asarray(coordinates, np.float32)
    missing = np.flatnonzero(np.isnan(coordinates).any(axis=1))
    if not len(missing):
        return coordinates
    placed = np.flatnonzero(~np.isnan(coordinates).any(axis=1))
    out = coordinates.copy()
    if not len(placed):
        out[missing] = 0.0
        return out
    k = min(k, len(placed))
    # In blocks, so that 50,000 new rows against 50,000 placed never hold a 10 GB matrix.
    for start in range(0, len(missing), 2048):
        rows = missing[start : start + 2048]
        similarity = vectors[rows] @ vectors[placed].T
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        out[rows] = coordinates[placed[nearest]].mean(axis=1)
    return out
