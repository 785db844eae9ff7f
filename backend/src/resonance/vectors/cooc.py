"""Playlist co-occurrence: sparse item–item counts and a dense PPMI + SVD embedding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from resonance.vectors.snapshot import FloatMatrix, IntArray

# The most tracks one list contributes as a single co-occurrence context (the Million
# Playlist Dataset's cap). A list is a context because its tracks were kept together;
# a 10,000-track library says little about any one pair in it and alone would add 10⁸
# pairs, so longer lists (libraries ordered by date saved, long playlists in order)
# count as consecutive windows: pairs grow linearly with a list's length.
COOC_WINDOW = 250


def cooccurrence_windows(rows: Sequence[int], size: int = COOC_WINDOW) -> list[IntArray]:
    """A list's rows (in list order) as co-occurrence contexts of at most `size` tracks."""
    unique = list(dict.fromkeys(rows))  # a track repeated in a list counts once, first place
    return [
        np.asarray(sorted(unique[start : start + size]), np.int64)
        for start in range(0, len(unique), size)
    ]


def playlist_matrix(playlists: Sequence[IntArray], n_items: int) -> sp.csr_matrix:
    """Binary playlist × item matrix (a track repeated in a playlist counts once)."""
    rows = np.concatenate([np.full(len(p), i, dtype=np.int64) for i, p in enumerate(playlists)])
    cols = (
        np.concatenate([np.asarray(p, dtype=np.int64) for p in playlists])
        if playlists
        else np.empty(0, np.int64)
    )
    data = np.ones(len(rows), dtype=np.float32)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(playlists), n_items), dtype=np.float32)
    matrix.data[:] = 1.0  # duplicates were summed
    return matrix


@dataclass(frozen=True)
class ItemSimilarity:
    """How co-occurrence counts become item-to-item similarities (item-kNN).

    sim(s, i) = (C[s, i] / (deg_s^seed_exponent · deg_i^candidate_exponent + shrink))^locality

    With both exponents ½, no shrinkage and locality 1 this is cosine co-occurrence.
    A seed exponent above the candidate's is the asymmetric cosine of Aiolli (2013):
    it lowers the pull of popular candidates less than cosine does (a candidate
    exponent near 0 with the seed exponent 1 is the random walk P³ of RP3beta
    without playlist-length weights). `shrink` keeps pairs seen together once or
    twice from counting like strong evidence; `locality` > 1 favours the few
    strongest neighbours over many weak ones.
    """

    seed_exponent: float = 0.5
    candidate_exponent: float = 0.5
    shrink: float = 0.0
    locality: float = 1.0


COSINE = ItemSimilarity()


