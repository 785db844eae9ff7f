"""Co-occurrence evidence, checked against counting playlists by hand."""

from __future__ import annotations

import numpy as np
import pytest

from resonance.vectors import cooc as cooc_module
from resonance.vectors.cooc import COOC_WINDOW, Cooccurrence, cooccurrence_windows, ppmi_matrix


def playlists(seed: int = 0, n_items: int = 60) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.choice(n_items, size=rng.integers(2, 9), replace=False) for _ in range(40)]


def test_shared_playlists_counts_what_an_explanation_claims() -> None:
    lists = playlists()
    cooc = Cooccurrence.fit(lists, 60)
    seeds = np.asarray([3, 17, 42])
    items = np.arange(60)
    with_seeds, shared = cooc.shared_playlists(items, seeds, cooc.seed_playlists(seeds))
    for item in items:
        holding = [set(p.tolist()) for p in lists if item in p]
        expected_shared = sum(1 for p in holding if p & set(seeds.tolist()))
        partners = {int(s) for s in seeds if s != item and any(s in p for p in holding)}
        assert shared[item] == expected_shared
        assert with_seeds[item] == (len(partners) if expected_shared else 0)


@pytest.mark.parametrize("n_items", [60, 100_000])  # dense sum / sorted entries
def test_neighbour_scores_are_normalised_item_knn(n_items: int) -> None:
    lists = playlists(1)
    cooc = Cooccurrence.fit(lists, n_items)
    seeds = np.asarray([5, 8])
    rows, scores = cooc.neighbour_scores(seeds)
    degree = {i: sum(1 for p in lists if i in p) for i in range(60)}
    expected = {}
    for item in range(60):
        total = 0.0
        for s in seeds:
            both = sum(1 for p in lists if s in p and item in p and s != item)
            total += both / np.sqrt(max(degree[int(s)], 1) * max(degree[item], 1))
        if total > 0:
            expected[item] = total / len(seeds)
    assert rows.tolist() == sorted(expected)
    np.testing.assert_allclose(scores, [expected[r] for r in rows.tolist()], rtol=1e-5)
    empty_rows, _ = cooc.neighbour_scores(np.asarray([], np.int64))
    assert len(empty_rows) == 0


def test_a_huge_library_adds_pairs_linearly_not_quadratically() -> None:
    library = list(range(10_000))
    windows = cooccurrence_windows([*library, 3, 3])  # repeats count once
    assert [len(w) for w in windows] == [COOC_WINDOW] * (10_000 // COOC_WINDOW)
    assert np.concatenate(windows).tolist() == library  # in saved order, each once
    cooc = Cooccurrence.fit(windows, 10_000)
    assert cooc.counts.nnz == 10_000 * (COOC_WINDOW - 1)  # not 10,000 × 9,999
    # Neighbours in the list order still co-occur; tracks far apart do not.
    assert cooc.counts[0, 1] == 1 and cooc.counts[0, 9_000] == 0


@pytest.mark.parametrize("chunk", [7, 10**9])  # many row chunks / one
def test_ppmi_is_positive_pmi_of_the_counts(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(cooc_module, "PPMI_CHUNK_ENTRIES", chunk)
    lists = playlists(2, n_items=80)
    cooc = Cooccurrence.fit(lists, 90)  # tracks 80–89 are in no playlist
    counts = cooc.counts.toarray().astype(np.float64)
    rows = counts.sum(axis=1)
    context = rows**0.75
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(counts * context.sum() / np.outer(rows, context))
    expected = np.where(counts > 0, np.maximum(pmi, 0.0), 0.0)
    matrix = ppmi_matrix(cooc)
    assert matrix.dtype == np.float32
    np.testing.assert_allclose(matrix.toarray(), expected, atol=1e-5)
    assert np.shares_memory(matrix.indices, cooc.counts.indices)  # not a copy
