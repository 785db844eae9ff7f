"""Fill a `Catalogue` from the database (one snapshot per index build)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from resonance import catalog
from resonance.audio import TEMPO_CLAIM, snapshot_audio
from resonance.db import SPOTIFY_FEATURE_NAMES
from resonance.vectors.confidence import KEY_CLAIM
from resonance.vectors.cooc import cooccurrence_windows
from resonance.vectors.snapshot import Catalogue

# Spotify features that go into the `spotify` block (key and mode are categorical,
# time signature nearly constant, loudness covered by our own dynamics).
SPOTIFY_BLOCK = tuple(
    name
    for name in SPOTIFY_FEATURE_NAMES
    if name not in {"key", "mode", "loudness", "time_signature"}
)
# Spotify values shown in explanations and usable as targets, under names that do not
# collide with Resonance's own descriptors (our "energy" is not Spotify's).
SPOTIFY_DESCRIPTORS = {
    "valence": "valence",
    "danceability": "danceability",
    "energy": "spotify_energy",
}
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
# Read from the analysis summary beside the human descriptors. `key` is a pitch class
# (0 = C) and `mode` 1 for major, 0 for minor: what Camelot ordering and journey
# sentences read. Tempo and key are only present where their confidence reaches the
# claim thresholds of `resonance.vectors.confidence`.
ANALYSIS_FIELDS = ("tempo_bpm", "tempo_confidence", "key", "mode", "key_confidence")


def audio_schema() -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    """(descriptor version, raw feature names, human-readable descriptor names)."""
    from resonance.audio import DESCRIPTOR_VERSION, FEATURE_NAMES, HUMAN_DESCRIPTORS

    return (
        int(DESCRIPTOR_VERSION),
        tuple(FEATURE_NAMES),
        tuple(HUMAN_DESCRIPTORS),
    )


async def load_catalogue(session: AsyncSession) -> Catalogue:
    version, feature_names, _ = audio_schema()
    tracks = await catalog.snapshot_tracks(session)
    n = len(tracks)
    row_of = {t: i for i, (t, _, _, _) in enumerate(tracks)}
    track_ids = np.asarray([t for t, _, _, _ in tracks], np.int64)
    album_ids = np.asarray([a if a is not None else -1 for _, a, _, _ in tracks], np.int64)
    artist_ids = np.asarray([ar if ar is not None else -1 for _, _, _, ar in tracks], np.int64)
    explicit = np.asarray([e for _, _, e, _ in tracks], bool)

    audio = np.zeros((n, len(feature_names)), np.float32)
    audio_mask = np.zeros(n, bool)
    audio_rows = await snapshot_audio(session, version)
    feature_rows = await catalog.snapshot_spotify_features(session)
    for track_id, blob, _ in audio_rows:
        row = row_of.get(track_id)
        values = np.frombuffer(blob, dtype="<f4")
        if row is None or len(values) != len(feature_names) or not np.isfinite(values).all():
            continue
        audio[row] = values
        audio_mask[row] = True

    spotify = np.zeros((n, len(SPOTIFY_BLOCK)), np.float32)
    spotify_mask = np.zeros(n, bool)
    for features in feature_rows:
        row = row_of.get(features.track_id)
        raw = [getattr(features, name) for name in SPOTIFY_BLOCK]
        if row is None or any(v is None for v in raw):
            continue
        spotify[row] = np.asarray(raw, np.float32)
        spotify_mask[row] = True
    descriptors = _descriptors(row_of, audio_rows, feature_rows)

    genres: list[set[str]] = [set() for _ in range(n)]
    for track_id, genre in await catalog.snapshot_track_genres(session):
        if (row := row_of.get(track_id)) is not None:
            genres[row].add(genre)
    by_artist: dict[int, set[str]] = defaultdict(set)
    for artist_id, genre in await catalog.snapshot_artist_genres(session):
        by_artist[artist_id].add(genre)

    lists: dict[Any, list[int]] = defaultdict(list)
    for playlist_id, track_id in await catalog.snapshot_playlists(session):
        lists[("playlist", playlist_id)].append(row_of[track_id])
    for user_id, kind, track_id in await catalog.snapshot_libraries(session):
        lists[("library", user_id, kind)].append(row_of[track_id])
    playlists = [
        window
        for rows in lists.values()
        for window in cooccurrence_windows(rows)
        if len(window) > 1
    ]

    return Catalogue(
        track_ids=track_ids,
        artist_ids=artist_ids,
        album_ids=album_ids,
        audio=audio,
        audio_mask=audio_mask,
        spotify=spotify,
        spotify_mask=spotify_mask,
        genres=[sorted(g) for g in genres],
        playlists=playlists,
        artist_genres=[sorted(g) for g in by_artist.values()],
        descriptors=descriptors,
        explicit=explicit,
    )


def descriptor_names() -> tuple[str, ...]:
    """Every descriptor a catalogue can hold: targets and explanations may name these."""
    return (*audio_schema()[2], "tempo_bpm", *SPOTIFY_DESCRIPTORS.values())


async def load_descriptors(session: AsyncSession, track_ids: np.ndarray) -> dict[str, np.ndarray]:
    """Descriptor values as the database holds them now, one array per descriptor in
    `track_ids` order (NaN where unmeasured); descriptors no track has are left out.

    A build copies them at its start; the sound analysis goes on after it, so a model
    serving requests reads newer values with this (see `resonance.recommend.targets`).
    """
    version, _, _ = audio_schema()
    row_of = {int(t): i for i, t in enumerate(track_ids)}
    return _descriptors(
        row_of,
        await snapshot_audio(session, version),
        await catalog.snapshot_spotify_features(session),
    )


def _descriptors(
    row_of: dict[int, int],
    audio_rows: list[tuple[int, bytes, dict[str, Any]]],
    feature_rows: Sequence[Any],
) -> dict[str, np.ndarray]:
    _, feature_names, human = audio_schema()
    n = len(row_of)
    descriptors: dict[str, np.ndarray] = {
        name: np.full(n, np.nan)
        for name in (*human, *ANALYSIS_FIELDS, *SPOTIFY_DESCRIPTORS.values())
    }
    for track_id, blob, summary in audio_rows:
        row = row_of.get(track_id)
        # Only analyses whose feature vector the audio block accepts (as the build does).
        values = np.frombuffer(blob, dtype="<f4")
        if row is None or len(values) != len(feature_names) or not np.isfinite(values).all():
            continue
        for name in human:
            value = _number(summary.get(name))
            if value is not None:
                descriptors[name][row] = value
        for name, value in _claims(summary).items():
            descriptors[name][row] = value
    for features in feature_rows:
        row = row_of.get(features.track_id)
        if row is None or any(getattr(features, name) is None for name in SPOTIFY_BLOCK):
            continue
        for source, target in SPOTIFY_DESCRIPTORS.items():
            descriptors[target][row] = float(getattr(features, source))
        key, mode = getattr(features, "key", None), getattr(features, "mode", None)
        # Spotify's key (-1 when it found none) where our own analysis has no sure key.
        if np.isnan(descriptors["key"][row]) and key is not None and key >= 0 and mode is not None:
            descriptors["key"][row], descriptors["mode"][row] = key, mode
    return {k: v for k, v in descriptors.items() if not np.isnan(v).all()}


def _claims(summary: dict[str, Any]) -> dict[str, float]:
    """Tempo and key values the analysis is sure enough of to state, with confidences.

    A tempo under `TEMPO_CLAIM` or a key under `KEY_CLAIM` is left out: an
    explanation then makes no tempo or key claim rather than quoting a guess.
    """
    out: dict[str, float] = {}
    tempo_confidence = _number(summary.get("tempo_confidence"))
    key_confidence = _number(summary.get("key_confidence"))
    if tempo_confidence is not None:
        out["tempo_confidence"] = tempo_confidence
        tempo = _number(summary.get("tempo_bpm"))
        if tempo is not None and tempo > 0 and tempo_confidence >= TEMPO_CLAIM:
            out["tempo_bpm"] = tempo
    if key_confidence is not None:
        out["key_confidence"] = key_confidence
        key, mode = summary.get("key"), summary.get("mode")
        if key in PITCH_CLASSES and mode in ("major", "minor") and key_confidence >= KEY_CLAIM:
            out["key"] = float(PITCH_CLASSES.index(str(key)))
            out["mode"] = 1.0 if mode == "major" else 0.0
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None
