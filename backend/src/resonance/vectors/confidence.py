"""How far the analysis's tempo and key may be believed, and what follows for vectors.

The DSP reports a tempo and a key for most clips together with a confidence in
[0, 1] (docs/audio.md). On the ground-truth set a tempo is right on 92 % of
pulsed files, but the pulse-train score of a file with no real pulse reaches 0.49
(a strummed guitar), and wrong keys scored up to 0.75 while right ones started at
0.69. So a number is only *claimed* (shown, used for ordering and targets) above a
threshold, and in the sound vectors it counts in proportion to its trust: a guessed
tempo must not push two tracks apart.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from resonance.vectors.snapshot import FloatMatrix

# A tempo under resonance.audio.TEMPO_CLAIM (0.5; audio/words.py says why) is not stated.
# Key confidence of the set's wrong keys: 0.14, 0.47 (and 0.70, 0.75 that no
# threshold below the right ones' 0.69 can catch).
KEY_CLAIM = 0.5
# Full trust from here; linear from the DSP's "none" threshold (0.35) up to it.
FULL_TRUST = 0.7
NO_TRUST = 0.35

# Feature columns whose meaning rests on the tempo or the key being right.
TEMPO_FEATURES = ("tempo_bpm", "beat_strength")
KEY_FEATURES = ("mode_major", "key_correlation", "key_margin")


def trust(confidence: np.ndarray) -> np.ndarray:
    """Weight in [0, 1] of a value with this confidence: 0 up to 0.35, 1 from 0.7.

    Parameters
    ----------
    confidence : np.ndarray
        Confidences in [0, 1] (NaN counts as none).

    Returns
    -------
    np.ndarray
        The weights, same shape, float32.
    """
    c = np.nan_to_num(np.asarray(confidence, np.float64), nan=0.0)
    weight = np.clip((c - NO_TRUST) / (FULL_TRUST - NO_TRUST), 0.0, 1.0)
    return weight.astype(np.float32)


def discount_uncertain(
    standardised: FloatMatrix, raw: FloatMatrix, feature_names: Sequence[str]
) -> FloatMatrix:
    """Shrink tempo- and key-dependent columns toward the mean by their trust.

    ``standardised`` is the audio block after z-scoring (0 is the catalogue mean),
    ``raw`` the same rows before, where the confidences are read. A tempo guessed
    with confidence 0.4 keeps a seventh of its z-score, so it can barely separate
    two tracks; one at 0.8 keeps all of it. Feature sets without the confidence
    columns (an older descriptor version) are returned unchanged.

    Parameters
    ----------
    standardised : FloatMatrix
        (rows, features) z-scores.
    raw : FloatMatrix
        (rows, features) values as the analysis stored them.
    feature_names : Sequence[str]
        Column names of both.

    Returns
    -------
    FloatMatrix
        A copy of ``standardised`` with the dependent columns scaled.
    """
    names = list(feature_names)
    out = np.array(standardised, np.float32, copy=True)
    for confidence_name, dependent in (
        ("tempo_confidence", TEMPO_FEATURES),
        ("key_confidence", KEY_FEATURES),
    ):
        if confidence_name not in names:
            continue
        weight = trust(raw[:, names.index(confidence_name)])
        for name in dependent:
            if name in names:
                out[:, names.index(name)] *= weight
    return out
