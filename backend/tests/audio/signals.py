"""Synthesised test signals with a known answer."""

from __future__ import annotations

import numpy as np

SR = 22050


def click_track(bpm: float, seconds: float = 30.0, sr: int = SR) -> np.ndarray:
    """A 1 kHz blip of 10 ms on every beat."""
    y = np.zeros(int(seconds * sr), np.float32)
    n = int(0.01 * sr)
    t = np.arange(n) / sr
    blip = (np.sin(2 * np.pi * 1000 * t) * np.exp(-t / 0.002)).astype(np.float32)
    for start in np.arange(0.0, seconds - 0.02, 60.0 / bpm):
        i = round(start * sr)
        y[i : i + n] += blip
    return y


def tone(freq: float, seconds: float = 10.0, sr: int = SR, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def white_noise(seconds: float = 10.0, sr: int = SR, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (0.2 * rng.standard_normal(int(seconds * sr))).astype(np.float32)


def midi_hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def chords(
    progression: list[list[int]] | list[list[float]], seconds_each: float = 2.0, sr: int = SR
) -> np.ndarray:
    """Each chord (MIDI notes) as harmonic tones with a soft attack and decay."""
    n = int(seconds_each * sr)
    t = np.arange(n) / sr
    envelope = np.minimum(1.0, t / 0.02) * np.exp(-t / 1.5)
    out = []
    for chord in progression:
        y = np.zeros(n)
        for note in chord:
            f = midi_hz(note)
            for h, a in ((1, 1.0), (2, 0.4), (3, 0.2)):
                y += a * np.sin(2 * np.pi * f * h * t)
        out.append(0.15 * y * envelope)
    return np.concatenate(out).astype(np.float32)


def steady_chord(notes: list[int], seconds: float = 30.0, sr: int = SR) -> np.ndarray:
    """Harmonic tones held at constant level: no onset after the first."""
    t = np.arange(int(seconds * sr)) / sr
    y = np.zeros(len(t))
    for note in notes:
        for h, a in ((1, 1.0), (2, 0.4), (3, 0.2)):
            y += a * np.sin(2 * np.pi * midi_hz(note) * h * t)
    return (0.1 * y).astype(np.float32)


# C major: I–IV–V–I–vi–IV–V–I (C E G / F A C / G B D …), the tonic in the bass.
C_MAJOR = [[48, 60, 64, 67], [53, 65, 69, 72], [43, 62, 67, 71], [48, 60, 64, 67]] * 2
# A minor: i–iv–V–i with the raised seventh (G#) of harmonic minor in E major.
A_MINOR = [[45, 57, 60, 64], [50, 62, 65, 69], [40, 56, 59, 64], [45, 57, 60, 64]] * 2
