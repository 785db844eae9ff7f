"""Block vectors: exact weighted cosines, the missing-block policy, the genre space."""

from __future__ import annotations

import numpy as np
import pytest

from resonance.vectors.blocks import BLOCK_NAMES, assemble, effective_weights, expected_cosines
from resonance.vectors.build import VectorConfig, build_vectors
from resonance.vectors.genres import GenreSpace
from resonance.vectors.synthetic import synthetic_catalogue


def test_dot_product_is_weighted_sum_of_block_cosines() -> None:
    rng = np.random.default_rng(3)
    raw = {
        name: rng.normal(size=(20, dim)).astype(np.float32)
        for name, dim in zip(BLOCK_NAMES, (7, 5, 4, 6), strict=True)
    }
    blocks = {name: (matrix, np.ones(20, bool)) for name, matrix in raw.items()}
    weights = {"audio": 0.4, "spotify": 0.1, "genre": 0.2, "cooc": 0.3}
    vectors, masks, layout = assemble(blocks, weights)
    assert masks.all()
    for a, b in [(0, 1), (2, 19), (5, 5)]:
        expected = sum(
            weights[name]
            * float(raw[name][a] @ raw[name][b])
            / (np.linalg.norm(raw[name][a]) * np.linalg.norm(raw[name][b]))
            for name in BLOCK_NAMES
        )
        assert float(vectors[a] @ vectors[b]) == pytest.approx(expected, abs=1e-5)
    assert [block.weight for block in layout] == [weights[name] for name in BLOCK_NAMES]


def test_blocks_nobody_has_are_dropped_and_weights_renormalised() -> None:
    weights = effective_weights(
        {"audio": 0.35, "spotify": 0.15, "genre": 0.2, "cooc": 0.3},
        {"audio": 5, "genre": 5, "cooc": 0, "spotify": 0},
    )
    assert weights == pytest.approx(
        {"audio": 0.35 / 0.55, "spotify": 0.0, "genre": 0.2 / 0.55, "cooc": 0.0}
    )


def test_missing_block_is_zero_and_expected_cosine_is_measured() -> None:
    catalogue, _ = synthetic_catalogue(600, seed=2, audio_coverage=0.5)
    vs = build_vectors(catalogue)
    audio = vs.block("audio")
    missing = ~catalogue.audio_mask
    assert np.abs(vs.vectors[missing, audio.slice]).sum() == 0
    assert not vs.masks[missing, 0].any()
    # μ_b is what random pairs of tracks with the block actually score
    again = expected_cosines(vs.vectors, vs.masks, vs.layout, pairs=20000, seed=9)
    for name in ("audio", "genre", "cooc"):
        assert again[name] == pytest.approx(vs.expected[name], abs=0.03)


def test_genre_space_places_related_genres_near() -> None:
    artist_genres = [
        ["indie folk", "folk"],
        ["folk", "singer-songwriter"],
        ["techno", "minimal techno"],
        ["techno"],
        ["indie folk"],
    ]
    space = GenreSpace.fit(artist_genres)
    assert space.similarity("indie folk", "folk") > 0.4
    assert space.similarity("indie folk", "folk") > space.similarity("indie folk", "techno") + 0.35
    assert space.similarity("minimal techno", "techno") > space.similarity("minimal techno", "folk")
    # words alone relate genres nobody has paired yet
    words_only = GenreSpace.fit([["dream pop"], ["pop"], ["death metal"]])
    assert words_only.similarity("dream pop", "pop") > words_only.similarity(
        "dream pop", "death metal"
    )
    assert space.vector(["unheard-of genre"]) is None


def test_tracks_without_genre_get_none() -> None:
    catalogue, _ = synthetic_catalogue(300, seed=4, genre_coverage=0.6)
    vs = build_vectors(catalogue, VectorConfig())
    no_genre = np.asarray([not g for g in catalogue.genres])
    assert no_genre.any()
    assert not vs.masks[no_genre, BLOCK_NAMES.index("genre")].any()
