"""Flow ordering: put a list of tracks in the order that plays best, like a DJ would.

A transition costs:
- a tempo jump, as the log ratio of the BPMs, with half and double tempo allowed;
- a harmonic clash, on the Camelot wheel (same key, a step round it, or the relative
  major/minor mix well);
- a change of sound, as the distance between the human descriptors.

An optional arc (energy, tempo or brightness rising, falling or peaking) adds the
distance of each track from where the curve wants it. The order is built greedily from
the best start, then improved by 2-opt moves until none helps.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from resonance.recommend.journey_words import CHANGE_WORDS, JourneyError
from resonance.recommend.recommender import Recommender, UnknownSeedsError
from resonance.vectors import Catalogue

OrderError = JourneyError

MIN_TRACKS = 2
MAX_TRACKS = 1000
Shape = Literal["rising", "falling", "peak"]
ARC_DESCRIPTORS = ("energy", "tempo_bpm", "brightness")
# A key clash costs as much as a tempo jump of 13 % (0.18 in log2 units). At 0.5 it was
# worth a 41 % jump: on random 100-track lists (uniform keys and tempi) 94 % of the steps
# were key-compatible but only 68 % within 8 % tempo; at 0.18, 72 % and 81 %
# (bench/journeys.py, and the demo playlists 90 % and 96 %).
TEMPO_WEIGHT, KEY_WEIGHT, SOUND_WEIGHT, ARC_WEIGHT = 1.0, 0.18, 1.0, 1.0
ARC_REACH = 12


@dataclass(frozen=True, slots=True)
class Arc:
    descriptor: str
    shape: Shape

    def curve(self, n: int) -> NDArray[np.float64]:
        x = np.linspace(0.0, 1.0, n)
        if self.shape == "rising":
            return x
        if self.shape == "falling":
            return 1.0 - x
        return 1.0 - np.abs(2.0 * x - 1.0)


@dataclass(frozen=True, slots=True)
class FlowOrder:
    track_ids: list[int]
    transition_costs: list[float]
    total: float
    original_total: float


def camelot(key: float, mode: float) -> tuple[int, bool] | None:
    """(wheel number 1–12, major) for a pitch class and mode; None when unknown."""
    if not (math.isfinite(key) and math.isfinite(mode)):
        return None
    major = mode >= 0.5
    # C major is 8B and A minor (its relative) 8A; each fifth up is one step round.
    relative_major = int(key) % 12 if major else (int(key) + 3) % 12
    number = (8 + 7 * relative_major) % 12
    return (number or 12), major


def key_cost(a: tuple[int, bool] | None, b: tuple[int, bool] | None) -> float:
    """0 for the same key, its neighbours round the wheel, or its relative; 1 otherwise."""
    if a is None or b is None:
        return 0.5
    steps = min((a[0] - b[0]) % 12, (b[0] - a[0]) % 12)
    if a[1] == b[1]:
        return 0.0 if steps <= 1 else 1.0
    return 0.0 if steps == 0 else 1.0


def tempo_cost(a: float, b: float) -> float:
    """|log2| of the BPM ratio, the nearest of 1, 2 and ½ (half/double time mixes)."""
    if not (math.isfinite(a) and math.isfinite(b)) or a <= 0 or b <= 0:
        return 0.25
    ratio = math.log2(b / a)
    return min(abs(ratio), abs(ratio - 1), abs(ratio + 1))


def _column(catalogue: Catalogue, name: str, rows: NDArray[np.int64]) -> NDArray[np.float64]:
    values = catalogue.descriptors.get(name)
    if values is None:
        return np.full(len(rows), np.nan)
    return np.asarray(values[rows], dtype=np.float64)


def _cost_matrix(catalogue: Catalogue, rows: NDArray[np.int64]) -> NDArray[np.float64]:
    """Every pair's transition cost; `tempo_cost` and `key_cost` over whole arrays at once
    (a Python loop over pairs took 0.9 s for 1,000 tracks)."""
    tempo = _column(catalogue, "tempo_bpm", rows)
    sound = np.stack([_column(catalogue, name, rows) for name in CHANGE_WORDS], axis=1)
    sound = np.nan_to_num(sound, nan=0.5)
    cost: NDArray[np.float64] = SOUND_WEIGHT * np.linalg.norm(
        sound[:, None, :] - sound[None, :, :], axis=2
    )
    known = np.isfinite(tempo) & (tempo > 0)
    safe = np.where(known, tempo, 1.0)
    ratio = np.log2(safe[None, :] / safe[:, None])
    tempo_part = np.minimum(np.abs(ratio), np.minimum(np.abs(ratio - 1), np.abs(ratio + 1)))
    tempo_part = np.where(known[:, None] & known[None, :], tempo_part, 0.25)
    wheel = [
        camelot(k, m)
        for k, m in zip(
            _column(catalogue, "key", rows), _column(catalogue, "mode", rows), strict=True
        )
    ]
    has_key = np.asarray([w is not None for w in wheel])
    number = np.asarray([w[0] if w else 0 for w in wheel])
    major = np.asarray([w[1] if w else False for w in wheel])
    apart = np.abs(number[:, None] - number[None, :]) % 12
    apart = np.minimum(apart, 12 - apart)
    same_mode = major[:, None] == major[None, :]
    clash = np.where(same_mode, apart > 1, apart != 0).astype(np.float64)
    key_part = np.where(has_key[:, None] & has_key[None, :], clash, 0.5)
    both = TEMPO_WEIGHT * tempo_part + KEY_WEIGHT * key_part
    np.fill_diagonal(both, 0.0)
    return cost + both


def _arc_cost(
    catalogue: Catalogue, rows: NDArray[np.int64], arc: Arc | None
) -> NDArray[np.float64]:
    """Cost of each track (row) at each position of the curve."""
    n = len(rows)
    if arc is None:
        return np.zeros((n, n))
    raw = _column(catalogue, arc.descriptor, rows)
    known = raw[np.isfinite(raw)]
    values = np.where(np.isfinite(raw), raw, float(known.mean()) if len(known) else 0.5)
    low, high = float(values.min()), float(values.max())
    scaled = (values - low) / (high - low) if high > low else np.full(n, 0.5)
    return ARC_WEIGHT * np.abs(scaled[:, None] - arc.curve(n)[None, :])


def _total(order: list[int], cost: NDArray[np.float64], arc: NDArray[np.float64]) -> float:
    steps = sum(cost[a, b] for a, b in itertools.pairwise(order))
    return float(steps + sum(arc[t, i] for i, t in enumerate(order)))


def _greedy(cost: NDArray[np.float64], arc: NDArray[np.float64], start: int) -> list[int]:
    order, left = [start], set(range(len(cost))) - {start}
    while left:
        here, position = order[-1], len(order)
        best = min(left, key=lambda j: cost[here, j] + arc[j, position])
        order.append(best)
        left.remove(best)
    return order


def _two_opt(order: list[int], cost: NDArray[np.float64], arc: NDArray[np.float64]) -> list[int]:
    """Reverse any stretch whose reversal lowers the total, until none does.

    Transition costs are symmetric, so reversing order[i..j] only changes its two edges
    and the arc cost of the positions inside it.
    """
    best = list(order)
    n = len(best)
    edges = cost.tolist()  # plain floats: this loop runs n² times per pass
    with_arc = bool(arc.any())
    # With an arc, each move also re-prices the positions it reverses; short stretches
    # keep that affordable (100 tracks: 1.4 s with any length, tens of ms with 12).
    reach = ARC_REACH if with_arc else n
    improved = True
    while improved:
        improved = False
        for i in range(0, n - 1):
            for j in range(i + 1, min(n, i + reach + 1)):
                delta = 0.0
                if i > 0:
                    delta += edges[best[i - 1]][best[j]] - edges[best[i - 1]][best[i]]
                if j < n - 1:
                    delta += edges[best[i]][best[j + 1]] - edges[best[j]][best[j + 1]]
                if with_arc:
                    inner = np.asarray(best[i : j + 1])
                    positions = np.arange(i, j + 1)
                    delta += float(arc[inner[::-1], positions].sum() - arc[inner, positions].sum())
                if delta < -1e-9:
                    best[i : j + 1] = best[i : j + 1][::-1]
                    improved = True
    return best


def flow_order(model: Recommender, track_ids: list[int], arc: Arc | None = None) -> FlowOrder:
    """Re-order `track_ids` for smooth transitions (and an arc, if given).

    Parameters
    ----------
    model
        The fitted recommender, whose catalogue holds the descriptors.
    track_ids
        2 to `MAX_TRACKS` distinct Resonance track ids.
    arc
        Optional curve for a descriptor over the list.

    Returns
    -------
    FlowOrder
        The new order, the cost of each transition, and the total against the original's.
    """
    unique = list(dict.fromkeys(track_ids))
    if not MIN_TRACKS <= len(unique) <= MAX_TRACKS:
        raise OrderError(f"give between {MIN_TRACKS} and {MAX_TRACKS} different tracks to order")
    if arc is not None and arc.descriptor not in ARC_DESCRIPTORS:
        raise OrderError(f"an arc follows one of {', '.join(ARC_DESCRIPTORS)}")
    missing = [t for t in unique if not model.has_track(t)]
    if missing:
        raise UnknownSeedsError(missing, [])
    rows = np.asarray([model.row_of(t) for t in unique], np.int64)
    cost = _cost_matrix(model.catalogue, rows)
    arc_cost = _arc_cost(model.catalogue, rows, arc)
    starts = range(len(unique)) if len(unique) <= 60 else [int(np.argmin(arc_cost[:, 0]))]
    order = min(
        (_greedy(cost, arc_cost, s) for s in starts), key=lambda o: _total(o, cost, arc_cost)
    )
    if len(unique) <= 150:
        order = _two_opt(order, cost, arc_cost)
    original = list(range(len(unique)))
    return FlowOrder(
        track_ids=[unique[i] for i in order],
        transition_costs=[float(cost[a, b]) for a, b in itertools.pairwise(order)],
        total=_total(order, cost, arc_cost),
        original_total=_total(original, cost, arc_cost),
    )
