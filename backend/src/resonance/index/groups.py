"""Rows that share one vector: the index keeps each distinct vector once and answers
with its rows, lowest first."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from resonance.vectors import FloatMatrix, IntArray

# Rows hashed and compared per step when finding identical vectors: bounds the
# temporary uint64 copy to 64k × dim × 8 bytes (100 MB at 201 dimensions).
HASH_CHUNK = 65_536


@dataclass
class DuplicateGroups:
    """Which rows share each indexed vector.

    Attributes
    ----------
    starts
        Entry `e` of the FAISS index stands for rows `rows[starts[e]:starts[e + 1]]`.
    rows
        Every row once, grouped by entry and ascending within a group.
    """

    starts: IntArray
    rows: IntArray

    @classmethod
    def of(cls, data: FloatMatrix) -> tuple[IntArray, DuplicateGroups | None]:
        """The first row of each distinct vector (ascending) and the groups; None for
        the groups when every row is distinct."""
        n = len(data)
        if n == 0:
            return np.arange(0, dtype=np.int64), None
        # An exact 64-bit hash of each row's bits (uint64 arithmetic wraps), then a
        # comparison with the group's first row, so a hash collision never merges rows.
        weights = np.random.default_rng(0).integers(1, 2**62, size=data.shape[1], dtype=np.uint64)
        hashes = np.empty(n, np.uint64)
        for start in range(0, n, HASH_CHUNK):
            bits = data[start : start + HASH_CHUNK].view(np.uint32).astype(np.uint64)
            hashes[start : start + HASH_CHUNK] = (bits * weights).sum(axis=1)
        _, first, group = np.unique(hashes, return_index=True, return_inverse=True)
        group = group.ravel()
        same = np.ones(n, bool)
        for start in range(0, n, HASH_CHUNK):
            part = slice(start, start + HASH_CHUNK)
            same[part] = (data[part] == data[first[group[part]]]).all(axis=1)
        alone = np.flatnonzero(~same)
        group[alone] = len(first) + np.arange(len(alone))
        first = np.concatenate([first, alone]).astype(np.int64)
        if len(first) == n:
            return np.arange(n, dtype=np.int64), None
        by_row = np.argsort(first, kind="stable")
        entry_of_group = np.empty(len(first), np.int64)
        entry_of_group[by_row] = np.arange(len(first))
        entry = entry_of_group[group]
        rows = np.argsort(entry, kind="stable").astype(np.int64)
        starts = np.concatenate([[0], np.cumsum(np.bincount(entry, minlength=len(first)))])
        return first[by_row], cls(starts.astype(np.int64), rows)

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    def append_distinct(self, count: int) -> None:
        """`count` new rows, each its own entry (rows added between full builds)."""
        new = self.n_rows + np.arange(count, dtype=np.int64)
        self.rows = np.concatenate([self.rows, new])
        self.starts = np.concatenate([self.starts, self.starts[-1] + 1 + np.arange(count)])

    def expand(
        self, scores: NDArray[np.float32], entries: IntArray, k: int
    ) -> tuple[NDArray[np.float32], IntArray]:
        """The best k rows of one query's entries, by score then row."""
        entries = entries[entries >= 0]
        scores = scores[: len(entries)]
        # Rows of one vector share a score, so no more than k of a group can be in the top k
        # (the tracks with no data at all are one vector and can be thousands of rows).
        lengths = np.minimum(self.starts[entries + 1] - self.starts[entries], k)
        segment = np.repeat(np.arange(len(entries)), lengths)
        first = np.cumsum(lengths) - lengths
        offsets = np.arange(int(lengths.sum())) - first[segment] + self.starts[entries][segment]
        rows = self.rows[offsets]
        row_scores = scores[segment]
        order = np.lexsort((rows, -row_scores))[:k]
        out_scores = np.full(k, -np.inf, np.float32)
        out_rows = np.full(k, -1, np.int64)
        out_scores[: len(order)] = row_scores[order]
        out_rows[: len(order)] = rows[order]
        return out_scores, out_rows
