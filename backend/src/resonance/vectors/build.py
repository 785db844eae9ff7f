"""Turn a `Catalogue` into block vectors plus everything needed to explain them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from resonance.vectors.blocks import (
    BLOCK_NAMES,
    Block,
    apply_standardise,
    assemble,
    effective_weights,
    expected_cosines,
    standardise,
)
from resonance.vectors.confidence import discount_uncertain
from resonance.vectors.cooc import Cooccurrence, ppmi_embedding
from resonance.vectors.genres import GenreSpace
from resonance.vectors.loader import audio_schema
from resonance.vectors.snapshot import BoolArray, Catalogue, FloatMatrix

DEFAULT_WEIGHTS = {"audio": 0.35, "spotify": 0.15, "genre": 0.2, "cooc": 0.3}


@dataclass(frozen=True)
class VectorConfig:
    """Dimensions and weights of the vector space.

    `playlist_weight` scales the sparse co-occurrence evidence added on top of the
    dense blocks (see `resonance.recommend.scoring`).
    """

    weights: tuple[tuple[str, float], ...] = tuple(DEFAULT_WEIGHTS.items())
    cooc_dim: int = 64
    playlist_weight: float = 2.0
    seed: int = 0

    @property
    def weight_map(self) -> dict[str, float]:
        return dict(self.weights)


@dataclass
class VectorSet:
    """Vectors of a catalogue and the statistics that produced them."""

    vectors: FloatMatrix
    masks: BoolArray
    layout: list[Block]
    expected: dict[str, float]
    stats: dict[str, Any]
    genre_space: GenreSpace
    cooc: Cooccurrence
    playlist_weight: float

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def block(self, name: str) -> Block:
        return self.layout[BLOCK_NAMES.index(name)]

    def append(self, vectors: FloatMatrix, masks: BoolArray) -> None:
        """Rows added between builds: no playlist evidence yet."""
        n, m = self.vectors.shape[0], vectors.shape[0]
        self.vectors = np.vstack([self.vectors, vectors])
        self.masks = np.vstack([self.masks, masks])
        counts = self.cooc.counts.tocsr(copy=True)
        counts.resize((n + m, n + m))
        membership = self.cooc.membership.tocsc(copy=True)
        membership.resize((membership.shape[0], n + m))
        self.cooc = Cooccurrence(
            counts, membership, np.concatenate([self.cooc.degree, np.zeros(m, np.float32)])
        )


def embed_rows(vs: VectorSet, part: Catalogue) -> tuple[FloatMatrix, BoolArray]:
    """Vectors for new tracks with an existing build's statistics and weights."""
    n = part.n_items
    blocks: dict[str, tuple[FloatMatrix, BoolArray]] = {}
    for name, values, mask in (
        ("audio", part.audio, part.audio_mask),
        ("spotify", part.spotify, part.spotify_mask),
    ):
        stats = vs.stats[name]
        standardised = apply_standardise(
            values, np.asarray(stats["mean"]), np.asarray(stats["std"])
        )
        if name == "audio":
            standardised = _audio_trusted(standardised, values)
        blocks[name] = (standardised, mask.copy())
    genre, genre_mask = vs.genre_space.track_matrix(part.genres)
    blocks["genre"] = (genre, genre_mask)
    cooc_dim = vs.block("cooc").stop - vs.block("cooc").start
    blocks["cooc"] = (np.zeros((n, cooc_dim), np.float32), np.zeros(n, bool))
    vectors, masks, _ = assemble(blocks, {b.name: b.weight for b in vs.layout})
    return vectors, masks


def _audio_trusted(standardised: FloatMatrix, raw: FloatMatrix) -> FloatMatrix:
    """The audio block with guessed tempi and keys shrunk toward the mean (see
    `resonance.vectors.confidence`); a block of another width is left as it is."""
    names = audio_schema()[1]
    if raw.ndim != 2 or raw.shape[1] != len(names):
        return standardised
    return discount_uncertain(standardised, raw, names)


def build_vectors(catalogue: Catalogue, config: VectorConfig | None = None) -> VectorSet:
    config = config or VectorConfig()
    n = catalogue.n_items
    audio, audio_stats = standardise(catalogue.audio.astype(np.float32), catalogue.audio_mask)
    audio = _audio_trusted(audio, catalogue.audio)
    spotify, spotify_stats = standardise(
        catalogue.spotify.astype(np.float32), catalogue.spotify_mask
    )
    # Genres that go together: on one artist, or across one playlist's tracks.
    playlist_genres = [
        sorted({g for row in playlist for g in catalogue.genres[int(row)]})
        for playlist in catalogue.playlists
    ]
    genre_space = GenreSpace.fit([*catalogue.artist_genres, *catalogue.genres, *playlist_genres])
    genre, genre_mask = genre_space.track_matrix(catalogue.genres)
    cooc = Cooccurrence.fit(catalogue.playlists, n)
    cooc_vectors, cooc_mask = ppmi_embedding(cooc, config.cooc_dim, seed=config.seed)

    blocks = {
        "audio": (audio, catalogue.audio_mask.copy()),
        "spotify": (spotify, catalogue.spotify_mask.copy()),
        "genre": (genre, genre_mask),
        "cooc": (cooc_vectors, cooc_mask),
    }
    coverage = {name: int(mask.sum()) for name, (_, mask) in blocks.items()}
    weights = effective_weights(config.weight_map, coverage)
    vectors, masks, layout = assemble(blocks, weights)
    expected = expected_cosines(vectors, masks, layout, seed=config.seed)
    stats = {
        "audio": audio_stats,
        "spotify": spotify_stats,
        "coverage": coverage,
        "weights_requested": config.weight_map,
        "weights": weights,
        "expected_cosine": expected,
        "dims": {b.name: b.stop - b.start for b in layout},
        "playlist_weight": config.playlist_weight,
    }
    # Positional: every argument is named like the field it fills.
    return VectorSet(
        vectors, masks, layout, expected, stats, genre_space, cooc, config.playlist_weight
    )