@dataclass
class Cooccurrence:
    """Item–item co-occurrence counts and the playlists behind them.

    Attributes
    ----------
    counts
        CSR item × item: number of playlists containing both (diagonal zero).
    membership
        CSC playlist × item, to count shared playlists for explanations.
    degree
        Number of playlists containing each item.
    """

    counts: sp.csr_matrix
    membership: sp.csc_matrix
    degree: NDArray[np.float32]
    # deg^e per exponent e (degree at least 1), computed on first use: raising the
    # whole catalogue's degrees to a power took a tenth of a query's time.
    _powers: dict[float, NDArray[np.float64]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def degree_power(self, exponent: float) -> NDArray[np.float64]:
        """max(deg, 1)^exponent for every item, kept for the next query."""
        cached = self._powers.get(exponent)
        if cached is None or len(cached) != len(self.degree):
            cached = np.maximum(self.degree.astype(np.float64), 1.0) ** exponent
            self._powers[exponent] = cached
        return cached

    @classmethod
    def fit(cls, playlists: Sequence[IntArray], n_items: int) -> Cooccurrence:
        if not playlists:
            empty = sp.csr_matrix((n_items, n_items), dtype=np.float32)
            return cls(
                empty, sp.csc_matrix((0, n_items), dtype=np.float32), np.zeros(n_items, np.float32)
            )
        membership = playlist_matrix(playlists, n_items)
        counts = (membership.T @ membership).tocsr()
        counts.setdiag(0)
        counts.eliminate_zeros()
        degree = np.asarray(membership.sum(axis=0)).ravel().astype(np.float32)
        return cls(counts.astype(np.float32, copy=False), membership.tocsc(), degree)

    def neighbour_scores(self, seed_rows: IntArray) -> tuple[IntArray, NDArray[np.float32]]:
        """Item-kNN evidence for a set of seeds: Σ_s C[s, i] / sqrt(deg_s · deg_i).

        Returns the candidate rows with positive evidence and their scores (cosine
        co-occurrence summed over seeds, divided by the number of seeds so it
        stays in [0, 1]).
        """
        seeds = np.asarray(seed_rows, dtype=np.int64)
        # Work on the seeds' non-zeros only: never densify a catalogue-wide vector.
        offsets, segment = row_entries(self.counts.indptr, seeds)
        if not len(offsets):
            return np.empty(0, np.int64), np.empty(0, np.float32)
        seed_norm = np.sqrt(np.maximum(self.degree[seeds], 1.0))
        weights = self.counts.data[offsets] / seed_norm[segment]
        columns = self.counts.indices[offsets]
        if len(columns) * 8 > self.counts.shape[1]:
            # Many seeds touching much of the catalogue: a dense sum beats sorting the entries.
            dense = np.bincount(columns, weights=weights, minlength=self.counts.shape[1])
            rows = np.flatnonzero(dense)
            summed = dense[rows]
        else:
            rows, inverse = np.unique(columns, return_inverse=True)
            summed = np.bincount(inverse, weights=weights)
        scores = summed / np.sqrt(np.maximum(self.degree[rows], 1.0)) / len(seeds)
        return rows.astype(np.int64), scores.astype(np.float32)

    def similarity_scores(
        self, seed_rows: IntArray, similarity: ItemSimilarity = COSINE
    ) -> tuple[IntArray, NDArray[np.float64]]:
        """Item-kNN evidence for a set of seeds: Σ_s sim(s, i) over the seeds.

        Returns every row with positive evidence (seeds included when they co-occur
        with each other) in ascending order, and its score.
        """
        seeds = np.asarray(seed_rows, dtype=np.int64)
        offsets, segment = row_entries(self.counts.indptr, seeds)
        if not len(offsets):
            return np.empty(0, np.int64), np.empty(0, np.float64)
        columns = self.counts.indices[offsets]
        denominator = self.degree_power(similarity.seed_exponent)[seeds]
        weights = self.counts.data[offsets].astype(np.float64) / (
            denominator[segment] * self.degree_power(similarity.candidate_exponent)[columns]
            + similarity.shrink
        )
        if similarity.locality != 1.0:
            weights = weights**similarity.locality
        if len(columns) * 8 > self.counts.shape[1]:
            dense = np.bincount(columns, weights=weights, minlength=self.counts.shape[1])
            rows = np.flatnonzero(dense > 0)
            return rows.astype(np.int64), dense[rows].astype(np.float64)
        rows, inverse = np.unique(columns, return_inverse=True)
        summed = np.bincount(inverse, weights=weights).astype(np.float64)
        return rows.astype(np.int64), summed

    def seed_playlists(self, seed_rows: IntArray) -> IntArray:
        """Sorted ids of the playlists holding at least one seed."""
        offsets, _ = row_entries(self.membership.indptr, np.asarray(seed_rows, np.int64))
        return np.unique(self.membership.indices[offsets]).astype(np.int64)

    def shared_playlists(
        self, items: IntArray, seed_rows: IntArray, seed_lists: IntArray
    ) -> tuple[IntArray, IntArray]:
        """Per item: (seeds co-occurring with it, playlists holding it and at least one seed).

        `seed_lists` is `seed_playlists(seed_rows)`, computed once per request.
        """
        items = np.asarray(items, np.int64)
        offsets, segment = row_entries(self.membership.indptr, items)
        in_seed_list = np.isin(self.membership.indices[offsets], seed_lists)
        shared = np.bincount(segment, weights=in_seed_list, minlength=len(items)).astype(np.int64)
        # Seeds co-occurring with an item are exactly its non-zero co-occurrence partners;
        # read from the seeds' rows (the matrix is symmetric): a handful of rows, where
        # the items' rows would be hundreds of popular tracks' long ones.
        seeds = np.unique(np.asarray(seed_rows, np.int64))
        offsets, _ = row_entries(self.counts.indptr, seeds)
        columns = self.counts.indices[offsets]
        order = np.argsort(items, kind="stable")
        ranked = items[order]
        position = np.clip(np.searchsorted(ranked, columns), 0, max(len(items) - 1, 0))
        hit = (ranked[position] == columns) if len(items) else np.zeros(0, bool)
        partners = np.zeros(len(items), np.int64)
        if hit.any():
            # Repeated items (never in practice) count like their first occurrence.
            np.add.at(partners, order[position[hit]], 1)
        return np.where(shared > 0, partners, 0), shared


def row_entries(indptr: NDArray[np.integer], rows: IntArray) -> tuple[IntArray, IntArray]:
    """Positions in a compressed matrix's data of `rows`' entries, and which row each is from.

    The vectorised form of concatenating `indices[indptr[r]:indptr[r + 1]]` over rows.
    """
    starts = indptr[rows].astype(np.int64)
    lengths = indptr[rows + 1].astype(np.int64) - starts
    segment = np.repeat(np.arange(len(rows)), lengths)
    first = np.cumsum(lengths) - lengths  # where each row's run starts in the output
    offsets = np.arange(int(lengths.sum())) - first[segment] + starts[segment]
    return offsets, segment


# Rows of the PPMI matrix computed per pass: its temporaries then stay a few tens of MB
# however many pairs the catalogue has (the whole-matrix form peaked near 1 GB above the
# counts on the tuning file's 31M pairs).
PPMI_CHUNK_ENTRIES = 4_000_000
# Power iterations of the randomized SVD. Each is two passes over the PPMI matrix, most
# of a fit's time. With 2 instead of 4, on 300 test playlists of two folds, R-prec was
# 0.1405 vs 0.1404 and 0.1368 vs 0.1365, NDCG −0.0016 and +0.0013, recall −0.0022 and
# +0.0011: within the noise, for 8–14 % less fitting CPU (1 lost R-prec in both).
SVD_POWER_ITERATIONS = 2


def ppmi_matrix(cooc: Cooccurrence, *, shift: float = 1.0) -> sp.csr_matrix:
    """Positive PMI of co-occurrence: float32 CSR with the counts' sparsity, sharing
    their index arrays (zeros stored where PMI ≤ 0).

    PMI(i, j) = log(P(i, j) / (P(i) · P_α(j))) with context smoothing α = 0.75
    (Levy, Goldberg & Dagan 2015), which simplifies to log(C_ij · Z / (r_i · r_j^α)),
    r being row sums and Z = Σ_j r_j^α; `shift` is subtracted inside the log.
    With shift 1, 99.9 % of the tuning file's pairs have PMI > 0: dropping the rest
    would save little, while sharing the structure saves a copy of every column index
    (244 MB at 200k tracks).
    """
    counts = cooc.counts
    n = counts.shape[0]
    row_sum = np.asarray(counts.sum(axis=1), np.float64).ravel()
    context = row_sum**0.75
    z = float(context.sum())
    with np.errstate(divide="ignore"):  # empty rows have no entries to read these
        log_row = np.log(row_sum).astype(np.float32)
        log_context = np.log(context).astype(np.float32)
    offset = np.float32(np.log(z) - np.log(shift))
    indptr = counts.indptr.astype(np.int64)
    data = np.empty(counts.nnz, np.float32)
    first = 0
    while first < n:
        # Whole rows of about PPMI_CHUNK_ENTRIES entries (at least one row).
        last = int(np.searchsorted(indptr, indptr[first] + PPMI_CHUNK_ENTRIES, side="right"))
        last = min(max(last - 1, first + 1), n)
        lo, hi = int(indptr[first]), int(indptr[last])
        pmi = data[lo:hi]
        np.log(counts.data[lo:hi], out=pmi, dtype=np.float32)
        pmi += offset
        pmi -= np.repeat(log_row[first:last], np.diff(indptr[first : last + 1]))
        pmi -= log_context[counts.indices[lo:hi]]
        np.maximum(pmi, 0.0, out=pmi)
        first = last
    return sp.csr_matrix((data, counts.indices, counts.indptr), shape=(n, n), copy=False)


def ppmi_embedding(
    cooc: Cooccurrence,
    dim: int,
    *,
    seed: int = 0,
    shift: float = 1.0,
    power_iterations: int = SVD_POWER_ITERATIONS,
) -> tuple[FloatMatrix, NDArray[np.bool_]]:
    """Dense item vectors from positive PMI of co-occurrence (`ppmi_matrix`), by
    randomized truncated SVD in float32.

    Items in no playlist with another item get no vector (mask False): they have
    no co-occurrence evidence, and a zero vector would be a fake one.
    """
    from sklearn.utils.extmath import randomized_svd

    n = cooc.counts.shape[0]
    mask = np.asarray(cooc.counts.getnnz(axis=1) > 0)
    if cooc.counts.nnz == 0 or n < 3:
        return np.zeros((n, dim), np.float32), np.zeros(n, bool)
    ppmi = ppmi_matrix(cooc, shift=shift)
    k = int(min(dim, max(1, n - 1)))
    u, s, _ = randomized_svd(ppmi, n_components=k, n_iter=power_iterations, random_state=seed)
    del ppmi
    vectors = (u * np.sqrt(s)).astype(np.float32)
    if k < dim:
        vectors = np.hstack([vectors, np.zeros((n, dim - k), np.float32)])
    mask &= np.linalg.norm(vectors, axis=1) > 1e-9
    return vectors, mask
