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
from tests.audio.signals import (
    A_MINOR,
    C_MAJOR,
    SR,
    chords,
    click_track,
    steady_chord,
    tone,
    white_noise,
)


@pytest.mark.parametrize("bpm", [90, 97, 120, 130, 140, 150])
def test_click_track_tempo_within_two_percent(bpm: int) -> None:
    summary = extract(click_track(bpm), SR).summary
    tempo = summary["tempo_bpm"]
    assert isinstance(tempo, float)
    # Octave and metrical errors (×2, ×½, ×4/3…) are far outside ±2 % and count as wrong.
    assert abs(tempo - bpm) / bpm <= 0.02, tempo
    assert float(summary["tempo_confidence"]) > 0.7


@pytest.mark.parametrize("bpm", [97, 120, 130, 140])
def test_accented_loop_tempo_is_the_beat_not_a_subdivision(bpm: int) -> None:
    """Kick on 1 and 3, snare on 2 and 4, hats on eighths: the beat, not the hats."""
    beat = 60.0 / bpm
    kick = click_track(bpm / 2, seconds=30) * 1.0
    snare = np.roll(click_track(bpm / 2, seconds=30), round(beat * SR)) * 0.8
    hats = np.roll(click_track(bpm * 2, seconds=30), 0) * 0.3
    tempo = extract(kick + snare + hats, SR).summary["tempo_bpm"]
    assert isinstance(tempo, float)
    assert abs(tempo - bpm) / bpm <= 0.04, tempo


@pytest.mark.parametrize(
    "signal",
    [
        tone(220.0, 30),
        steady_chord([48, 60, 64, 67]),
        white_noise(30),
        np.zeros(30 * SR, np.float32),
    ],
    ids=["sine", "steady chord", "white noise", "silence"],
)
def test_no_pulse_means_no_tempo(signal: np.ndarray) -> None:
    summary = extract(signal, SR).summary
    assert summary["tempo_bpm"] is None
    assert float(summary["tempo_confidence"]) < 0.35
    assert float(summary["rhythmic_regularity"]) < 0.35


def test_random_clicks_have_onsets_but_no_tempo() -> None:
    rng = np.random.default_rng(3)
    y = np.zeros(30 * SR, np.float32)
    for at in np.cumsum(rng.exponential(0.35, 80)):
        i = int(at * SR)
        if i < len(y) - 400:
            y[i : i + 400] += np.exp(-np.arange(400) / 60.0).astype(np.float32)
    summary = extract(y, SR).summary
    assert summary["tempo_bpm"] is None


def test_steady_tones_have_no_onsets() -> None:
    onset_rate = FEATURE_NAMES.index("onset_rate")
    for signal in (tone(220.0, 30), steady_chord([48, 60, 64, 67])):
        result = extract(signal, SR)
        assert result.features[onset_rate] < 0.2, result.features[onset_rate]


def test_steady_c_major_chord_is_c_major() -> None:
    """A sustained triad is its own key, not its relative minor's neighbour."""
    summary = extract(steady_chord([48, 60, 64, 67], seconds=20), SR).summary
    assert (summary["key"], summary["mode"]) == ("C", "major")
    assert float(summary["key_relative_margin"]) > 0


def test_detuned_chords_keep_their_key() -> None:
    """A band tuned a third of a semitone sharp (A = 448 Hz) is still in C major."""
    y = chords([[n + 0.33 for n in chord] for chord in C_MAJOR])
    summary = extract(y, SR).summary
    assert (summary["key"], summary["mode"]) == ("C", "major")
    assert 0.2 < float(summary["tuning_semitones"]) < 0.45


def test_energy_follows_loudness_for_steady_tones() -> None:
    loud = extract(tone(220.0, 20, amp=0.5), SR).summary["energy"]
    soft = extract(tone(220.0, 20, amp=0.02), SR).summary["energy"]
    assert float(loud) > float(soft) + 0.3
    assert float(loud) <= 0.6  # loud but with no onsets: not maximal energy


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


@pytest.mark.parametrize("mode", ["major", "minor"])
@pytest.mark.parametrize("tonic", range(12))
def test_every_key_and_mode(tonic: int, mode: str) -> None:
    """The progressions transposed to all 24 keys: the profiles favour no key."""
    material = C_MAJOR if mode == "major" else A_MINOR
    shift = tonic if mode == "major" else tonic - 9
    summary = extract(chords([[n + shift for n in chord] for chord in material]), SR).summary
    assert (summary["key"], summary["mode"]) == (PITCH_CLASSES[tonic], mode)


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
