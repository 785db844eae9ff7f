"""FAISS inner-product index: exact below a size threshold, HNSW above it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

from resonance.vectors import FloatMatrix, IntArray

DEFAULT_EF_SEARCH = 128


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


class VectorIndex:
    """Thin wrapper over a FAISS index of row vectors (row number = position in the catalogue)."""

    def __init__(self, index: Any, kind: str, ef_search: int = DEFAULT_EF_SEARCH) -> None:
        self.index = index
        self.kind = kind
        if kind == "hnsw":
            index.hnsw.efSearch = ef_search

    @classmethod
    def build(cls, vectors: FloatMatrix, config: IndexConfig | None = None) -> VectorIndex:
        config = config or IndexConfig()
        dim = int(vectors.shape[1])
        data = np.ascontiguousarray(vectors, dtype=np.float32)
        index: Any
        if len(data) < config.exact_threshold:
            index = faiss.IndexFlatIP(dim)
            kind = "flat"
        else:
            index = faiss.IndexHNSWFlat(dim, config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = config.ef_construction
            kind = "hnsw"
        index.add(data)
        return cls(index, kind, config.ef_search)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def search(self, queries: FloatMatrix, k: int) -> tuple[NDArray[np.float32], IntArray]:
        """The k nearest rows of each query (-1 where there are fewer).

        HNSW returns no more than its efSearch candidates, so a search for more than
        efSearch raises efSearch to k for that search: K and efSearch go together.
        """
        k = max(1, min(k, self.size))
        data = np.ascontiguousarray(queries, dtype=np.float32)
        if self.kind == "hnsw" and k > self.index.hnsw.efSearch:
            params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
            params.efSearch = k
            scores, rows = self.index.search(data, k, params=params)
        else:
            scores, rows = self.index.search(data, k)
        return scores, rows.astype(np.int64)

    def add(self, vectors: FloatMatrix) -> None:
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def memory_bytes(self) -> int:
        """Serialised size: the vectors plus, for HNSW, the graph."""
        return int(faiss.serialize_index(self.index).nbytes)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, ef_search: int = DEFAULT_EF_SEARCH) -> VectorIndex:
        index = faiss.read_index(str(path))
        kind = "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"
        return cls(index, kind, ef_search)
