"""Vectors: a catalogue snapshot turned into weighted, L2-normalised blocks.

The inner product of two track vectors is exactly the weighted sum of per-block cosine
similarities (audio, spotify, genre, co-occurrence), which is what makes every
explanation computable.
"""

from resonance.vectors.blocks import BLOCK_NAMES, Block
from resonance.vectors.build import VectorConfig, VectorSet, build_vectors, embed_rows
from resonance.vectors.cooc import COSINE, Cooccurrence, ItemSimilarity
from resonance.vectors.genres import GenreSpace
from resonance.vectors.loader import (
    SPOTIFY_DESCRIPTORS,
    audio_schema,
    descriptor_names,
    load_catalogue,
    load_descriptors,
)
from resonance.vectors.partial import TrackRow, load_rows, load_tracks_after
from resonance.vectors.snapshot import BoolArray, Catalogue, FloatMatrix, IntArray
from resonance.vectors.synthetic import synthetic_catalogue

__all__ = [
    "BLOCK_NAMES",
    "COSINE",
    "SPOTIFY_DESCRIPTORS",
    "Block",
    "BoolArray",
    "Catalogue",
    "Cooccurrence",
    "FloatMatrix",
    "GenreSpace",
    "IntArray",
    "ItemSimilarity",
    "TrackRow",
    "VectorConfig",
    "VectorSet",
    "audio_schema",
    "build_vectors",
    "descriptor_names",
    "embed_rows",
    "load_catalogue",
    "load_descriptors",
    "load_rows",
    "load_tracks_after",
    "synthetic_catalogue",
]
