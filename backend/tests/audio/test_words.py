"""Tempo wording: a sure tempo is a number, a fair one is approximate, a guess is unsaid."""

from __future__ import annotations

import math

import pytest

from resonance.audio import TEMPO_CLAIM, TEMPO_SURE, tempo_certainty, tempo_words, with_tempo_words


@pytest.mark.parametrize(
    ("confidence", "words"),
    [
        (0.95, "120 BPM"),
        (TEMPO_SURE, "120 BPM"),
        (0.6, "around 120 BPM"),
        (TEMPO_CLAIM, "around 120 BPM"),
        (0.45, None),
        (0.0, None),
        (None, None),
        (math.nan, None),
    ],
)
def test_the_words_follow_the_confidence(confidence: float | None, words: str | None) -> None:
    assert tempo_words(119.6, confidence) == words


def test_no_pulse_says_nothing_however_sure() -> None:
    for bpm in (None, 0.0, -3.0, math.nan, math.inf):
        assert tempo_words(bpm, 0.9) is None


def test_levels_are_ordered_at_the_thresholds() -> None:
    assert TEMPO_CLAIM < TEMPO_SURE
    assert [tempo_certainty(c) for c in (0.49, 0.5, 0.69, 0.7)] == [
        "low",
        "medium",
        "medium",
        "high",
    ]


def test_a_summary_gains_the_words_and_loses_stale_ones() -> None:
    medium = with_tempo_words({"tempo_bpm": 87.4, "tempo_confidence": 0.55, "key": "A"})
    assert medium == {
        "tempo_bpm": 87.4,
        "tempo_confidence": 0.55,
        "key": "A",
        "tempo_words": "around 87 BPM",
    }
    low = with_tempo_words({"tempo_bpm": 87.4, "tempo_confidence": 0.4, "tempo_words": "x"})
    assert "tempo_words" not in low
    assert "tempo_words" not in with_tempo_words({"tempo_bpm": None, "tempo_confidence": 0.2})
    assert "tempo_words" not in with_tempo_words({})
