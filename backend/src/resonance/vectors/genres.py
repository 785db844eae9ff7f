"""A genre space where related genres are close.

Two signals, concatenated and re-normalised:

* co-occurrence: genres that share artists or playlists (PPMI + SVD), which
  learns "deep house" ~ "house" from the data itself;
* words: a deterministic hashed bag of the words in a genre's name, so that
  "indie folk" is near "folk" even before any data says so, and "techno"
  shares nothing with either.

Nothing is downloaded; the space is rebuilt with every index build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from resonance.vectors.snapshot import FloatMatrix

WORD_DIM = 32
COOC_DIM = 32
_SPLIT = str.maketrans({"-": " ", "&": " ", "/": " ", "'": ""})


def _words(genre: str) -> list[str]:
    return [w for w in genre.casefold().translate(_SPLIT).split() if w]


def _word_vector(word: str) -> NDArray[np.float32]:
    digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
    rng = np.random.default_rng(int.from_bytes(digest, "little"))
    vec = rng.standard_normal(WORD_DIM).astype(np.float32)
    return vec / np.linalg.norm(vec)


def _normalise_rows(matrix: FloatMatrix) -> FloatMatrix:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.where(norms > 1e-9, matrix / np.maximum(norms, 1e-9), 0.0).astype(np.float32)


@dataclass
class GenreSpace:
    """Genre names and their unit vectors."""

    names: list[str]
    vectors: FloatMatrix
    _lookup: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._lookup = {g: i for i, g in enumerate(self.names)}

    @property
    def dim(self) -> int:
        return WORD_DIM + COOC_DIM

    @classmethod
    def fit(cls, genre_sets: Sequence[Sequence[str]], *, cooc_weight: float = 0.5) -> GenreSpace:
        """Learn the space from sets of genres that go together (artists, playlists)."""
        names = sorted({g for gs in genre_sets for g in gs})
        index = {g: i for i, g in enumerate(names)}
        n = len(names)
        if n == 0:
            return cls([], np.zeros((0, WORD_DIM + COOC_DIM), np.float32))
        words = np.zeros((n, WORD_DIM), np.float32)
        for i, g in enumerate(names):
            for w in _words(g):
                words[i] += _word_vector(w)
        words = _normalise_rows(words)
        cooc = _cooc_vectors(genre_sets, index, n)
        has_cooc = np.linalg.norm(cooc, axis=1) > 1e-9
        word_w = np.sqrt(1.0 - cooc_weight)
        cooc_w = np.where(has_cooc, np.sqrt(cooc_weight), 0.0)[:, None]
        vectors = np.hstack([words * word_w, cooc * cooc_w]).astype(np.float32)
        return cls(names, _normalise_rows(vectors))

    def vector(self, genres: Sequence[str]) -> NDArray[np.float32] | None:
        """Mean direction of known genres; None when none is known."""
        rows = [self._lookup[g] for g in genres if g in self._lookup]
        if not rows:
            return None
        vec = self.vectors[rows].mean(axis=0)
        norm = float(np.linalg.norm(vec))
        return (vec / norm).astype(np.float32) if norm > 1e-9 else None

    def similarity(self, a: str, b: str) -> float:
        va, vb = self.vector([a]), self.vector([b])
        if va is None or vb is None:
            return 0.0
        return float(va @ vb)

    def track_matrix(
        self, track_genres: Sequence[Sequence[str]]
    ) -> tuple[FloatMatrix, NDArray[np.bool_]]:
        """One unit vector per track (mean of its genres) and which tracks have any."""
        # Tracks share genre lists (an artist's, mostly): each distinct list is averaged
        # once, which at a million tracks is 1 s instead of 30 s of per-row means.
        index = self._lookup
        set_of: dict[tuple[str, ...], int] = {}
        which = np.fromiter(
            (set_of.setdefault(tuple(genres), len(set_of)) for genres in track_genres),
            np.int64,
            len(track_genres),
        )
        means = np.zeros((len(set_of), self.dim), np.float32)
        known = np.zeros(len(set_of), bool)
        for genres, at in set_of.items():
            ids = [index[g] for g in genres if g in index]
            if ids:
                means[at] = self.vectors[ids].mean(axis=0)
                known[at] = True
        return _normalise_rows(means[which]), known[which]


def _cooc_vectors(
    genre_sets: Sequence[Sequence[str]], index: dict[str, int], n: int
) -> FloatMatrix:
    # Most sets repeat (every track of an artist carries the artist's genres): each
    # distinct set's pairs are counted once with its multiplicity as their weight.
    times: dict[tuple[str, ...], int] = {}
    for gs in genre_sets:
        key = tuple(gs)
        times[key] = times.get(key, 0) + 1
    pairs_r: list[int] = []
    pairs_c: list[int] = []
    weights: list[int] = []
    for gs, count in times.items():
        ids = sorted({index[g] for g in gs if g in index})
        # Pairs include (g, g): a genre is its own context, so genres that co-occur
        # share contexts and land near each other (second-order similarity alone would
        # keep "indie folk" and "folk" apart when they only ever appear together).
        for a in ids:
            for b in ids:
                pairs_r.append(a)
                pairs_c.append(b)
                weights.append(count)
    if not pairs_r or n < 3:
        return np.zeros((n, COOC_DIM), np.float32)
    counts = sp.coo_matrix(
        (np.asarray(weights, np.float64), (pairs_r, pairs_c)), shape=(n, n)
    ).tocsr()
    counts.sum_duplicates()
    coo = counts.tocoo()
    row_sum = np.asarray(counts.sum(axis=1)).ravel()
    total = float(row_sum.sum())
    pmi = np.log(coo.data * total / (row_sum[coo.row] * row_sum[coo.col]))
    keep = pmi > 0
    ppmi = sp.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=(n, n))
    if ppmi.nnz == 0:
        return np.zeros((n, COOC_DIM), np.float32)
    # Dense SVD: genre vocabularies are small (thousands at most).
    u, s, _ = np.linalg.svd(ppmi.toarray(), full_matrices=False)
    k = min(COOC_DIM, len(s))
    vectors = np.zeros((n, COOC_DIM), np.float32)
    vectors[:, :k] = (u[:, :k] * np.sqrt(s[:k])).astype(np.float32)
    return _normalise_rows(vectors)
