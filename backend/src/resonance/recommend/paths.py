"""Song paths: from track A to track B in small, even, explained steps.

The path is the cheapest chain of exactly `steps` tracks through a corridor of the
catalogue, where a move costs its distance squared: the same ground covered in two
half-length moves costs half as much as in one long move, so the chain spreads its
steps evenly by construction. The corridor is the union of the index's nearest tracks
to points spaced along the way from A to B (the vectors interpolated block by block),
and an exact pass over hop counts (one layer per step, every corridor track in each
layer) finds the cheapest chain. A move that does not get closer to B, the same artist
twice in a row, or a track twice, is ruled out.

Catalogues are clusters with empty space between them, so some pairs cannot be joined
in even steps: one move must cross a gap. When no track lies halfway between the two
ends of the longest move, that move is marked as a long jump and its sentence says so.
bench/journeys.py measures evenness, smoothness against a straight greedy walk and a
random path with the same ends, and latency.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from resonance.recommend.journey_words import JourneyError, step_sentence
from resonance.recommend.recommender import Recommender, UnknownSeedsError
from resonance.vectors import FloatMatrix, IntArray

PathError = JourneyError

MAX_STEPS = 100
# Corridor: points along A → B, and the nearest tracks to each. Two points per step and
# 40 tracks each gave 500–700 distinct tracks for 12 steps at 100k; doubling the tracks
# per point changed the chosen path in 1 of 20 pairs (bench/journeys.py).
POINTS_PER_STEP = 2
CORRIDOR_PER_POINT = 40
# A move costs distance ** STEP_POWER, distance being 1 − similarity: above 1, one long
# move costs more than two short ones covering the same ground. bench/journeys.py
# --path-powers compares 1, 2 and 3.
STEP_POWER = 2.0
# A move that does not bring the path closer to B costs this much more: any such move
# costs more than every even path (moves cost at most 1 each).
BACKTRACK_PENALTY = 50.0
# The evenness the path aims for: its longest move at most this many times its mean.
EVEN_RATIO = 1.5
# A track "lies between" the two ends of a move when it is at most this fraction of the
# move's distance from each end (at the midpoint, distance is a quarter of the move's,
# since 1 − similarity is half the squared Euclidean distance).
BETWEEN = 0.5
BETWEEN_SEARCH = 50
# Only a move this long can be a long jump (similarity under 0.9): in the demo world,
# moves inside one genre's cluster are 0.004–0.04 long with nothing halfway either, but
# no listener would call them jumps.
JUMP_FLOOR = 0.1
# The second pass (`_evened`). On the demo world (bench/journeys.py, 20 pairs, seeds 7
# and 8) it took the share of paths whose ordinary moves are within 1.5 × their mean from
# 15–25 % to 60–80 % (75 % on seed 9), for a consecutive similarity of 0.874 instead of
# 0.881; at 100k (already 100 %) it changed nothing. A short-move penalty alone reached
# 50–65 %; penalties of 100 and 1,000 and bands of 0.8–0.9 to 1.2–1.3 were compared.
SHORT_MOVE, LONG_MOVE, EVEN_PENALTY = 0.8, 1.3, 100.0


@dataclass(frozen=True, slots=True)
class PathStep:
    track_id: int
    similarity_to_previous: float
    similarity_to_end: float
    sentence: str
    # True when this move crosses a gap: no track lies halfway between it and the previous.
    long_jump: bool = False


def _blend(model: Recommender, a: int, b: int, alphas: np.ndarray) -> FloatMatrix:
    """Points from row `a` (alpha 0) to row `b` (alpha 1), each block turned along the
    great circle between the two (spherical interpolation) and scaled by √weight.

    Equal alphas are equal angles, so the points are evenly spaced even between tracks
    far apart, where a straight blend renormalised crowds its points near the ends (on
    a half circle of tracks, moves of 0.006 to 0.15 against 0.034 to 0.036 turned).
    """
    vectors = model.vectors.vectors
    first, last = vectors[a].astype(np.float64), vectors[b].astype(np.float64)
    points = np.zeros((len(alphas), len(first)))
    for block in model.vectors.layout:
        x, y = first[block.start : block.stop], last[block.start : block.stop]
        nx, ny = np.linalg.norm(x), np.linalg.norm(y)
        if nx == 0 or ny == 0:  # one end lacks the block: the other's direction throughout
            part = np.tile(x + y, (len(alphas), 1))
        else:
            x, y = x / nx, y / ny
            angle = float(np.arccos(np.clip(x @ y, -1.0, 1.0)))
            if angle < 1e-6 or angle > np.pi - 1e-6:
                part = (1 - alphas[:, None]) * x[None, :] + alphas[:, None] * y[None, :]
            else:
                part = (
                    np.sin((1 - alphas) * angle)[:, None] * x[None, :]
                    + np.sin(alphas * angle)[:, None] * y[None, :]
                ) / np.sin(angle)
        norm = np.linalg.norm(part, axis=1, keepdims=True)
        scaled = part / np.where(norm > 0, norm, 1.0) * np.sqrt(block.weight)
        points[:, block.start : block.stop] = np.where(norm > 0, scaled, 0.0)
    return points.astype(np.float32)


def _corridor(model: Recommender, start: int, end: int, steps: int) -> IntArray:
    """Rows of the corridor: A first, B last, the tracks near the way between in the middle."""
    n_points = max(POINTS_PER_STEP * (steps - 1), 2)
    points = _blend(model, start, end, np.linspace(0.0, 1.0, n_points + 1))
    _, found = model.index.search(points, CORRIDOR_PER_POINT)
    middle = np.unique(found[found >= 0])
    middle = middle[(middle != start) & (middle != end)]
    return np.concatenate([[start], middle, [end]]).astype(np.int64)


def _move_costs(
    model: Recommender, nodes: IntArray
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(the cost of each move between corridor nodes, forbidden moves inf; its distance)."""
    vectors = model.vectors.vectors[nodes]
    distance = np.clip(1.0 - vectors @ vectors.T, 0.0, 2.0).astype(np.float64)
    cost: NDArray[np.float64] = distance**STEP_POWER
    to_end = vectors @ vectors[-1]
    cost += BACKTRACK_PENALTY * (to_end[None, :] <= to_end[:, None])
    artists = model.catalogue.artist_ids[nodes]
    cost[(artists[:, None] == artists[None, :]) & (artists[:, None] >= 0)] = np.inf
    np.fill_diagonal(cost, np.inf)
    return cost, distance


