"""Descriptors against signals whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from resonance.audio import human
from resonance.audio.descriptors import (
    DESCRIPTOR_VERSION,
    FEATURE_NAMES,
    HUMAN_DESCRIPTORS,
    extract,
)
from resonance.audio.keys import PITCH_CLASSES
from tests.audio.signals import A_MINOR, C_MAJOR, SR, chords, click_track, tone, white_noise


@pytest.mark.parametrize("bpm", [90, 120, 150])
def test_click_track_tempo_within_two_percent(bpm: int) -> None:
    tempo = extract(click_track(bpm), SR).summary["tempo_bpm"]
    assert isinstance(tempo, float)
    # Octave errors (45, 180, 300…) are well outside ±2 % and count as wrong.
    assert abs(tempo - bpm) / bpm <= 0.02, tempo


def test_click_track_is_regular_and_percussive() -> None:
    summary = extract(click_track(120), SR).summary
    assert summary["rhythmic_regularity"] > 0.8
    assert summary["percussiveness"] > 0.8


def test_440_hz_peaks_at_chroma_a() -> None:
    features = extract(tone(440.0), SR).features
    chroma = features[[FEATURE_NAMES.index(f"chroma_{pc}") for pc in PITCH_CLASSES]]
    assert PITCH_CLASSES[int(np.argmax(chroma))] == "A"


@pytest.mark.parametrize(
    ("material", "key", "mode"), [(C_MAJOR, "C", "major"), (A_MINOR, "A", "minor")]
)
def test_key_and_mode(material: list[list[int]], key: str, mode: str) -> None:
    summary = extract(chords(material), SR).summary
    assert (summary["key"], summary["mode"]) == (key, mode)
    assert float(summary["key_confidence"]) > 0.6
    assert float(summary["tonal_clarity"]) > 0.6


def test_noise_is_flatter_and_brighter_than_a_tone() -> None:
    noise, pure = extract(white_noise(), SR), extract(tone(440.0), SR)
    flat = FEATURE_NAMES.index("flatness_mean")
    centroid = FEATURE_NAMES.index("centroid_khz_mean")
    assert noise.features[flat] > 10 * pure.features[flat]
    assert noise.features[centroid] > 5 * pure.features[centroid]
    assert noise.summary["brightness"] > pure.summary["brightness"]
    assert noise.summary["noisiness"] > 0.8 > 0.1 > float(pure.summary["noisiness"])
    assert float(noise.summary["tonal_clarity"]) < 0.2 < float(pure.summary["tonal_clarity"])


def test_schema_shape_and_ranges() -> None:
    assert DESCRIPTOR_VERSION >= 1
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    result = extract(chords(C_MAJOR) + 0.3 * click_track(100, seconds=16), SR)
    assert result.features.dtype == np.float32
    assert result.features.shape == (len(FEATURE_NAMES),)
    assert np.isfinite(result.features).all()
    for name in HUMAN_DESCRIPTORS:
        value = result.summary[name]
        assert isinstance(value, float) and 0.0 <= value <= 1.0, (name, value)
    assert {"tempo_bpm", "key", "mode", "key_confidence"} <= result.summary.keys()


def test_louder_busier_audio_has_more_energy() -> None:
    quiet = extract(0.05 * chords(C_MAJOR), SR).summary["energy"]
    loud = extract(np.clip(chords(C_MAJOR) * 3 + click_track(140, seconds=16), -1, 1), SR)
    assert float(loud.summary["energy"]) > float(quiet) + 0.2


def test_loudness_is_calibrated_in_dbfs() -> None:
    features = extract(tone(440.0, amp=0.5), SR).features
    # A sine of amplitude 0.5 has RMS 0.354: −9.03 dBFS.
    assert features[FEATURE_NAMES.index("loudness_db")] == pytest.approx(-9.03, abs=0.1)


def test_human_formulas_clip_and_order() -> None:
    assert human.energy(-60.0, 0.0) == 0.0 and human.energy(0.0, 20.0) == 1.0
    assert (
        human.brightness(100.0) == 0.0 < human.brightness(1500.0) < human.brightness(9000.0) == 1.0
    )
    assert human.dynamic_range(15.0) == 0.5 and human.noisiness(float("nan")) == 0.0
    assert (
        human.tonal_clarity(0.9, 0.0)
        > human.tonal_clarity(0.9, 0.5)
        > human.tonal_clarity(0.9, 1.0)
    )
