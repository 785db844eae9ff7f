"""`FittedIndex`: what one index version holds, and how it is fitted from a catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict, Unpack

from resonance.index.vector_index import IndexConfig, VectorIndex
from resonance.vectors import Catalogue, VectorConfig, VectorSet, build_vectors


class FitConfigs(TypedDict, total=False):
    """How to fit: the vectors' config and the index's (defaults when left out)."""

    vector_config: VectorConfig | None
    index_config: IndexConfig | None


@dataclass
class FittedIndex:
    """A catalogue snapshot, its block vectors and a FAISS index over them.

    Parameters
    ----------
    catalogue
        The tracks and their data, row `i` being track `catalogue.track_ids[i]`.
    vectors
        Block vectors built from the catalogue (`resonance.vectors.build_vectors`).
    index
        A FAISS index over `vectors.vectors`, row for row.
    """

    catalogue: Catalogue
    vectors: VectorSet
    index: VectorIndex

    def __post_init__(self) -> None:
        if self.catalogue.n_items != self.index.size:
            raise ValueError("the index and the catalogue disagree on the number of tracks")

    @classmethod
    def fit(cls, catalogue: Catalogue, **configs: Unpack[FitConfigs]) -> FittedIndex:
        """Build the vectors of `catalogue` and an index over them."""
        vectors = build_vectors(catalogue, configs.get("vector_config"))
        blocks = [(block.start, block.stop) for block in vectors.layout]
        index = VectorIndex.build(vectors.vectors, configs.get("index_config"), blocks)
        return cls(catalogue, vectors, index)

    @property
    def n_items(self) -> int:
        return self.catalogue.n_items
