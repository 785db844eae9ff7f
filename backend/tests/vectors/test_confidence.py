"""Guessed tempi and keys: not claimed in descriptors, shrunk in the sound vectors."""

from __future__ import annotations

import numpy as np
import pytest

from resonance.audio import FEATURE_NAMES, TEMPO_CLAIM, extract
from resonance.vectors.build import build_vectors
from resonance.vectors.confidence import KEY_CLAIM, discount_uncertain, trust
from resonance.vectors.loader import _descriptors
from resonance.vectors.synthetic import synthetic_catalogue
from tests.audio.signals import SR, chords, click_track, white_noise

NAMES = list(FEATURE_NAMES)


def _row(summary: dict[str, object]) -> tuple[int, bytes, dict[str, object]]:
    return 1, np.zeros(len(NAMES), "<f4").tobytes(), summary


def test_trust_is_zero_at_the_none_threshold_and_full_from_point_seven() -> None:
    weights = trust(np.array([0.0, 0.35, 0.525, 0.7, 0.95, np.nan]))
    assert weights.tolist() == pytest.approx([0.0, 0.0, 0.5, 1.0, 1.0, 0.0])


def test_a_confident_tempo_and_key_are_claimed_with_their_confidences() -> None:
    summary = {
        "tempo_bpm": 123.0,
        "tempo_confidence": 0.8,
        "key": "A",
        "mode": "minor",
        "key_confidence": 0.9,
        "energy": 0.5,
    }
    values = _descriptors({1: 0}, [_row(summary)], [])
    assert values["tempo_bpm"][0] == 123.0
    assert values["key"][0] == 9.0
    assert values["mode"][0] == 0.0
    assert values["tempo_confidence"][0] == pytest.approx(0.8)
    assert values["key_confidence"][0] == pytest.approx(0.9)


@pytest.mark.parametrize("margin", [0.01, 0.2])
def test_a_guessed_tempo_or_key_is_not_claimed(margin: float) -> None:
    summary = {
        "tempo_bpm": 97.0,
        "tempo_confidence": TEMPO_CLAIM - margin,
        "key": "E",
        "mode": "major",
        "key_confidence": KEY_CLAIM - margin,
        "energy": 0.5,
    }
    values = _descriptors({1: 0}, [_row(summary)], [])
    assert "tempo_bpm" not in values and "key" not in values and "mode" not in values
    assert values["tempo_confidence"][0] == pytest.approx(TEMPO_CLAIM - margin)
    assert values["energy"][0] == 0.5


def test_analysed_audio_claims_the_click_tracks_tempo_and_not_the_noises() -> None:
    rows = {
        "clicks": extract(click_track(120.0, seconds=20.0), SR).summary,
        "noise": extract(white_noise(seconds=20.0), SR).summary,
        "chords": extract(
            chords([[60, 64, 67], [65, 69, 72], [67, 71, 74], [60, 64, 67]] * 2), SR
        ).summary,
    }
    values = _descriptors(
        {i: i for i in range(3)},
        [(i, np.zeros(len(NAMES), "<f4").tobytes(), s) for i, s in enumerate(rows.values())],
        [],
    )
    assert values["tempo_bpm"][0] == pytest.approx(120.0, rel=0.04)
    assert np.isnan(values["tempo_bpm"][1])
    assert np.isnan(values["key"][1])
    assert values["key"][2] == 0.0 and values["mode"][2] == 1.0  # C major


def test_discount_leaves_confident_columns_and_other_features_alone() -> None:
    rng = np.random.default_rng(0)
    raw = rng.normal(size=(4, len(NAMES))).astype(np.float32)
    z = rng.normal(size=raw.shape).astype(np.float32)
    raw[:, NAMES.index("tempo_confidence")] = [0.9, 0.2, 0.525, 0.9]
    raw[:, NAMES.index("key_confidence")] = [0.9, 0.9, 0.2, 0.1]
    out = discount_uncertain(z, raw, NAMES)
    tempo, mode = NAMES.index("tempo_bpm"), NAMES.index("mode_major")
    assert out[:, tempo].tolist() == pytest.approx(
        [z[0, tempo], 0.0, 0.5 * z[2, tempo], z[3, tempo]], abs=1e-6
    )
    assert out[:, mode].tolist() == pytest.approx([z[0, mode], z[1, mode], 0.0, 0.0], abs=1e-6)
    others = [i for i, n in enumerate(NAMES) if n not in ("tempo_bpm", "beat_strength")]
    others = [i for i in others if NAMES[i] not in ("mode_major", "key_correlation", "key_margin")]
    assert np.array_equal(out[:, others], z[:, others])


def test_two_tracks_that_differ_only_in_a_guessed_tempo_sound_alike() -> None:
    catalogue, _ = synthetic_catalogue(40, audio_dim=len(NAMES), seed=1)
    tempo, confidence = NAMES.index("tempo_bpm"), NAMES.index("tempo_confidence")
    catalogue.audio[:, tempo] = np.linspace(60, 180, 40)
    catalogue.audio[:, confidence] = 0.9
    catalogue.audio[1] = catalogue.audio[0]
    catalogue.audio[1, tempo] = 180.0

    def audio_cosine() -> float:
        vs = build_vectors(catalogue)
        block = vs.vectors[:, vs.block("audio").slice]
        a, b = block[0], block[1]
        return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))

    sure = audio_cosine()
    catalogue.audio[[0, 1], confidence] = 0.3  # both tempi guessed
    guessed = audio_cosine()
    assert guessed > sure
    assert guessed == pytest.approx(1.0, abs=1e-5)
