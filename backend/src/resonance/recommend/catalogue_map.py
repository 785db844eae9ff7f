"""The catalogue map: a neighbourhood-preserving 2-D layout of the serving index.

The layout (`resonance.index.layout`) is computed on demand, once per loaded index
version, in a worker thread, and kept for as long as that version serves. Tracks the
held model gains between builds (analysed since) are placed beside their nearest
neighbours instead of recomputing the layout.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession

from resonance import catalog
from resonance.index import layout, place_new
from resonance.recommend.recommender import Recommender
from resonance.recommend.schemas import MapResponse
from resonance.recommend.service import current_model, holder_of
from resonance.runtime import Runtime


@dataclass
class MapLayouts:
    """The layout of the serving model, computed at most once at a time."""

    model: Recommender | None = None
    coordinates: NDArray[np.float32] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def of(self, model: Recommender) -> NDArray[np.float32]:
        """Coordinates for every row of `model`, computing or extending them as needed."""
        async with self.lock:
            if self.model is not model or self.coordinates is None:
                self.coordinates = await asyncio.to_thread(
                    layout, model.vectors.vectors, model.index
                )
                self.model = model
            elif len(self.coordinates) < model.n_items:
                self.coordinates = await asyncio.to_thread(
                    place_new, self.coordinates, model.vectors.vectors
                )
            return self.coordinates


async def catalogue_map(runtime: Runtime, session: AsyncSession, limit: int) -> MapResponse:
    """Up to `limit` tracks of the serving index with their map coordinates.

    Above `limit` a fixed random sample is returned (the same one on every call, so
    the map does not shimmer between reloads). Coordinates are scaled to 0..1.
    """
    model = await current_model(runtime)
    coordinates = await runtime.component(MapLayouts, lambda _: MapLayouts()).of(model)
    rows = np.arange(model.n_items)
    if len(rows) > limit:
        rows = np.sort(np.random.default_rng(0).choice(rows, size=limit, replace=False))
    placed = coordinates[rows]
    low = placed.min(axis=0) if len(placed) else np.zeros(2, np.float32)
    span = np.maximum(np.ptp(placed, axis=0), 1e-9) if len(placed) else np.ones(2, np.float32)
    unit = (placed - low) / span
    ids = [int(model.catalogue.track_ids[r]) for r in rows]
    names = await catalog.get_tracks(session, ids)
    first_genre = [
        model.catalogue.genres[r][0] if model.catalogue.genres[r] else None for r in rows
    ]
    genres = sorted({g for g in first_genre if g})
    genre_index = {g: i for i, g in enumerate(genres)}
    return MapResponse(
        index_version=holder_of(runtime).loaded_version or 0,
        total=model.n_items,
        ids=ids,
        x=[round(float(v), 5) for v in unit[:, 0]],
        y=[round(float(v), 5) for v in unit[:, 1]],
        genre=[genre_index[g] if g else -1 for g in first_genre],
        names=[names[t].name if t in names else "" for t in ids],
        genres=genres,
    )
