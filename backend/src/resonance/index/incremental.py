"""Feeding a served index between builds: new tracks and newly analysed ones.

Discovery adds tracks a batch at a time and the audio stage stores descriptors a track
at a time; a full build re-reads the whole catalogue and refits every statistic, which
is minutes of work for a handful of rows. Between builds the served model is fed
instead:

- tracks added since its build join it at once with the blocks they have (genre and,
  where known, Spotify features; no co-occurrence, which needs a build);
- a track whose descriptors arrive later has its row re-embedded in place, so its audio
  block counts from then on.

Rows are embedded with the build's own statistics and weights (`embed_rows`), so a
score is still the exact sum of its block shares. A flat index is refreshed in place;
an HNSW graph keeps a re-embedded row where it was until the next build (candidates
come from the old position, scores and shares from the new vector).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.audio import analysed_since
from resonance.index.vector_index import VectorIndex
from resonance.vectors import (
    BLOCK_NAMES,
    Catalogue,
    IntArray,
    VectorSet,
    audio_schema,
    embed_rows,
    load_rows,
    load_tracks_after,
)

# Descriptors are stamped by the worker that computed them and committed a moment
# later, so a poll looks back this far past the newest stamp it has seen: a row
# committed late with an older stamp is still found. Re-reading a row is harmless.
LOOK_BACK = timedelta(seconds=60)


class FeedableModel(Protocol):
    """What the feed needs of a served model (the recommender)."""

    catalogue: Catalogue

    def has_track(self, track_id: int) -> bool: ...

    def add_tracks(self, part: Catalogue) -> int: ...

    def refresh_tracks(self, part: Catalogue) -> int: ...


def replace_rows(
    catalogue: Catalogue, vectors: VectorSet, index: VectorIndex, rows: IntArray, part: Catalogue
) -> None:
    """Re-embed `rows` from `part` (same tracks, in order) in place.

    The audio, Spotify and genre blocks come from `part`; the co-occurrence block is
    kept, since it comes from playlists, which only a build reads.
    """
    fresh, fresh_masks = embed_rows(vectors, part)
    cooc = vectors.block("cooc")
    cooc_column = BLOCK_NAMES.index("cooc")
    fresh[:, cooc.slice] = vectors.vectors[rows, cooc.slice]
    fresh_masks[:, cooc_column] = vectors.masks[rows, cooc_column]
    vectors.vectors[rows] = fresh
    vectors.masks[rows] = fresh_masks
    catalogue.audio[rows] = part.audio
    catalogue.audio_mask[rows] = part.audio_mask
    catalogue.spotify[rows] = part.spotify
    catalogue.spotify_mask[rows] = part.spotify_mask
    for offset, row in enumerate(rows.tolist()):
        catalogue.genres[row] = part.genres[offset]
    for name, values in part.descriptors.items():
        column = catalogue.descriptors.setdefault(name, np.full(catalogue.n_items, np.nan))
        column[rows] = values
    if index.kind == "flat":
        # A flat index is a plain copy of the vectors: copying them again is a memcpy
        # (0.3 ms for 3,000 × 120 floats), cheaper than tracking which rows moved.
        index.refill(vectors.vectors)


@dataclass
class FeedReport:
    added: int = 0
    refreshed: int = 0
    checked: bool = False


@dataclass
class _Cursor:
    model_id: int
    after_id: int
    since: datetime = field(default_factory=lambda: datetime(1970, 1, 1, tzinfo=UTC))
    checked_at: float = 0.0


class IncrementalFeed:
    """Feeds one process's served model what arrived since its build.

    `catch_up` looks at most every `interval` seconds (two indexed queries: tracks
    with a larger id than the model's newest, descriptors stamped since the last look)
    and changes the model on the event loop, where requests read it, so no request
    sees a half-fed model. A newly loaded model starts a new cursor.
    """

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._cursor: _Cursor | None = None
        self._lock = asyncio.Lock()

    async def catch_up(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        model: FeedableModel,
        *,
        force: bool = False,
    ) -> FeedReport:
        cursor = self._cursor
        recent = cursor is not None and time.monotonic() - cursor.checked_at < self.interval
        if recent and not force and cursor is not None and cursor.model_id == id(model):
            return FeedReport()
        async with self._lock:
            cursor = self._cursor
            if (
                not force
                and cursor is not None
                and cursor.model_id == id(model)
                and time.monotonic() - cursor.checked_at < self.interval
            ):
                return FeedReport()  # another request looked while this one waited
            if cursor is None or cursor.model_id != id(model):
                ids = model.catalogue.track_ids
                cursor = _Cursor(id(model), int(ids.max()) if len(ids) else 0)
                self._cursor = cursor
            cursor.checked_at = time.monotonic()
            async with sessionmaker() as session:
                return await self._feed(session, model, cursor)

    async def _feed(
        self, session: AsyncSession, model: FeedableModel, cursor: _Cursor
    ) -> FeedReport:
        report = FeedReport(checked=True)
        new = await load_tracks_after(session, cursor.after_id)
        if new.n_items:
            report.added = model.add_tracks(new)
            cursor.after_id = int(new.track_ids.max())
        version = audio_schema()[0]
        stamped = await analysed_since(session, version, cursor.since)
        if stamped:
            cursor.since = max(at for _, at in stamped) - LOOK_BACK
        catalogue = model.catalogue
        stamped_ids = np.fromiter((t for t, _ in stamped), np.int64, len(stamped))
        rows = np.flatnonzero(np.isin(catalogue.track_ids, stamped_ids) & ~catalogue.audio_mask)
        if rows.size:
            part = await load_rows(
                session,
                [
                    (
                        int(catalogue.track_ids[r]),
                        int(catalogue.album_ids[r]),
                        bool(catalogue.explicit[r]) if catalogue.explicit is not None else False,
                        int(catalogue.artist_ids[r]),
                    )
                    for r in rows.tolist()
                ],
            )
            report.refreshed = model.refresh_tracks(part)
        return report
