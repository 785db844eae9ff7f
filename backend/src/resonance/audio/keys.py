"""Key and mode from a tuned mean chroma and key profiles that know about overtones.

A chroma vector counts every partial, not only the notes played: the 3rd harmonic of
a note lands on its fifth and the 5th on its major third, so a minor chord's chroma
carries a major third too and profiles made for notes read minor keys as major.
Following Gómez (2006), each key profile is therefore spread over the pitch classes
of the first six harmonics (weights 0.6ʰ⁻¹) before it is correlated with the chroma.
The profiles are Temperley's (2001) corpus profiles, which separate relative keys
better than Krumhansl–Kessler's probe-tone ratings on chords, with a second minor
profile (Krumhansl–Kessler's) for natural minor.

The chroma is computed on magnitudes (not power, which lets the loudest partials
drown the rest of the harmony) and tuned: ``estimate_tuning`` reads the deviation
of the clip's spectral peaks from A440 equal temperament, and the chroma filterbank
is built at that tuning, so a band a quarter-tone off does not smear over two
pitch classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

# Temperley (2001), "The Cognition of Basic Musical Structures", key profiles
# (tonic first), as used by music21 / Essentia's "temperley" profile. His minor
# profile is harmonic minor (raised 7th strong, flat 7th weak), which misreads the
# natural minor of most pop, rock and metal as its relative major; Krumhansl &
# Kessler's (1982) minor ratings weigh both sevenths alike. A minor key scores the
# better of the two.
MAJOR_PROFILE = np.array([5.0, 2.0, 3.5, 2.0, 4.5, 4.0, 2.0, 4.5, 2.0, 3.5, 1.5, 4.0], np.float64)
MINOR_PROFILES = (
    np.array([5.0, 2.0, 3.5, 4.5, 2.0, 4.0, 2.0, 4.5, 3.5, 2.0, 1.5, 4.0], np.float64),
    np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17], np.float64),
)
# Pitch-class offset of harmonics 1–6 above the fundamental: 0, 12, 19, 24, 28, 31
# semitones.
HARMONIC_OFFSETS = (0, 0, 7, 0, 4, 7)
HARMONIC_DECAY = 0.6
TUNING_MIN_AGREEMENT = 0.5


def _spread(profile: np.ndarray) -> np.ndarray:
    out = np.zeros(12)
    for h, offset in enumerate(HARMONIC_OFFSETS):
        out += HARMONIC_DECAY**h * np.roll(profile, offset)
    return out


def _rotations(profile: np.ndarray) -> np.ndarray:
    """12 × 12 z-scored rotations of a harmonic-spread profile, tonic C first."""
    t = np.asarray([np.roll(_spread(profile), k) for k in range(12)])
    t -= t.mean(axis=1, keepdims=True)
    out: np.ndarray = t / np.linalg.norm(t, axis=1, keepdims=True)
    return out


_MAJOR = _rotations(MAJOR_PROFILE)
_MINORS = tuple(_rotations(p) for p in MINOR_PROFILES)


@dataclass(frozen=True, slots=True)
class KeyEstimate:
    key: str  # pitch class of the tonic, e.g. "A"
    mode: str  # "major" | "minor"
    correlation: float  # Pearson r of the chroma with the winning profile, in [-1, 1]
    margin: float  # r(best) − r(best key that is not its relative or parallel), ≥ 0
    confidence: float  # in [0, 1]: see ``estimate_key``
    relative_margin: float  # r(best) − r(relative key): small = relative confusion likely
    parallel_margin: float  # r(best) − r(parallel key): small = mode uncertain


def estimate_key(chroma_mean: np.ndarray) -> KeyEstimate:
    """Correlate a 12-bin mean chroma (C first) with all 24 major/minor key profiles.

    ``confidence`` is ``clip(r, 0, 1) · clip(margin / 0.1, 0, 1)``: a clear fit whose
    best rival (other than the relative and parallel keys, which share most notes
    and are reported by their own margins) is well behind. A flat chroma (noise,
    unpitched drums) has no key information: correlation and confidence 0.
    """
    c = np.asarray(chroma_mean, np.float64)
    c = c - c.mean()
    norm = float(np.linalg.norm(c))
    if norm < 1e-12:
        return KeyEstimate("C", "major", 0.0, 0.0, 0.0, 0.0, 0.0)
    c /= norm
    r = np.concatenate([_MAJOR @ c, np.max([m @ c for m in _MINORS], axis=0)])
    best = int(np.argmax(r))
    tonic, minor = best % 12, best >= 12
    relative = (tonic + 3) % 12 if minor else 12 + (tonic + 9) % 12
    parallel = tonic if minor else 12 + tonic
    others = np.delete(r, [best, relative, parallel])
    margin = float(r[best] - others.max())
    confidence = max(0.0, min(1.0, float(r[best]))) * max(0.0, min(1.0, margin / 0.1))
    return KeyEstimate(
        key=PITCH_CLASSES[tonic],
        mode="minor" if minor else "major",
        correlation=float(r[best]),
        margin=margin,
        confidence=confidence,
        relative_margin=float(r[best] - r[relative]),
        parallel_margin=float(r[best] - r[parallel]),
    )


def estimate_tuning(power_mean: np.ndarray, freqs: np.ndarray) -> float:
    """Deviation of the clip from A440 equal temperament, in semitones in [−0.5, 0.5).

    Returns 0 unless the peaks agree (resultant length of their phases ≥
    ``TUNING_MIN_AGREEMENT``): drums and noise have peaks at arbitrary frequencies,
    and a wrong half-semitone shift costs far more than a small detuning.

    Local maxima of the mean power spectrum between 80 Hz and 4 kHz that stand out
    of their neighbourhood vote with their power for their distance to the nearest
    equal-tempered pitch; the circular mean of those distances is the tuning. A
    clip with no such peaks (noise, drums) gets 0.
    """
    band = (freqs >= 80.0) & (freqs <= 4000.0)
    p = np.where(band, power_mean, 0.0)
    peaks = np.flatnonzero((p[1:-1] > p[:-2]) & (p[1:-1] >= p[2:])) + 1
    if len(peaks) == 0:
        return 0.0
    peaks = peaks[p[peaks] > 0.01 * p[peaks].max()]
    # Parabolic interpolation of each peak's frequency on log power.
    a, b, c = (np.log(p[peaks + k] + 1e-20) for k in (-1, 0, 1))
    bend = a - 2 * b + c
    offset = np.where(bend < 0, 0.5 * (a - c) / np.where(bend < 0, bend, -1.0), 0.0)
    hz = freqs[peaks] + offset * (freqs[1] - freqs[0])
    semis = 12.0 * np.log2(np.maximum(hz, 1.0) / 440.0)
    phase = 2 * np.pi * (semis - np.round(semis))
    weights = p[peaks]
    resultant = np.sum(weights * np.exp(1j * phase))
    if abs(resultant) < TUNING_MIN_AGREEMENT * float(weights.sum()):
        return 0.0
    angle = float(np.angle(resultant))
    tuning = angle / (2 * np.pi)
    return float(min(max(tuning, -0.5), 0.49))
