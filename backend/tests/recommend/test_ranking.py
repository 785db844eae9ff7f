"""The sparse candidate path: cold-seed fallback, n returned, exact explanations, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from resonance.index import IndexConfig
from resonance.recommend import Recommendations, Recommender, RecommendOptions, Seeds
from resonance.recommend.candidates import (
    candidate_rows,
    playlist_evidence,
    query_vector,
    seed_rows_of,
)
from resonance.recommend.recommender import COLD_SEEDS, UnknownSeedsError
from resonance.recommend.responses import list_notes
from resonance.vectors import ItemSimilarity, synthetic_catalogue
from resonance.vectors.snapshot import Catalogue


@pytest.fixture(scope="module")
def sparse() -> Recommender:
    """Playlists only, as on the Million Playlist Dataset: no audio, no genres."""
    catalogue, _ = synthetic_catalogue(
        600, seed=5, n_playlists=40, audio_coverage=0.0, genre_coverage=0.0
    )
    return Recommender.fit(catalogue)


def degree_of(model: Recommender, track_ids: list[int]) -> list[float]:
    rows = [int(np.flatnonzero(model.catalogue.track_ids == t)[0]) for t in track_ids]
    return model.vectors.cooc.degree[rows].tolist()


def cold_tracks(model: Recommender) -> list[int]:
    cold = (model.vectors.cooc.degree == 0) & ~model.vectors.masks.any(axis=1)
    return [int(t) for t in model.catalogue.track_ids[cold]]


def warm_tracks(model: Recommender) -> list[int]:
    order = np.argsort(-model.vectors.cooc.degree, kind="stable")
    return [int(t) for t in model.catalogue.track_ids[order]]


def assert_exact(items: Recommendations) -> None:
    for item in items:
        assert sum(item.explanation.shares.values()) == pytest.approx(item.score, abs=1e-9)


def test_all_cold_seeds_fall_back_on_popularity_and_say_so(sparse: Recommender) -> None:
    seeds = cold_tracks(sparse)[:3]
    assert len(seeds) == 3
    items = sparse.recommend(seeds, n=25)
    assert len(items) == 25
    assert items.notes == [COLD_SEEDS]
    assert list_notes(items) == [COLD_SEEDS]
    degrees = degree_of(sparse, [i.track_id for i in items])
    assert degrees == sorted(degrees, reverse=True)  # most-played first
    assert_exact(items)
    assert all(i.explanation.shares["popularity"] > 0 for i in items)
    assert "most-played" in " ".join(items[0].explanation.sentences())


def test_warm_seeds_have_no_fallback_note(sparse: Recommender) -> None:
    items = sparse.recommend(warm_tracks(sparse)[:5], n=20)
    assert items.notes == []
    assert "popularity" not in items[0].explanation.shares


@pytest.mark.parametrize(
    "options",
    [
        RecommendOptions(),
        RecommendOptions(diversity=0.0, max_per_artist=None, max_per_album=None),
        RecommendOptions(max_per_artist=1, max_per_album=1, diversity=0.5),
    ],
)
def test_every_query_returns_n_when_the_catalogue_has_n(
    sparse: Recommender, options: RecommendOptions
) -> None:
    seeds = warm_tracks(sparse)[:2]
    available = sparse.n_items - len(seeds)
    for n in (10, 200, available):
        items = sparse.recommend(seeds, n=n, options=options)
        assert len(items) == n
        assert len({i.track_id for i in items}) == n
        assert not set(seeds) & {i.track_id for i in items}
        assert_exact(items)


def test_exclusions_are_kept_while_filling(sparse: Recommender) -> None:
    seeds = warm_tracks(sparse)[:2]
    exclude = frozenset(warm_tracks(sparse)[2:50])
    available = sparse.n_items - len(seeds) - len(exclude)
    items = sparse.recommend(seeds, n=available, options=RecommendOptions(exclude=exclude))
    assert len(items) == available
    assert not exclude & {i.track_id for i in items}
    # Asked for more than there is: everything there is, no error.
    assert (
        len(sparse.recommend(seeds, n=available + 5, options=RecommendOptions(exclude=exclude)))
        == available
    )


def test_caps_are_only_broken_to_fill_the_list_and_say_so(sparse: Recommender) -> None:
    seeds = warm_tracks(sparse)[:3]
    options = RecommendOptions(max_per_artist=1, diversity=0.0)
    items = sparse.recommend(seeds, n=300, options=options)
    artists = sparse.catalogue.artist_ids
    row_of = {int(t): i for i, t in enumerate(sparse.catalogue.track_ids)}
    seen: set[int] = set()
    for item in items:
        artist = int(artists[row_of[item.track_id]])
        if artist in seen:
            assert item.explanation.diversity_note and "cap" in item.explanation.diversity_note
        seen.add(artist)


def test_playlist_share_is_the_item_knn_evidence_relative_to_the_best(
    sparse: Recommender,
) -> None:
    seeds = warm_tracks(sparse)[:4]
    options = RecommendOptions(diversity=0.0, max_per_artist=None, max_per_album=None)
    items = sparse.recommend(seeds, n=500, options=options)
    assert_exact(items)
    seed_rows = np.asarray(sorted(sparse._row_of[t] for t in seeds))
    rows, scores = sparse.vectors.cooc.similarity_scores(seed_rows, sparse.similarity)
    keep = ~np.isin(rows, seed_rows)
    evidence = dict(zip(rows[keep].tolist(), scores[keep].tolist(), strict=True))
    top = max(evidence.values())
    for item in items:
        share = item.explanation.shares["playlists"]
        expected = evidence.get(sparse._row_of[item.track_id], 0.0)
        assert share == pytest.approx(sparse.vectors.playlist_weight * expected / top)
        assert (share > 0) == (item.explanation.common_playlists > 0)
    # Every track with evidence is a candidate, however many: none is cut off.
    assert {sparse._row_of[i.track_id] for i in items} >= set(evidence) or len(items) == 500


def test_hnsw_candidates_are_not_cut_at_ef_search() -> None:
    catalogue, _ = synthetic_catalogue(1500, seed=3, n_playlists=0)
    model = Recommender.fit(catalogue, index_config=IndexConfig(exact_threshold=100, ef_search=16))
    assert model.index.kind == "hnsw"
    options = RecommendOptions(diversity=0.0, max_per_artist=None, max_per_album=None)
    items = model.recommend([1, 2, 3], n=400, options=options)
    assert len(items) == 400
    assert items.notes == []  # all from the index: nothing filled in
    assert_exact(items)


def test_repeated_seeds_count_once(sparse: Recommender) -> None:
    seeds = warm_tracks(sparse)[:3]
    once = sparse.recommend(seeds, n=20)
    twice = sparse.recommend([*seeds, *seeds, seeds[0]], n=20)
    assert [(i.track_id, i.score) for i in once] == [(i.track_id, i.score) for i in twice]


def test_unknown_seeds_are_named(sparse: Recommender) -> None:
    with pytest.raises(UnknownSeedsError, match=r"unknown seeds: tracks \[999999\]"):
        sparse.recommend([warm_tracks(sparse)[0], 999999], n=5)
    with pytest.raises(ValueError, match="at least one seed"):
        sparse.recommend(Seeds(), n=5)


def test_playlists_with_repeated_tracks_count_each_track_once() -> None:
    catalogue, _ = synthetic_catalogue(200, seed=9, n_playlists=20, audio_coverage=0.0)
    doubled = Catalogue(
        track_ids=catalogue.track_ids,
        artist_ids=catalogue.artist_ids,
        album_ids=catalogue.album_ids,
        audio=catalogue.audio,
        audio_mask=catalogue.audio_mask,
        spotify=catalogue.spotify,
        spotify_mask=catalogue.spotify_mask,
        genres=catalogue.genres,
        playlists=[np.concatenate([p, p[:3]]) for p in catalogue.playlists],
        artist_genres=catalogue.artist_genres,
        descriptors=catalogue.descriptors,
        explicit=catalogue.explicit,
    )
    a = Recommender.fit(catalogue)
    b = Recommender.fit(doubled)
    assert (a.vectors.cooc.counts != b.vectors.cooc.counts).nnz == 0
    seeds = [int(catalogue.track_ids[catalogue.playlists[0][0]])]
    assert [i.track_id for i in a.recommend(seeds, n=15)] == [
        i.track_id for i in b.recommend(seeds, n=15)
    ]


def test_similarity_is_configurable_and_cosine_matches_the_baseline(sparse: Recommender) -> None:
    seeds = np.asarray(sorted(sparse._row_of[t] for t in warm_tracks(sparse)[:3]))
    cooc = sparse.vectors.cooc
    rows, scores = cooc.similarity_scores(seeds, ItemSimilarity())
    base_rows, base_scores = cooc.neighbour_scores(seeds)
    assert rows.tolist() == base_rows.tolist()
    np.testing.assert_allclose(scores / len(seeds), base_scores, rtol=1e-5)
    sim = ItemSimilarity(seed_exponent=1.0, candidate_exponent=0.0, shrink=2.0, locality=2.0)
    rows, scores = cooc.similarity_scores(seeds, sim)
    counts = cooc.counts.toarray()
    degree = np.maximum(cooc.degree, 1.0)
    expected = sum((counts[s] / (degree[s] + 2.0)) ** 2 for s in seeds)
    np.testing.assert_allclose(scores, expected[rows], rtol=1e-6)
    assert (expected[np.setdiff1d(np.arange(len(expected)), rows)] == 0).all()


def test_content_neighbours_are_candidates_even_when_playlists_give_plenty() -> None:
    catalogue, _ = synthetic_catalogue(600, seed=5, n_playlists=400)  # audio, genres, lists
    model = Recommender.fit(catalogue)
    seeds = seed_rows_of(model, Seeds(track_ids=tuple(warm_tracks(model)[:5])))
    query, _ = query_vector(model, seeds)
    evidence = playlist_evidence(model, seeds)
    n = 20
    assert len(evidence[0]) >= 200  # the sparse source alone could fill the pool
    rows = set(candidate_rows(model, query, evidence, seeds, n, RecommendOptions()).tolist())
    _, nearest = model.index.search(query[None, :], 100)
    assert set(nearest[0].tolist()) <= rows  # sounding alike still makes a candidate
    # With only the co-occurrence block, the index would repeat the playlists' evidence:
    # the candidates are the sparse source's best 200.
    cooc_only = np.zeros_like(query)
    cooc = model.vectors.block("cooc").slice
    cooc_only[cooc] = query[cooc]
    sparse_rows = candidate_rows(model, cooc_only, evidence, seeds, n, RecommendOptions())
    best = evidence[0][np.argsort(-evidence[1], kind="stable")[:200]]
    assert sorted(sparse_rows.tolist()) == sorted(best.tolist())
