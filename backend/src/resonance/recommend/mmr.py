"""Maximal marginal relevance with per-artist and per-album caps.

The two loops here, MMR's greedy steps and the fill by score under the caps, are
compiled with numba (`compiled`): each step depends on the one before, so neither is
one array operation. As about ten NumPy calls per step, MMR's 100-pick head cost 1.8 ms
(half a query, more than item-kNN's whole answer); compiled, 0.23 ms (both under load
average 14).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from resonance.recommend.options import RecommendOptions, resolve_cap

if TYPE_CHECKING:
    from resonance.recommend.recommender import Recommender
    from resonance.recommend.scoring import Scored


# MMR re-ranks the head of a list — the part anyone looks at (the API returns at most
# 100) — and the tail follows by score under the caps: a 500-long list re-ranked in full
# would cost five times as much for positions nobody reads.
MMR_HEAD = 100
OVER_CAP = (
    "Over the per-artist/album cap: too few other tracks are related to your seeds"
    " to fill the list without it"
)


def diversify(
    model: Recommender, scored: Scored, n: int, options: RecommendOptions
) -> list[tuple[int, str | None]]:
    """Pick n of the scored candidates (indices into `scored`), with a note when variety
    rather than score decided a pick.

    Each step takes argmax (1 − λ)·relevance − λ·redundancy. Relevance is the score
    rescaled to [0, 1] over the pool: scores range from hundredths (content only) to about
    3 (strong playlist evidence), and without the rescaling the same λ would mean "ignore
    relevance" for one request and "ignore variety" for another. Redundancy is the max
    similarity to earlier picks (inner product of full vectors: the same weighted block
    cosines), rescaled to [0, 1] over the tracks still open, for the same reason: raw, it
    spans a few hundredths among tracks near one query, so λ = 0.5 changed about 4 of 20
    tracks and only λ ≥ 0.8 changed half; rescaled, the change grows about evenly with λ
    (1, 3, 9–10, 12–14 and 14–16 of 20 at λ = 0.1, 0.25, 0.5, 0.75 and 1 on two synthetic
    catalogues, bench/controls.py).
    MMR picks the first `MMR_HEAD`; the rest follow by score under the caps.
    """
    lam = options.diversity
    artist_cap = resolve_cap(options.max_per_artist, n)
    album_cap = resolve_cap(options.max_per_album, n)
    head = min(n, MMR_HEAD) if lam > 0 else 0
    codes, caps = _cap_groups(model, scored.rows, artist_cap, album_cap)
    picks = _mmr(model, scored, head, lam, codes, caps) if head else []
    if len(picks) < n:
        picks += _by_score(scored, n, picks, codes, caps)
    return picks


def _mmr(
    model: Recommender,
    scored: Scored,
    n: int,
    lam: float,
    codes: np.ndarray,
    caps: np.ndarray,
) -> list[tuple[int, str | None]]:
    pool = min(len(scored.rows), max(5 * n, 100))
    picks, firsts, mine, theirs, skipped = compiled(_mmr_steps)(
        (1 - lam) * _unit_range(scored.total[:pool]),
        _pool_vectors(model, scored.rows[:pool]),
        np.ascontiguousarray(codes[:, :pool]),
        caps,
        float(lam),
        n,
    )
    out: list[tuple[int, str | None]] = []
    for pick, first, p_mine, p_theirs, skip in zip(
        picks.tolist(),
        firsts.tolist(),
        mine.tolist(),
        theirs.tolist(),
        skipped.tolist(),
        strict=True,
    ):
        if pick < 0:
            break
        out.append((pick, None if pick == first else _variety_note(p_mine, p_theirs, skip)))
    return out


def _pool_vectors(model: Recommender, rows: np.ndarray) -> np.ndarray:
    """The pool's vectors in the blocks some of them have: a missing block is zeros and
    adds nothing to a product. On a playlist-only catalogue that is 64 of 130 columns,
    and half the MMR loop's time (0.45 → 0.25 ms for a 100-pick head)."""
    vs = model.vectors
    present = vs.masks[rows].any(axis=0)
    columns = [
        np.arange(block.start, block.stop)
        for have, block in zip(present.tolist(), vs.layout, strict=True)
        if have and block.weight > 0
    ]
    if not columns:
        return np.zeros((len(rows), 1), np.float32)
    return np.ascontiguousarray(vs.vectors[rows][:, np.concatenate(columns)], np.float32)


