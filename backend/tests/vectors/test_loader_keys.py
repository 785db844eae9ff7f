"""Key and mode reach the catalogue's descriptors when the analysis is sure of them."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from resonance.db import SPOTIFY_FEATURE_NAMES
from resonance.vectors.loader import _descriptors, audio_schema


def test_confident_keys_become_pitch_class_and_mode_and_spotify_fills_the_rest() -> None:
    _, feature_names, _ = audio_schema()
    blob = np.zeros(len(feature_names), "<f4").tobytes()
    audio = [
        (1, blob, {"key": "A", "mode": "minor", "key_confidence": 0.8, "energy": 0.5}),
        (2, blob, {"key": "F#", "mode": "major", "key_confidence": 0.9}),
        (3, blob, {"key": "C", "mode": "major", "key_confidence": 0.1}),  # unsure: unknown
        (4, blob, {"key": "H", "mode": "major", "key_confidence": 0.9}),  # no such pitch
    ]
    spotify = dict.fromkeys(SPOTIFY_FEATURE_NAMES, 0.5) | {"key": 7, "mode": 0}
    features = [
        SimpleNamespace(track_id=3, **spotify),
        SimpleNamespace(track_id=1, **(spotify | {"key": 2, "mode": 1})),  # ours wins
        SimpleNamespace(track_id=4, **(spotify | {"key": -1})),  # Spotify found none
    ]
    descriptors = _descriptors({1: 0, 2: 1, 3: 2, 4: 3}, audio, features)
    assert descriptors["key"].tolist()[:3] == [9.0, 6.0, 7.0]
    assert descriptors["mode"].tolist()[:3] == [0.0, 1.0, 0.0]
    assert np.isnan(descriptors["key"][3]) and np.isnan(descriptors["mode"][3])
