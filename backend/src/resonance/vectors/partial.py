"""Catalogue rows for some tracks only: what an index fed between builds reads.

`load_catalogue` reads every table whole, once per build. Between builds, tracks that
discovery adds and descriptors that the audio stage stores reach the served model a
few at a time (`resonance.index.incremental`); these reads cost what those few cost.
The rows carry no playlists: co-occurrence evidence waits for the next full build.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from resonance import catalog
from resonance.audio import audio_for_tracks
from resonance.vectors.loader import SPOTIFY_BLOCK, _descriptors, audio_schema
from resonance.vectors.snapshot import Catalogue

TrackRow = tuple[int, int | None, bool, int | None]  # id, album, explicit, primary artist


async def load_tracks_after(session: AsyncSession, after_id: int) -> Catalogue:
    """Rows of every track whose id is above `after_id` (those added since a build)."""
    return await load_rows(session, await catalog.snapshot_tracks(session, after_id))


async def load_rows(session: AsyncSession, tracks: Sequence[TrackRow]) -> Catalogue:
    """A `Catalogue` of these tracks, filled exactly as `load_catalogue` fills its rows."""
    version, feature_names, _ = audio_schema()
    n = len(tracks)
    ids = [t for t, _, _, _ in tracks]
    row_of = {t: i for i, t in enumerate(ids)}
    audio = np.zeros((n, len(feature_names)), np.float32)
    audio_mask = np.zeros(n, bool)
    audio_rows = await audio_for_tracks(session, version, ids) if ids else []
    for track_id, blob, _ in audio_rows:
        values = np.frombuffer(blob, dtype="<f4")
        if len(values) != len(feature_names) or not np.isfinite(values).all():
            continue
        audio[row_of[track_id]] = values
        audio_mask[row_of[track_id]] = True
    spotify = np.zeros((n, len(SPOTIFY_BLOCK)), np.float32)
    spotify_mask = np.zeros(n, bool)
    feature_rows = await catalog.spotify_features_for(session, ids) if ids else []
    for features in feature_rows:
        raw = [getattr(features, name) for name in SPOTIFY_BLOCK]
        if any(v is None for v in raw):
            continue
        spotify[row_of[features.track_id]] = np.asarray(raw, np.float32)
        spotify_mask[row_of[features.track_id]] = True
    genres = await catalog.genres_for_tracks(session, ids) if ids else {}
    return Catalogue(
        track_ids=np.asarray(ids, np.int64),
        artist_ids=np.asarray([ar if ar is not None else -1 for *_, ar in tracks], np.int64),
        album_ids=np.asarray([a if a is not None else -1 for _, a, _, _ in tracks], np.int64),
        audio=audio,
        audio_mask=audio_mask,
        spotify=spotify,
        spotify_mask=spotify_mask,
        genres=[genres.get(t, []) for t in ids],
        playlists=[],
        descriptors=_descriptors(row_of, audio_rows, list(feature_rows)),
        explicit=np.asarray([e for _, _, e, _ in tracks], bool),
    )
