"""Key and mode estimation from a mean chroma vector (Krumhansl–Kessler profiles)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

# Krumhansl & Kessler (1982) probe-tone ratings, tonic first. They weigh the tonic
# triad above the rest of the scale, which is what separates C major from its
# relative A minor when both use the same seven pitch classes.
MAJOR_PROFILE = np.array(
    [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88], np.float64
)
MINOR_PROFILE = np.array(
    [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17], np.float64
)


def _templates() -> np.ndarray:
    """24 × 12 z-scored profiles: rows 0–11 major keys C…B, rows 12–23 minor keys."""
    rows = [np.roll(MAJOR_PROFILE, k) for k in range(12)]
    rows += [np.roll(MINOR_PROFILE, k) for k in range(12)]
    t = np.asarray(rows)
    t -= t.mean(axis=1, keepdims=True)
    out: np.ndarray = t / np.linalg.norm(t, axis=1, keepdims=True)
    return out


_TEMPLATES = _templates()


@dataclass(frozen=True, slots=True)
class KeyEstimate:
    key: str  # pitch class of the tonic, e.g. "A"
    mode: str  # "major" | "minor"
    correlation: float  # Pearson r of the chroma with the winning profile, in [-1, 1]
    margin: float  # r(best) − r(second best key), ≥ 0


def estimate_key(chroma_mean: np.ndarray) -> KeyEstimate:
    """Correlate a 12-bin mean chroma (C first) with all 24 major/minor key profiles."""
    c = np.asarray(chroma_mean, np.float64)
    c = c - c.mean()
    norm = float(np.linalg.norm(c))
    if norm < 1e-12:  # flat chroma: no key information at all
        return KeyEstimate("C", "major", 0.0, 0.0)
    r = _TEMPLATES @ (c / norm)
    order = np.argsort(r)[::-1]
    best = int(order[0])
    return KeyEstimate(
        key=PITCH_CLASSES[best % 12],
        mode="major" if best < 12 else "minor",
        correlation=float(r[best]),
        margin=float(r[best] - r[order[1]]),
    )
