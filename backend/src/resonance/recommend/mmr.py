"""Maximal marginal relevance with per-artist and per-album caps."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    picks = _mmr(model, scored, head, lam, artist_cap, album_cap) if head else []
    if len(picks) < n:
        picks += _by_score(model, scored, n, picks, artist_cap, album_cap)
    return picks


def _mmr(
    model: Recommender,
    scored: Scored,
    n: int,
    lam: float,
    artist_cap: int | None,
    album_cap: int | None,
) -> list[tuple[int, str | None]]:
    pool = min(len(scored.rows), max(5 * n, 100))
    rows = scored.rows[:pool]
    # (1 − λ)·relevance, −inf once a track is taken or its artist/album is at its cap:
    # each step is then one matrix-vector product and four in-place array operations.
    base = (1 - lam) * _unit_range(scored.total[:pool])
    vectors = model.vectors.vectors[rows]
    artists = model.catalogue.artist_ids[rows]
    albums = model.catalogue.album_ids[rows]
    artist_count: dict[int, int] = {}
    album_count: dict[int, int] = {}
    # Max similarity to earlier picks; 0 before the first pick.
    penalty = np.zeros(pool)
    scaled = np.empty(pool)
    objective = np.empty(pool)
    # Taken, or by an artist/album at its cap: grown as picks fill the caps.
    blocked = np.zeros(pool, bool)
    picks: list[tuple[int, str | None]] = []
    first = 0  # the best unblocked track by score

    while len(picks) < n:
        while first < pool and blocked[first]:
            first += 1
        if first >= pool:
            break
        # Redundancy rescaled to [0, 1] over the tracks still open (see `diversify`).
        open_penalty = penalty[~blocked]
        low, spread = float(open_penalty.min()), float(np.ptp(open_penalty))
        np.subtract(penalty, low, out=scaled)
        np.multiply(scaled, lam / spread if spread > 1e-12 else 0.0, out=scaled)
        np.subtract(base, scaled, out=objective)
        pick = int(objective.argmax())  # first max = higher score (rows are sorted by score)
        note = None
        if lam > 0 and pick != first:
            skipped = int(pick - first - blocked[first:pick].sum())
            mine, theirs = round(penalty[pick] * 100), round(penalty[first] * 100)
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
        base[pick] = -np.inf
        _block_at_cap(blocked, base, artists, artist_count, int(artists[pick]), artist_cap)
        _block_at_cap(blocked, base, albums, album_count, int(albums[pick]), album_cap)
        sims = vectors @ vectors[pick]
        if len(picks) == 1:
            penalty[:] = sims
        else:
            np.maximum(penalty, sims, out=penalty)
    return picks


def _by_score(
    model: Recommender,
    scored: Scored,
    n: int,
    picks: list[tuple[int, str | None]],
    artist_cap: int | None,
    album_cap: int | None,
) -> list[tuple[int, str | None]]:
    """The rest of the list by score under the caps; if the caps leave too few tracks,
    the best remaining ones over the caps, each saying so."""
    taken = {i for i, _ in picks}
    need = n - len(picks)
    # Most lists never reach a cap after MMR's head: then the rest is simply the next
    # `need` tracks by score, found without a Python loop over the candidates.
    head = np.ones(min(len(scored.rows), need + len(taken)), bool)
    head[[i for i in taken if i < len(head)]] = False
    following = np.flatnonzero(head)[:need]
    counted = np.concatenate([np.fromiter(taken, np.int64, len(taken)), following])
    catalogue = model.catalogue
    if _within_cap(catalogue.artist_ids[scored.rows[counted]], artist_cap) and _within_cap(
        catalogue.album_ids[scored.rows[counted]], album_cap
    ):
        return [(i, None) for i in following.tolist()]
    artists = model.catalogue.artist_ids[scored.rows].tolist()
    albums = model.catalogue.album_ids[scored.rows].tolist()
    artist_count: dict[int, int] = {}
    album_count: dict[int, int] = {}
    for i in taken:
        artist_count[artists[i]] = artist_count.get(artists[i], 0) + 1
        album_count[albums[i]] = album_count.get(albums[i], 0) + 1
    out: list[tuple[int, str | None]] = []
    over: list[int] = []
    for i in range(len(scored.rows)):
        if len(out) >= need:
            break
        if i in taken:
            continue
        artist, album = artists[i], albums[i]
        if (
            artist_cap is not None and artist >= 0 and artist_count.get(artist, 0) >= artist_cap
        ) or (album_cap is not None and album >= 0 and album_count.get(album, 0) >= album_cap):
            if len(over) < need:
                over.append(i)
            continue
        artist_count[artist] = artist_count.get(artist, 0) + 1
        album_count[album] = album_count.get(album, 0) + 1
        out.append((i, None))
    for i in over[: need - len(out)]:
        out.append((i, OVER_CAP))
    return out


def _within_cap(ids: np.ndarray, cap: int | None) -> bool:
    """Whether no known id occurs more than `cap` times (so none would be held back)."""
    if cap is None:
        return True
    known = ids[ids >= 0]
    return not len(known) or int(np.unique(known, return_counts=True)[1].max()) <= cap


def _unit_range(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high - low <= 1e-12:
        return np.ones_like(values)
    return (values - low) / (high - low)


def _block_at_cap(
    blocked: np.ndarray,
    base: np.ndarray,
    ids: np.ndarray,
    counts: dict[int, int],
    key: int,
    cap: int | None,
) -> None:
    if key < 0:  # unknown artist/album: never capped
        return
    counts[key] = counts.get(key, 0) + 1
    if cap is not None and counts[key] >= cap:
        at_cap = ids == key
        blocked |= at_cap
        base[at_cap] = -np.inf