def _cheapest_chain(cost: np.ndarray, hops: int) -> list[int]:
    """Node indices of the cheapest chain of exactly `hops` moves from node 0 to the last
    node, through middle nodes only; each layer is one (n × n) min over the previous."""
    n = len(cost)
    middle = cost[:, 1:-1]
    best = np.full(n, np.inf)
    best[0] = 0.0
    back: list[np.ndarray] = []
    for _ in range(hops - 1):
        total = best[:, None] + middle
        came_from = np.argmin(total, axis=0)
        best = np.full(n, np.inf)
        best[1:-1] = total[came_from, np.arange(n - 2)]
        back.append(np.concatenate([[0], came_from, [0]]))
    last = int(np.argmin(best + cost[:, -1]))
    if not np.isfinite(best[last] + cost[last, -1]):
        raise PathError("no path keeps different artists on consecutive steps here")
    chain = [n - 1, last]
    for came_from in reversed(back[1:]):
        chain.append(int(came_from[chain[-1]]))
    chain.append(0)
    return chain[::-1]


def _evened(
    chain: list[int], cost: NDArray[np.float64], distance: NDArray[np.float64]
) -> list[int]:
    """The chain again, with its ordinary moves held near their mean.

    Squared costs barely tell a 0.005 move from a 0.03 one, so inside a cluster of
    near-identical tracks the first chain may mark time on one and stride on the next.
    Taking the mean m of the chain's moves under `JUMP_FLOOR`, a move shorter than
    `SHORT_MOVE` × m, or longer than `LONG_MOVE` × m but under the floor, now costs
    `EVEN_PENALTY` × its distance outside that band, squared.
    """
    moves = distance[chain[:-1], chain[1:]]
    ordinary = moves[moves < JUMP_FLOOR]
    if not len(ordinary):
        return chain
    mean = float(ordinary.mean())
    outside = np.clip(SHORT_MOVE * mean - distance, 0.0, None) ** 2
    too_long = (distance > LONG_MOVE * mean) & (distance < JUMP_FLOOR)
    outside += too_long * (distance - LONG_MOVE * mean) ** 2
    return _cheapest_chain(cost + EVEN_PENALTY * outside, len(chain) - 1)


