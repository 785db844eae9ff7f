"""Oscillator tables and drum one-shots for the demo synthesiser."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from resonance.audio.genre_templates import Template

TABLE_SIZE = 4096  # power of two, so phase wraps with a bit mask


@functools.lru_cache(maxsize=64)
def wavetable(harmonics: tuple[float, ...]) -> np.ndarray:
    """One period of a sum of harmonics, peak-normalised."""
    phase = 2 * np.pi * np.arange(TABLE_SIZE) / TABLE_SIZE
    wave = sum(a * np.sin((h + 1) * phase) for h, a in enumerate(harmonics))
    wave = np.asarray(wave, np.float64)
    out: np.ndarray = (wave / (np.abs(wave).max() + 1e-12)).astype(np.float32)
    return out


SINE = wavetable((1.0,))
BASS = wavetable((1.0, 0.5, 0.25, 0.1))


@functools.lru_cache(maxsize=16)
def _one_shots(sr: int) -> dict[str, np.ndarray]:
    """Kick, snare, clap and hats, rendered once per sample rate (fixed seed)."""
    rng = np.random.default_rng(12345)

    def seconds(s: float) -> np.ndarray:
        return np.arange(int(s * sr)) / sr

    k = seconds(0.35)
    sweep = 2 * np.pi * np.cumsum(50 + 110 * np.exp(-k / 0.04)) / sr
    kick = np.sin(sweep) * np.exp(-k / 0.12)
    s = seconds(0.22)
    snare = 0.6 * rng.standard_normal(len(s)) * np.exp(-s / 0.06)
    snare += 0.5 * np.sin(2 * np.pi * 185 * s) * np.exp(-s / 0.05)
    h = seconds(0.06)
    hiss = np.diff(rng.standard_normal(len(h) + 1))  # differencing = crude high-pass
    closed = 0.35 * hiss * np.exp(-h / 0.012)
    o = seconds(0.25)
    open_hat = 0.3 * np.diff(rng.standard_normal(len(o) + 1)) * np.exp(-o / 0.08)
    r = seconds(0.5)
    ring = sum(np.sin(2 * np.pi * f * r) for f in (3150, 4270, 5400, 6830))
    ride = (0.08 * ring + 0.15 * np.diff(rng.standard_normal(len(r) + 1))) * np.exp(-r / 0.25)
    sh = seconds(0.08)
    shaker = 0.2 * np.diff(rng.standard_normal(len(sh) + 1)) * np.sin(np.pi * sh / sh[-1])
    return {
        name: np.asarray(x, np.float32)
        for name, x in {
            "kick": kick,
            "snare": snare,
            "closed": closed,
            "open": open_hat,
            "ride": ride,
            "shaker": shaker,
        }.items()
    }


def render_pattern(
    t: Template, n: int, step: float, sr: int, rng: np.random.Generator
) -> np.ndarray:
    """The template's 16-step kick/snare/hat pattern over ``n`` samples, with swing,
    velocity jitter and the odd dropped hit so no two bars are identical."""
    out = np.zeros(n, np.float32)
    shots = _one_shots(sr)
    total_steps = int(n / sr / step)
    for pattern, sound, level in (
        (t.kick, shots["kick"], 1.0),
        (t.snare, shots["snare"], 0.8),
        (t.hats, shots[t.hat_kind], 0.6),
    ):
        if "x" not in pattern and "o" not in pattern:
            continue
        for s in range(total_steps):
            mark = pattern[s % 16]
            if mark == "." or rng.random() < 0.05:
                continue
            velocity = level * (0.5 if mark == "o" else 1.0) * float(rng.uniform(0.8, 1.0))
            when = (s + (t.swing if s % 2 else 0.0)) * step
            i = int(when * sr)
            j = min(n, i + len(sound))
            if i < n:
                out[i:j] += velocity * sound[: j - i]
    return out
