"""The catalogue map: a neighbourhood-preserving 2-D layout of the serving index.

Each index version's layout is computed when the version is built and written beside
it (`resonance.index.layouts`). A request finds it there; while the newest version is
still being laid out, the newest earlier layout serves, with tracks new since placed
beside their nearest neighbours; only the very first layout of a catalogue has nothing
to show, and the answer then says how far it has got (`MapPending`). Tracks the held
model gains between builds (analysed since) are placed beside their nearest neighbours
too, instead of recomputing the layout.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession

from resonance import catalog, index
from resonance.recommend.recommender import Recommender
from resonance.recommend.schemas import MapPending, MapResponse
from resonance.recommend.service import current_model, holder_of
from resonance.runtime import Runtime

LAYING_OUT = (
    "Laying out the map: the first layout of this catalogue is being computed. Ask again"
    " in a moment."
)


def _aligned(model: Recommender, saved: index.SavedLayout) -> NDArray[np.float32]:
    """`saved` as coordinates of the model's rows; rows it lacks join their neighbours."""
    n = min(model.n_items, len(model.vectors.vectors))
    ids = np.asarray(model.catalogue.track_ids[:n], np.int64)
    order = np.argsort(saved.track_ids, kind="stable")
    known = saved.track_ids[order]
    at = np.clip(np.searchsorted(known, ids), 0, max(len(known) - 1, 0))
    found = (known[at] == ids) if len(known) else np.zeros(n, bool)
    coordinates = np.full((n, 2), np.nan, np.float32)
    coordinates[found] = saved.coordinates[order[at[found]]]
    return index.place_missing(coordinates, model.vectors.vectors[:n])


@dataclass
class MapLayouts:
    """The coordinates of the serving model, and the version whose layout gave them."""

    model: Recommender | None = None
    coordinates: NDArray[np.float32] | None = None
    layout_version: int = 0
    final: bool = False  # from the serving version's own layout, not an earlier one's
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def of(
        self, runtime: Runtime, model: Recommender, version: int
    ) -> tuple[NDArray[np.float32], int] | index.Progress:
        """Coordinates for every row of `model` (and their layout's version), or how far
        the first layout has got."""
        async with self.lock:
            if self.model is not model or not self.final:
                store = holder_of(runtime).store
                own = await asyncio.to_thread(index.load_layout, store, version)
                if own is None and (self.model is not model or self.coordinates is None):
                    await self._lay_out(runtime, model, version)
                    own = await asyncio.to_thread(index.latest_layout, store, version)
                if own is not None:
                    self.coordinates = await asyncio.to_thread(_aligned, model, own)
                    self.model, self.layout_version = model, own.version
                    self.final = own.version == version
            if self.model is not model or self.coordinates is None:
                progress = await index.layout_progress(runtime.cache, holder_of(runtime).store)
                if progress is None or not progress.total:  # not started, or still starting
                    return index.Progress(
                        0, index.LayoutConfig().epochs_for(model.n_items), version
                    )
                return progress
            if len(self.coordinates) < model.n_items:
                self.coordinates = await asyncio.to_thread(
                    index.place_new, self.coordinates, model.vectors.vectors[: model.n_items]
                )
            return self.coordinates, self.layout_version

    async def _lay_out(self, runtime: Runtime, model: Recommender, version: int) -> None:
        """Start the layout of `version` here unless some process is computing it already
        (an index from before layouts were saved, or a builder that died)."""
        store = holder_of(runtime).store
        if (
            index.is_running(store, version)
            or await index.layout_progress(runtime.cache, store) is not None
        ):
            return
        if await asyncio.to_thread(index.load_layout, store, version) is not None:
            return  # finished between the two looks
        index.start_layout(store, runtime.cache, version)


async def catalogue_map(
    runtime: Runtime, session: AsyncSession, limit: int
) -> MapResponse | MapPending:
    """Up to `limit` tracks of the serving index with their map coordinates.

    Above `limit` a fixed random sample is returned (the same one on every call, so
    the map does not shimmer between reloads). Coordinates are scaled to 0..1.
    """
    model = await current_model(runtime)
    version = holder_of(runtime).loaded_version or 0
    found = await runtime.component(MapLayouts, lambda _: MapLayouts()).of(runtime, model, version)
    if isinstance(found, index.Progress):
        return MapPending(
            index_version=version, done=found.done, total=found.total, detail=LAYING_OUT
        )
    coordinates, layout_version = found
    rows = np.arange(len(coordinates))
    if len(rows) > limit:
        rows = np.sort(np.random.default_rng(0).choice(rows, size=limit, replace=False))
    placed = coordinates[rows]
    low = placed.min(axis=0) if len(placed) else np.zeros(2, np.float32)
    span = np.maximum(np.ptp(placed, axis=0), 1e-9) if len(placed) else np.ones(2, np.float32)
    unit = (placed - low) / span
    ids = [int(model.catalogue.track_ids[r]) for r in rows]
    names = await catalog.track_names(session, ids)
    first_genre = [
        model.catalogue.genres[r][0] if model.catalogue.genres[r] else None for r in rows
    ]
    genres = sorted({g for g in first_genre if g})
    genre_index = {g: i for i, g in enumerate(genres)}
    return MapResponse(
        index_version=version,
        layout_version=layout_version,
        total=len(coordinates),
        ids=ids,
        x=[round(float(v), 5) for v in unit[:, 0]],
        y=[round(float(v), 5) for v in unit[:, 1]],
        genre=[genre_index[g] if g else -1 for g in first_genre],
        names=[names.get(t, "") for t in ids],
        genres=genres,
    )
