"""The vector index: identical vectors indexed once, answers by (score, row), exact or HNSW."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from resonance.index import IndexConfig, VectorIndex

KINDS = {
    "flat": IndexConfig(),
    "hnsw": IndexConfig(exact_threshold=10, ef_search=64),
    "ivf": IndexConfig(exact_threshold=10, ivf_threshold=10, ivf_nprobe=16),
}


def catalogue_vectors(n: int = 2000, dim: int = 16, seed: int = 4) -> np.ndarray:
    """Unit vectors where a third of the rows repeat one of 20 shared vectors."""
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(n, dim)).astype(np.float32)
    shared = rng.normal(size=(20, dim)).astype(np.float32)
    repeated = rng.choice(n, size=n // 3, replace=False)
    data[repeated] = shared[rng.integers(0, 20, len(repeated))]
    return data / np.linalg.norm(data, axis=1, keepdims=True)


def exact_top(data: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    scores = data @ query
    return np.lexsort((np.arange(len(data)), -scores))[:k].tolist()


@pytest.mark.parametrize("kind", list(KINDS))
def test_identical_vectors_are_indexed_once_and_returned_lowest_row_first(kind: str) -> None:
    data = catalogue_vectors()
    index = VectorIndex.build(data, KINDS[kind])
    assert index.kind == kind
    distinct = len(np.unique(data, axis=0))
    assert index.index.ntotal == distinct < len(data)
    assert index.size == len(data)
    queries = data[[0, 5, 17, 901]]
    _, rows = index.search(queries, 10)
    hits = [
        len(set(found.tolist()) & set(exact_top(data, q, 10)))
        for q, found in zip(queries, rows, strict=True)
    ]
    assert sum(hits) >= 38 if kind != "flat" else sum(hits) == 40
    if kind == "flat":
        assert [r.tolist() for r in rows] == [exact_top(data, q, 10) for q in queries]


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_search_for_more_rows_than_distinct_vectors_returns_every_row(kind: str) -> None:
    data = np.repeat(np.eye(4, dtype=np.float32), 30, axis=0)  # 4 vectors, 120 rows
    index = VectorIndex.build(
        data,
        KINDS[kind]
        if kind == "flat"
        else replace(KINDS[kind], exact_threshold=2, ivf_threshold=2 if kind == "ivf" else 10**9),
    )
    assert index.index.ntotal == 4
    scores, rows = index.search(data[:1], 200)
    assert rows.shape == (1, 120)
    assert rows[0, :30].tolist() == list(range(30))  # the query's own vector, lowest first
    assert sorted(rows[0].tolist()) == list(range(120))
    assert (np.diff(scores[0]) <= 0).all()


def test_distinct_rows_keep_one_entry_each() -> None:
    data = np.eye(6, dtype=np.float32)
    data[5, 0] = 1e-7  # differs from row 0 only in a tiny value: not a duplicate
    index = VectorIndex.build(data)
    assert index.groups is None and index.index.ntotal == 6


@pytest.mark.parametrize("kind", list(KINDS))
def test_saved_and_loaded_index_answers_the_same(kind: str, tmp_path: Path) -> None:
    data = catalogue_vectors(600)
    index = VectorIndex.build(data, KINDS[kind])
    index.save(tmp_path / "index.faiss")
    loaded = VectorIndex.load(tmp_path / "index.faiss", ef_search=64)
    assert (loaded.kind, loaded.size) == (kind, 600)
    queries = data[:5]
    assert (index.search(queries, 25)[1] == loaded.search(queries, 25)[1]).all()


@pytest.mark.parametrize("kind", list(KINDS))
def test_rows_added_later_are_found_under_their_own_row(kind: str) -> None:
    data = catalogue_vectors(600)
    index = VectorIndex.build(data, KINDS[kind])
    extra = np.vstack([data[:1], np.eye(16, dtype=np.float32)[:2]])  # a copy of row 0, two new
    index.add(extra)
    assert index.size == 603
    _, rows = index.search(extra[1:2], 1)
    assert rows[0].tolist() == [601]
    _, rows = index.search(data[:1], 2)
    assert sorted(rows[0].tolist()) == [0, 600]


def two_block_vectors(n: int = 3000, seed: int = 7) -> np.ndarray:
    """Columns 0-15 continuous (missing, i.e. zero, on a third of the rows); columns 16-23
    one of 12 shared values, as every track of an artist shares the artist's genres."""
    rng = np.random.default_rng(seed)
    data = np.zeros((n, 24), np.float32)
    data[:, :16] = rng.normal(size=(n, 16))
    data[rng.random(n) < 1 / 3, :16] = 0.0
    values = rng.normal(size=(12, 8)).astype(np.float32)
    data[:, 16:] = values[rng.integers(0, 12, n)]
    return data


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_query_within_one_block_gets_the_lowest_rows_of_its_tie(kind: str) -> None:
    # A query zero outside columns 16-23 ties every row with its value there, about
    # 250 distinct vectors: the answer must be the tie's lowest rows, not any of them.
    data = two_block_vectors()
    index = VectorIndex.build(data, KINDS[kind], blocks=[(0, 16), (16, 24)])
    assert [(s.start, s.stop) for s in index.shortcuts] == [(16, 24)]  # 0-16 takes 2,000 values
    queries = np.zeros((6, 24), np.float32)
    queries[:, 16:] = data[:6, 16:]
    queries[5, 3] = 0.5  # not within the block: the main index answers it
    _, rows = index.search(queries, 10)
    for query, found in zip(queries[:5], rows[:5], strict=True):
        assert found.tolist() == exact_top(data, query, 10)
    hits = len(set(rows[5].tolist()) & set(exact_top(data, queries[5], 10)))
    assert hits >= 9 if kind != "flat" else rows[5].tolist() == exact_top(data, queries[5], 10)


def test_block_shortcuts_are_saved_and_follow_added_rows(tmp_path: Path) -> None:
    data = two_block_vectors()
    index = VectorIndex.build(data, KINDS["hnsw"], blocks=[(0, 16), (16, 24)])
    index.save(tmp_path / "index.faiss")
    loaded = VectorIndex.load(tmp_path / "index.faiss")
    assert [(s.start, s.stop) for s in loaded.shortcuts] == [(16, 24)]
    query = np.zeros((1, 24), np.float32)
    query[0, 16:] = data[0, 16:]
    assert loaded.search(query, 10)[1].tolist() == index.search(query, 10)[1].tolist()
    newcomer = query * 2  # scores above every row: first of all
    loaded.add(newcomer)
    assert loaded.search(query, 1)[1].tolist() == [[len(data)]]


def test_an_ivf_search_for_many_rows_probes_enough_lists_to_return_them() -> None:
    # 16 of 33 lists hold ~1,000 of 2,000 vectors: a search for 500 must probe more (8 × k).
    data = catalogue_vectors(2000)
    data[: 2000 // 3] += np.random.default_rng(1).normal(0, 0.01, (2000 // 3, 16))  # distinct
    index = VectorIndex.build(data, KINDS["ivf"])
    assert index.kind == "ivf" and index.index.nprobe == 16
    _, rows = index.search(data[:3], 500)
    assert (rows >= 0).all() and all(len(set(r.tolist())) == 500 for r in rows)
    hits = [
        len(set(r.tolist()) & set(exact_top(data, q, 500)))
        for q, r in zip(data[:3], rows, strict=True)
    ]
    assert min(hits) >= 450