def _cap_groups(
    model: Recommender, rows: np.ndarray, artist_cap: int | None, album_cap: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """The compiled loops' view of the caps: per row, dense codes 0… of its artist (row 0)
    and album (row 1), −1 where unknown (never capped); and the two caps, a count no
    list of these rows reaches where there is none."""
    codes = np.empty((2, len(rows)), np.int64)
    for kind, ids in enumerate((model.catalogue.artist_ids[rows], model.catalogue.album_ids[rows])):
        if not len(ids) or ids.max() < 0:  # none known (no album data, say)
            codes[kind] = -1
            continue
        _, dense = np.unique(ids, return_inverse=True)
        codes[kind] = np.where(ids >= 0, dense, -1)
    never = len(rows) + 1
    return codes, np.asarray([never if c is None else c for c in (artist_cap, album_cap)], np.int64)


def _mmr_steps(
    base: np.ndarray,
    vectors: np.ndarray,
    codes: np.ndarray,
    caps: np.ndarray,
    lam: float,
    n: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Greedy MMR over a pool sorted by score (compiled by `compiled`).

    Each step takes argmax (1 − λ)·relevance − λ·redundancy (`base` is the first term).
    Redundancy is the max similarity to earlier picks (none before the first) rescaled
    to [0, 1] over the open tracks; its offset, the open minimum, is the same for every
    track and cannot move the argmax, so only the spread is applied. A pick at its
    artist's or album's cap (`caps`, by row of `codes`: artist, album) blocks the rest
    of them. Returns per step the pick (−1 once
    every track is blocked), the best open track by score at that step, both tracks'
    redundancy and how many open tracks the pick passed over, for the variety notes.
    """
    pool = base.shape[0]
    penalty = np.zeros(pool)
    blocked = np.zeros(pool, np.bool_)
    picks = np.full(n, -1, np.int64)
    firsts = np.zeros(n, np.int64)
    mine = np.zeros(n)
    theirs = np.zeros(n)
    skipped = np.zeros(n, np.int64)
    counts = np.zeros((2, codes.max() + 2), np.int64)
    first = 0  # the best open track by score
    for step in range(n):
        while first < pool and blocked[first]:
            first += 1
        if first >= pool:
            break
        low, high = np.inf, -np.inf
        for i in range(pool):
            if not blocked[i]:
                low = min(low, penalty[i])
                high = max(high, penalty[i])
        weight = -lam / (high - low) if high - low > 1e-12 else 0.0
        pick, best = first, -np.inf
        for i in range(pool):
            # Strictly greater: of equal objectives the first, the higher score, wins.
            if not blocked[i] and base[i] + weight * penalty[i] > best:
                pick, best = i, base[i] + weight * penalty[i]
        picks[step], firsts[step] = pick, first
        mine[step], theirs[step] = penalty[pick], penalty[first]
        for i in range(first, pick):
            skipped[step] += not blocked[i]
        blocked[pick] = True
        for kind in range(2):  # artist, album; code −1: unknown, never capped
            code = codes[kind, pick]
            if code >= 0:
                counts[kind, code] += 1
                if counts[kind, code] >= caps[kind]:
                    for i in range(pool):
                        blocked[i] |= codes[kind, i] == code
        sims = np.dot(vectors, vectors[pick])
        for i in range(pool):
            if step == 0 or sims[i] > penalty[i]:
                penalty[i] = sims[i]
    return picks, firsts, mine, theirs, skipped


def _fill_steps(
    codes: np.ndarray, caps: np.ndarray, taken: np.ndarray, need: int
) -> tuple[np.ndarray, np.ndarray]:
    """The next `need` tracks by score under the caps (compiled by `compiled`): indices
    not `taken` whose artist and album are below their caps, counting the taken ones
    and each accepted one; and, in score order, those the caps held back."""
    counts = np.zeros((2, codes.max() + 2), np.int64)
    for i in range(len(taken)):
        if taken[i]:
            for kind in range(2):
                if codes[kind, i] >= 0:
                    counts[kind, codes[kind, i]] += 1
    accepted = np.full(need, -1, np.int64)
    held = np.full(need, -1, np.int64)
    n_accepted = n_held = 0
    for i in range(len(taken)):
        if n_accepted >= need:
            break
        if taken[i]:
            continue
        capped = False
        for kind in range(2):
            code = codes[kind, i]
            capped |= code >= 0 and counts[kind, code] >= caps[kind]
        if capped:
            if n_held < need:
                held[n_held] = i
                n_held += 1
            continue
        for kind in range(2):
            if codes[kind, i] >= 0:
                counts[kind, codes[kind, i]] += 1
        accepted[n_accepted] = i
        n_accepted += 1
    return accepted[:n_accepted], held[:n_held]


_COMPILED: dict[str, Callable[..., Any]] = {}


def compiled(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` compiled by numba on first use: loaded from numba's on-disk cache when
    a process has compiled it before (about a second), else compiled (several seconds).
    `Recommender` calls `warm_up` when it loads a model, so no request waits for it."""
    name = function.__name__
    if name not in _COMPILED:
        from numba import njit

        try:
            _COMPILED[name] = njit(cache=True, nogil=True)(function)
        except RuntimeError:  # no writable cache location: compile for this process only
            _COMPILED[name] = njit(nogil=True)(function)
    return _COMPILED[name]


def warm_up() -> None:
    """Compile (or load) both loops now, with the argument types queries use."""
    codes, caps = np.zeros((2, 2), np.int64), np.ones(2, np.int64)
    compiled(_mmr_steps)(np.ones(2), np.ones((2, 1), np.float32), codes, caps, 0.5, 1)
    compiled(_fill_steps)(codes, caps, np.zeros(2, bool), 1)


def _variety_note(mine: float, theirs: float, skipped: int) -> str:
    """Why a pick came before the best open track by score, given their redundancy."""
    mine_pc, theirs_pc = round(mine * 100), round(theirs * 100)
    unlike = (
        f"{mine_pc}% like the tracks above it, where the next by score is {theirs_pc}%"
        if mine_pc != theirs_pc
        else "a little less like the tracks above it than the next by score"
    )
    return (
        f"Picked for variety over {skipped} higher-scoring track"
        f"{'s' if skipped != 1 else ''}: it is {unlike}."
    )


def _by_score(
    scored: Scored,
    n: int,
    picks: list[tuple[int, str | None]],
    codes: np.ndarray,
    caps: np.ndarray,
) -> list[tuple[int, str | None]]:
    """The rest of the list by score under the caps; if the caps leave too few tracks,
    the best remaining ones over the caps, each saying so."""
    need = n - len(picks)
    taken = np.zeros(len(scored.rows), bool)
    taken[[i for i, _ in picks]] = True
    accepted, held = compiled(_fill_steps)(codes, caps, taken, need)
    return [(i, None) for i in accepted.tolist()] + [
        (i, OVER_CAP) for i in held[: need - len(accepted)].tolist()
    ]


def _unit_range(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high - low <= 1e-12:
        return np.ones_like(values)
    return (values - low) / (high - low)
