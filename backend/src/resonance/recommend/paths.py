"""Song paths: from track A to track B in small, explained steps.

Each step aims at a point on the way from A to B (the vectors interpolated, block by
block, and renormalised), draws candidates near that point from the index, and a
Viterbi pass over the steps picks the sequence whose consecutive tracks are most alike
while each stays near its point and moves toward B. No artist plays twice in a row, and
no track twice.

Interpolation was chosen over a shortest path on the kNN graph because it spaces the
steps evenly by construction; bench/journeys.py measures the result against a straight
greedy walk and a random path with the same endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from resonance.recommend.journey_words import JourneyError, step_sentence
from resonance.recommend.recommender import Recommender, UnknownSeedsError
from resonance.vectors import FloatMatrix, IntArray

PathError = JourneyError

MAX_STEPS = 100
CANDIDATES_PER_STEP = 40
# How much staying near each step's point weighs against similarity to the previous step.
ON_COURSE_WEIGHT = 0.5
# A step that does not get closer to B costs this much extra.
BACKTRACK_PENALTY = 0.5


@dataclass(frozen=True, slots=True)
class PathStep:
    track_id: int
    similarity_to_previous: float
    similarity_to_end: float
    sentence: str


def _interpolate(model: Recommender, start: int, end: int, steps: int) -> FloatMatrix:
    """`steps + 1` points from A to B, each block a renormalised blend scaled by √w."""
    vectors = model.vectors.vectors
    a, b = vectors[start].astype(np.float64), vectors[end].astype(np.float64)
    points = np.zeros((steps + 1, vectors.shape[1]), np.float64)
    for i, alpha in enumerate(np.linspace(0.0, 1.0, steps + 1)):
        mixed = (1 - alpha) * a + alpha * b
        for block in model.vectors.layout:
            part = mixed[block.start : block.stop]
            norm = np.linalg.norm(part)
            if norm > 0:
                points[i, block.start : block.stop] = part / norm * np.sqrt(block.weight)
    return points.astype(np.float32)


def _choose(
    model: Recommender,
    pools: list[IntArray],
    points: FloatMatrix,
    start: int,
    end: int,
) -> list[int]:
    """Viterbi over the pools: best chain from A (row `start`) to B (row `end`)."""
    vectors = model.vectors.vectors
    artists = model.catalogue.artist_ids
    to_end = vectors @ vectors[end]
    layers = [np.asarray([start]), *pools, np.asarray([end])]
    cost = [np.zeros(1)]
    back: list[IntArray] = []
    for i in range(1, len(layers)):
        prev, cur = layers[i - 1], layers[i]
        # Squared, so that one long jump costs more than two half-length ones: even steps.
        transition = (1.0 - vectors[prev] @ vectors[cur].T) ** 2
        transition += ON_COURSE_WEIGHT * (1.0 - vectors[cur] @ points[i])[None, :]
        transition += BACKTRACK_PENALTY * (to_end[cur][None, :] <= to_end[prev][:, None])
        transition[artists[prev][:, None] == artists[cur][None, :]] = np.inf
        transition[prev[:, None] == cur[None, :]] = np.inf
        total = cost[-1][:, None] + transition
        back.append(np.argmin(total, axis=0))
        cost.append(total[back[-1], np.arange(len(cur))])
    if not np.isfinite(cost[-1][0]):
        raise PathError("no path keeps different artists on consecutive steps here")
    rows = [end]
    index = 0
    for i in range(len(layers) - 1, 0, -1):
        index = int(back[i - 1][index])
        rows.append(int(layers[i - 1][index]))
    return rows[::-1]


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
        In order, each with its similarity to the step before and to B, and a sentence.
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
    points = _interpolate(model, start, end, steps - 1)
    _, found = model.index.search(points[1:-1], CANDIDATES_PER_STEP + 2)
    pools = [row[(row >= 0) & (row != start) & (row != end)][:CANDIDATES_PER_STEP] for row in found]
    if any(len(pool) == 0 for pool in pools):
        raise PathError("the catalogue is too small for a path this long")
    rows = _dedupe(_choose(model, pools, points, start, end))
    vectors = model.vectors.vectors
    out = []
    for i, row in enumerate(rows):
        previous = rows[i - 1] if i else row
        out.append(
            PathStep(
                track_id=int(model.catalogue.track_ids[row]),
                similarity_to_previous=float(vectors[previous] @ vectors[row]) if i else 1.0,
                similarity_to_end=float(vectors[row] @ vectors[end]),
                sentence=step_sentence(model.catalogue, previous, row, i, len(rows)),
            )
        )
    return out


def _dedupe(rows: list[int]) -> list[int]:
    """A track the Viterbi pass used twice (non-adjacent) keeps its first place only."""
    return list(dict.fromkeys(rows))
