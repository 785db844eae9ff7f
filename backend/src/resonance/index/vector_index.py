"""FAISS inner-product index: exact below a size threshold, HNSW above it.

Rows with identical vectors (tracks with the same genres and nothing else, say) are
indexed once. A search returns each distinct vector's rows lowest first and breaks
equal scores by row, so its answer is the exact top k by (score, row): a stable
answer, the same as exact search's whenever the graph finds the right vectors.

A query that is zero outside one block (a track with genres and nothing else) ties
every row that shares its value of that block, whatever the rows hold elsewhere: at a
million tracks, ~10,000 distinct vectors tie for a genre-only query's top 10, and no
graph search returns the lowest rows of such a tie. A block whose rows take few
distinct values gets a `BlockShortcut`, a flat index of those values, which answers
such queries exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

from resonance.vectors import FloatMatrix, IntArray

DEFAULT_EF_SEARCH = 128
# A block gets a shortcut when its rows take at most this many distinct values (a flat
# search over 4,096 values of 64 dimensions is ~0.1 ms) and at most one per
# SHORTCUT_MIN_ROWS_PER_VALUE rows: a block whose values are mostly distinct makes few
# ties, and the main index answers it.
SHORTCUT_MAX_VALUES = 4096
SHORTCUT_MIN_ROWS_PER_VALUE = 4
# Rows looked at first to rule a block out cheaply (audio and co-occurrence blocks take
# as many values as there are rows).
SHORTCUT_SAMPLE = 20_000
# Rows hashed and compared per step when finding identical vectors: bounds the
# temporary uint64 copy to 64k × dim × 8 bytes (100 MB at 201 dimensions).
HASH_CHUNK = 65_536


def serve_single_threaded() -> None:
    """One query at a time gains nothing from OpenMP, and its threads spin against the
    other requests and workers on a small machine: serving processes search on one thread."""
    faiss.omp_set_num_threads(1)


@dataclass(frozen=True)
class IndexConfig:
    exact_threshold: int = 50_000
    hnsw_m: int = 32
    ef_construction: int = 80
    ef_search: int = DEFAULT_EF_SEARCH


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


class VectorIndex:
    """Thin wrapper over a FAISS index of row vectors (row number = position in the catalogue).

    Parameters
    ----------
    index
        The FAISS index: one entry per distinct vector.
    kind
        "flat" (exact) or "hnsw".
    ef_search
        HNSW's search breadth (raised to k for a search of k > efSearch).
    groups
        Which rows each entry stands for; None when entry i is row i.
    blocks
        Column ranges (start, stop) searched on their own for queries that lie within
        one (see `BlockShortcut`); the blocks of few values get a shortcut.
    """

    def __init__(
        self,
        index: Any,
        kind: str,
        ef_search: int = DEFAULT_EF_SEARCH,
        groups: DuplicateGroups | None = None,
        shortcuts: Sequence[BlockShortcut] = (),
    ) -> None:
        self.index = index
        self.kind = kind
        self.groups = groups
        self.shortcuts = list(shortcuts)
        if kind == "hnsw":
            index.hnsw.efSearch = ef_search

    @classmethod
    def build(
        cls,
        vectors: FloatMatrix,
        config: IndexConfig | None = None,
        blocks: Sequence[tuple[int, int]] = (),
    ) -> VectorIndex:
        config = config or IndexConfig()
        dim = int(vectors.shape[1])
        data = np.ascontiguousarray(vectors, dtype=np.float32)
        shortcuts = BlockShortcut.for_blocks(data, blocks)
        distinct, groups = DuplicateGroups.of(data)
        index: Any
        if len(distinct) < config.exact_threshold:
            index = faiss.IndexFlatIP(dim)
            kind = "flat"
        else:
            index = faiss.IndexHNSWFlat(dim, config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = config.ef_construction
            kind = "hnsw"
        index.add(data if groups is None else data[distinct])
        return cls(index, kind, config.ef_search, groups, shortcuts)

    @property
    def size(self) -> int:
        """Number of rows (tracks), duplicates included."""
        return int(self.index.ntotal) if self.groups is None else self.groups.n_rows

    def search(self, queries: FloatMatrix, k: int) -> tuple[NDArray[np.float32], IntArray]:
        """The k nearest rows of each query (-1 where there are fewer), best first, equal
        scores by row.

        HNSW returns no more than its efSearch candidates, so a search for more than
        efSearch raises efSearch to k for that search: K and efSearch go together.
        Queries within a block that has a shortcut are answered by the shortcut.
        """
        k = max(1, min(k, self.size))
        data = np.ascontiguousarray(queries, dtype=np.float32)
        scores = np.full((len(data), k), -np.inf, np.float32)
        rows = np.full((len(data), k), -1, np.int64)
        rest = np.ones(len(data), bool)
        for shortcut in self.shortcuts:
            mine = rest & shortcut.covers(data)
            if mine.any():
                scores[mine], rows[mine] = shortcut.search(data[mine], k)
                rest &= ~mine
        if rest.any():
            found_scores, found_rows = self._search(data[rest], k)
            width = found_rows.shape[1]
            scores[rest, :width], rows[rest, :width] = found_scores, found_rows
        return scores, rows

    def _search(self, data: FloatMatrix, k: int) -> tuple[NDArray[np.float32], IntArray]:
        k_entries = max(1, min(k, int(self.index.ntotal)))
        if self.kind == "hnsw" and k_entries > self.index.hnsw.efSearch:
            params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
            params.efSearch = k_entries
            scores, entries = self.index.search(data, k_entries, params=params)
        else:
            scores, entries = self.index.search(data, k_entries)
        entries = entries.astype(np.int64)
        if self.groups is None:
            return scores, entries
        out = [self.groups.expand(s, e, k) for s, e in zip(scores, entries, strict=True)]
        return np.stack([s for s, _ in out]), np.stack([r for _, r in out])

    def add(self, vectors: FloatMatrix) -> None:
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        if self.groups is not None:
            self.groups.append_distinct(len(vectors))
        for shortcut in self.shortcuts:
            shortcut.index.add(vectors[:, shortcut.start : shortcut.stop])

    def refill(self, vectors: FloatMatrix) -> None:
        """Fill a flat index anew with these row vectors (and their duplicate groups).

        For rows re-embedded in place; an HNSW graph keeps its entries until a build.
        """
        if self.kind != "flat":
            raise ValueError("only a flat index is refilled; an HNSW graph waits for a build")
        data = np.ascontiguousarray(vectors, dtype=np.float32)
        distinct, self.groups = DuplicateGroups.of(data)
        blocks = [(shortcut.start, shortcut.stop) for shortcut in self.shortcuts]
        self.shortcuts = BlockShortcut.for_blocks(data, blocks)
        self.index.reset()
        self.index.add(data if self.groups is None else data[distinct])

    def memory_bytes(self) -> int:
        """Serialised size: the vectors plus, for HNSW, the graph (and the row groups)."""
        groups = 0 if self.groups is None else self.groups.rows.nbytes + self.groups.starts.nbytes
        shortcuts = sum(shortcut.index.memory_bytes() for shortcut in self.shortcuts)
        return int(faiss.serialize_index(self.index).nbytes) + groups + shortcuts

    def save(self, path: Path) -> None:
        """The FAISS index at `path`; the row groups and block shortcuts, if any, beside it."""
        faiss.write_index(self.index, str(path))
        if self.groups is not None:
            np.savez(_groups_path(path), starts=self.groups.starts, rows=self.groups.rows)
        for shortcut in self.shortcuts:
            shortcut.index.save(_shortcut_path(path, shortcut.start, shortcut.stop))

    @classmethod
    def load(cls, path: Path, ef_search: int = DEFAULT_EF_SEARCH) -> VectorIndex:
        index = faiss.read_index(str(path))
        kind = "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"
        groups = None
        if _groups_path(path).exists():
            saved = np.load(_groups_path(path))
            groups = DuplicateGroups(saved["starts"], saved["rows"])
        shortcuts = []
        for saved_shortcut in sorted(path.parent.glob(f"{path.stem}_block*.faiss")):
            start, stop = saved_shortcut.stem.rsplit("_block", 1)[1].split("-")
            shortcuts.append(BlockShortcut(int(start), int(stop), cls.load(saved_shortcut)))
        return cls(index, kind, ef_search, groups, shortcuts)


@dataclass
class BlockShortcut:
    """Exact search over the distinct values of columns `start:stop`, for queries that are
    zero elsewhere: such a query scores a row by those columns alone, so every row sharing
    a value ties, and the flat index of values returns the tie's rows lowest first."""

    start: int
    stop: int
    index: VectorIndex

    @classmethod
    def for_blocks(
        cls, data: FloatMatrix, blocks: Sequence[tuple[int, int]]
    ) -> list[BlockShortcut]:
        """A shortcut for each block whose rows take few values (see SHORTCUT_MAX_VALUES)."""
        out = []
        for start, stop in blocks:
            part = np.ascontiguousarray(data[:, start:stop])
            sample = part[:: max(1, len(part) // SHORTCUT_SAMPLE)]
            most = min(SHORTCUT_MAX_VALUES, len(part) // SHORTCUT_MIN_ROWS_PER_VALUE)
            if len(part) == 0 or len(np.unique(sample, axis=0)) > most:
                continue
            distinct, groups = DuplicateGroups.of(part)
            if len(distinct) <= most:
                flat = faiss.IndexFlatIP(stop - start)
                flat.add(part[distinct])
                out.append(cls(start, stop, VectorIndex(flat, "flat", groups=groups)))
        return out

    def covers(self, queries: FloatMatrix) -> NDArray[np.bool_]:
        """Which queries are non-zero within the block and zero outside it."""
        inside = np.abs(queries[:, self.start : self.stop]).sum(axis=1)
        before = np.abs(queries[:, : self.start]).sum(axis=1)
        after = np.abs(queries[:, self.stop :]).sum(axis=1)
        return (inside > 0) & (before == 0) & (after == 0)

    def search(self, queries: FloatMatrix, k: int) -> tuple[NDArray[np.float32], IntArray]:
        return self.index.search(queries[:, self.start : self.stop], k)


def _groups_path(path: Path) -> Path:
    return path.with_name(path.stem + "_groups.npz")


def _shortcut_path(path: Path, start: int, stop: int) -> Path:
    return path.with_name(f"{path.stem}_block{start}-{stop}{path.suffix}")
