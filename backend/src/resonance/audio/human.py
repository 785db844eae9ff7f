"""Human-readable descriptors in [0, 1], each a documented formula over raw features.

These are the values explanations and the UI show ("energy 0.8"), and the names the
recommender accepts as targets, so each one is named for what it actually measures.
The calibration constants are round numbers chosen so typical commercial music spans
most of [0, 1]; they are part of the descriptor schema (change them → bump
``DESCRIPTOR_VERSION``).
"""

from __future__ import annotations

import math

# Spectral flatness (on magnitudes) of white noise; flatness / this ≈ 1 for noise.
WHITE_NOISE_FLATNESS = 0.82


def _clip(x: float) -> float:
    return 0.0 if not math.isfinite(x) else min(1.0, max(0.0, x))


def energy(loudness_db: float, onset_rate: float) -> float:
    """Loud and busy: ``0.6·L + 0.4·O``.

    ``L = clip((loudness_db + 40) / 32)`` maps the clip's mean-power loudness from
    −40 dBFS (0) to −8 dBFS (1); ``O = clip(onset_rate / 6)`` maps detected note/drum
    onsets per second from 0 to 6.
    """
    return _clip(0.6 * _clip((loudness_db + 40.0) / 32.0) + 0.4 * _clip(onset_rate / 6.0))


def brightness(centroid_hz: float) -> float:
    """Mean spectral centroid on a log-frequency scale: 400 Hz → 0, 5 kHz → 1."""
    if centroid_hz <= 0:
        return 0.0
    return _clip(math.log(centroid_hz / 400.0) / math.log(5000.0 / 400.0))


def percussiveness(percussive_share: float) -> float:
    """Share of mel-spectrogram energy in the percussive part of a median-filter HPSS.

    Harmonic/percussive separation (Fitzgerald 2010) splits each time–frequency cell
    into horizontal (sustained) and vertical (transient) parts; this is
    ``Σ percussive / (Σ harmonic + Σ percussive)``.
    """
    return _clip(percussive_share)


def rhythmic_regularity(pulse_clarity: float) -> float:
    """Pulse clarity: the highest normalised autocorrelation of the onset envelope.

    Taken over lags of 40–240 BPM; 1 for a metronome, near 0 for sound with no
    repeating pulse. It does not say how *fast* the pulse is (that is ``tempo_bpm``).
    """
    return _clip(pulse_clarity)


def tonal_clarity(key_correlation: float, flatness: float) -> float:
    """How clearly the audio sits in one major/minor key.

    ``clip(r) · (1 − noisiness)`` where ``r`` is the Pearson correlation of the mean
    chroma with the best of the 24 Krumhansl–Kessler key profiles. The noisiness
    factor stops broadband noise, whose near-flat chroma correlates with some key
    by chance, from looking tonal.
    """
    return _clip(_clip(key_correlation) * (1.0 - noisiness(flatness)))


def dynamic_range(range_db: float) -> float:
    """Loudness variation: (95th − 5th percentile of frame RMS in dB) / 30 dB."""
    return _clip(range_db / 30.0)


def noisiness(flatness: float) -> float:
    """Mean spectral flatness relative to white noise (tone → 0, white noise → 1)."""
    return _clip(flatness / WHITE_NOISE_FLATNESS)
