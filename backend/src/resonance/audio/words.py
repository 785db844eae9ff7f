"""How sure the analysis is of a tempo, and the words every surface uses to say it.

The track page, the API's track descriptors and the explanations (web and CLI) all
word a tempo through `tempo_words`, so one confidence never reads "120 BPM" in one
place and "around 120 BPM" in another.

Thresholds on the DSP's tempo confidence (the pulse-train score, docs/audio.md),
from the ground-truth set (bench/dsp_accuracy.py, 87 annotated tempi, 29 pulse-less
files): pulse-less files score up to 0.485, so below 0.5 a tempo is a guess and is
not stated. From 0.7, 43 of 44 tempi were right (within 4 %); between 0.5 and 0.7,
28 of 33, and the 5 wrong ones were a metrical level off (half tempo, 4/3): stated,
but as approximate.
"""

from __future__ import annotations

import math
from typing import Literal

TEMPO_CLAIM = 0.5
TEMPO_SURE = 0.7

Certainty = Literal["high", "medium", "low"]


def tempo_certainty(confidence: float | None) -> Certainty:
    """``high`` from `TEMPO_SURE`, ``medium`` from `TEMPO_CLAIM`, else ``low``.

    A missing or non-finite confidence is ``low``: nothing vouches for the number.
    """
    if confidence is None or not math.isfinite(confidence):
        return "low"
    if confidence >= TEMPO_SURE:
        return "high"
    return "medium" if confidence >= TEMPO_CLAIM else "low"


def tempo_words(bpm: float | None, confidence: float | None) -> str | None:
    """``"120 BPM"`` (high), ``"around 120 BPM"`` (medium), or None (low, or no tempo).

    Parameters
    ----------
    bpm : float or None
        The analysed tempo; None, zero or non-finite means the clip has no pulse.
    confidence : float or None
        The analysis's ``tempo_confidence`` in [0, 1].
    """
    if bpm is None or not math.isfinite(bpm) or bpm <= 0:
        return None
    certainty = tempo_certainty(confidence)
    if certainty == "low":
        return None
    figure = f"{bpm:.0f} BPM"
    return figure if certainty == "high" else f"around {figure}"


def with_tempo_words(summary: dict[str, object]) -> dict[str, object]:
    """A descriptor summary plus ``tempo_words`` (absent when nothing is to be said)."""
    bpm, confidence = summary.get("tempo_bpm"), summary.get("tempo_confidence")
    words = tempo_words(
        float(bpm) if isinstance(bpm, int | float) else None,
        float(confidence) if isinstance(confidence, int | float) else None,
    )
    out = {k: v for k, v in summary.items() if k != "tempo_words"}
    if words is not None:
        out["tempo_words"] = words
    return out
