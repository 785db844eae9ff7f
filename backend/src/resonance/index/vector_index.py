"""FAISS inner-product index: exact for small catalogues, HNSW above a size threshold,
an inverted file (IVF) above a larger one (see `IndexConfig`).

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
from typing import Annotated, Any

import faiss
import numpy as np
from numpy.typing import NDArray

from resonance.index.groups import DuplicateGroups
from resonance.vectors import FloatMatrix, IntArray

DEFAULT_EF_SEARCH = 128
# A block gets a shortcut when its rows take at most this many distinct values (a flat
# search over 4,096 values of 64 dimensions is ~0.1 ms) and at most one per
# SHORTCUT_MIN_ROWS_PER_VALUE rows: a block whose values are mostly distinct makes few
# ties, and the main index answers it.
SHORTCUT_MAX_VALUES = 4096
# IVF lists: √n of them (959 at 920k vectors), each centre trained on 40 vectors
# (FAISS warns below 39), and a search for k probes lists holding ≥ 8·k entries.
IVF_LISTS_PER_ROOT = 1.0
IVF_TRAIN_PER_LIST = 40
IVF_PROBED_PER_K = 8
SHORTCUT_MIN_ROWS_PER_VALUE = 4
# Rows looked at first to rule a block out cheaply (audio and co-occurrence blocks take
# as many values as there are rows).
SHORTCUT_SAMPLE = 20_000


def serve_single_threaded() -> None:
    """One query at a time gains nothing from OpenMP, and its threads spin against the
    other requests and workers on a small machine: serving processes search on one thread."""
    faiss.omp_set_num_threads(1)


@dataclass(frozen=True)
class IndexConfig:
    """Exact search below `exact_threshold` distinct vectors, an HNSW graph up to
    `ivf_threshold`, an inverted file (IVF) above it.

    An HNSW build grows faster than the catalogue: 363 s of CPU for 920k vectors of 201
    dimensions (M = 32, efConstruction = 80; 31 s for 230k at M = 16, efConstruction =
    40), against 11 s to train and fill an inverted file of 1,024 lists. Measured on
    the 1M bench catalogue (300 queries), recall@10 by id with 64 of 1,024 lists
    probed was 0.948 at 2.7 ms of CPU a query, 0.959 with 128 of 2,048: the same
    share probed gives about the same recall, so `ivf_nprobe` = 72 of √n lists (7.5 %
    at 920k vectors) leaves a margin over 0.95.
    """

    exact_threshold: int = 50_000
    hnsw_m: Annotated[int, "links per node of the HNSW graph"] = 32
    ef_construction: int = 80
    ef_search: int = DEFAULT_EF_SEARCH
    ivf_threshold: int = 2_000_000
    ivf_nprobe: Annotated[int, "lists an IVF query scans, of about sqrt(n)"] = 72


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
        elif len(distinct) < config.ivf_threshold:
            index = faiss.IndexHNSWFlat(dim, config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = config.ef_construction
            kind = "hnsw"
        else:
            index = _trained_ivf(data[distinct], config)
            kind = "ivf"
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
        elif self.kind == "ivf" and k_entries * IVF_PROBED_PER_K > self._probed_entries():
            # The probed lists must hold well over k entries, or a search returns fewer.
            params = faiss.SearchParametersIVF()
            params.nprobe = min(self.index.nlist, self.index.nprobe * 2)
            while params.nprobe < self.index.nlist and (
                k_entries * IVF_PROBED_PER_K > self._probed_entries(params.nprobe)
            ):
                params.nprobe = min(self.index.nlist, params.nprobe * 2)
            scores, entries = self.index.search(data, k_entries, params=params)
        else:
            scores, entries = self.index.search(data, k_entries)
        entries = entries.astype(np.int64)
        if self.groups is None:
            return scores, entries
        out = [self.groups.expand(s, e, k) for s, e in zip(scores, entries, strict=True)]
        return np.stack([s for s, _ in out]), np.stack([r for _, r in out])

    def _probed_entries(self, nprobe: int | None = None) -> float:
        """Entries an IVF search looks at on average with `nprobe` lists."""
        nprobe = self.index.nprobe if nprobe is None else nprobe
        return float(self.index.ntotal * nprobe / self.index.nlist)

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
        kind = (
            "hnsw"
            if isinstance(index, faiss.IndexHNSW)
            else "ivf"
            if isinstance(index, faiss.IndexIVF)
            else "flat"
        )
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
        covered: NDArray[np.bool_] = (inside > 0) & (before == 0) & (after == 0)
        return covered

    def search(self, queries: FloatMatrix, k: int) -> tuple[NDArray[np.float32], IntArray]:
        return self.index.search(queries[:, self.start : self.stop], k)


def _trained_ivf(distinct: FloatMatrix, config: IndexConfig) -> Any:
    """An inverted-file index with its lists' centres trained on a sample of the vectors."""
    n, dim = distinct.shape
    lists = max(1, min(n // IVF_TRAIN_PER_LIST, round(IVF_LISTS_PER_ROOT * np.sqrt(n))))
    index: Any = faiss.index_factory(int(dim), f"IVF{lists},Flat", faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(0).choice(n, min(n, lists * IVF_TRAIN_PER_LIST), replace=False)
    index.train(distinct[np.sort(sample)])
    index.nprobe = min(lists, config.ivf_nprobe)
    return index


def _groups_path(path: Path) -> Path:
    return path.with_name(path.stem + "_groups.npz")


def _shortcut_path(path: Path, start: int, stop: int) -> Path:
    return path.with_name(f"{path.stem}_block{start}-{stop}{path.suffix}")