def _long_jumps(model: Recommender, rows: list[int], distance: list[float]) -> set[int]:
    """Indices i of the moves rows[i-1] → rows[i] that cross a gap: longest first, each
    longer than `JUMP_FLOOR` and than `EVEN_RATIO` × the mean of the moves not yet found
    to be jumps, with no track halfway between its ends."""
    vectors = model.vectors.vectors
    longest = [int(i) for i in np.argsort(distance)[::-1] if distance[i] >= JUMP_FLOOR]
    if not longest:
        return set()
    # One search for every midpoint: a flat search reads the whole index once per call,
    # whatever the number of queries.
    mids = np.concatenate([_blend(model, rows[i], rows[i + 1], np.asarray([0.5])) for i in longest])
    _, found = model.index.search(mids, BETWEEN_SEARCH)
    jumps: set[int] = set()
    for i, near in zip(longest, found, strict=True):
        others = [d for j, d in enumerate(distance) if j != i and j not in jumps]
        if not others or distance[i] <= EVEN_RATIO * float(np.mean(others)):
            break
        x, y = rows[i], rows[i + 1]
        near = near[(near >= 0) & (near != x) & (near != y)]
        reach = np.maximum(1.0 - vectors[near] @ vectors[x], 1.0 - vectors[near] @ vectors[y])
        if not len(near) or float(reach.min()) > BETWEEN * distance[i]:
            jumps.add(i)
    return {i + 1 for i in jumps}


def song_path(
    model: Recommender, from_track: int, to_track: int, steps: int = 12
) -> list[PathStep]:
    """A path of `steps` tracks from `from_track` to `to_track`, both included.

    Parameters
    ----------
    model
        The fitted recommender.
    from_track, to_track
        Resonance track ids of A and B; both must have vectors and differ.
    steps
        Tracks in the path, A and B included: 3 to `MAX_STEPS`.

    Returns
    -------
    list of PathStep
        In order, each with its similarity to the step before and to B, a sentence, and
        whether it is a long jump over a gap in the catalogue.
    """
    if from_track == to_track:
        raise PathError("A and B are the same track: pick two different ones")
    if not 3 <= steps <= MAX_STEPS:
        raise PathError(f"steps must be between 3 and {MAX_STEPS} (A and B included)")
    missing = [t for t in (from_track, to_track) if not model.has_track(t)]
    if missing:
        raise UnknownSeedsError(missing, [])
    no_vector = [t for t in (from_track, to_track) if not model.has_vector(t)]
    if no_vector:
        raise PathError(f"nothing is known yet about track(s) {no_vector} to place them")
    start, end = model.row_of(from_track), model.row_of(to_track)
    nodes = _corridor(model, start, end, steps)
    if len(nodes) < steps:
        raise PathError("the catalogue is too small for a path this long")
    cost, distance = _move_costs(model, nodes)
    chain = _evened(_cheapest_chain(cost, steps - 1), cost, distance)
    # A chain only revisits a track through moves away from B, which it takes only when
    # the corridor has no other way: then the repeat keeps its first place.
    rows = list(dict.fromkeys(int(nodes[i]) for i in chain))
    vectors = model.vectors.vectors
    moves = [float(1.0 - vectors[a] @ vectors[b]) for a, b in itertools.pairwise(rows)]
    jumps = _long_jumps(model, rows, moves)
    out = []
    for i, row in enumerate(rows):
        previous = rows[i - 1] if i else row
        out.append(
            PathStep(
                track_id=int(model.catalogue.track_ids[row]),
                similarity_to_previous=float(vectors[previous] @ vectors[row]) if i else 1.0,
                similarity_to_end=float(vectors[row] @ vectors[end]),
                sentence=step_sentence(
                    model.catalogue, previous, row, i, len(rows), long_jump=i in jumps
                ),
                long_jump=i in jumps,
            )
        )
    return out
