"""Deterministic procedural music in eight genre templates, seeded by track id.

Used by the sandbox to serve preview audio, and by tests and benchmarks as a
catalogue whose ground truth (the template) is known. Rendering is vectorised numpy:
wavetable oscillators for pitched parts and pre-rendered one-shots for drums, so 30 s
take a few tens of milliseconds.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import numpy as np
import soundfile as sf
from scipy.signal import lfilter

from resonance.audio import drums
from resonance.audio.drums import TABLE_SIZE, wavetable
from resonance.audio.genre_templates import GENRE_TEMPLATES, Template

PREVIEW_CONTENT_TYPE = "audio/ogg"  # what render_preview returns

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)


def _rng(template: str, seed: str | int) -> np.random.Generator:
    digest = hashlib.sha256(f"{template}\x00{seed}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def synthesize(template: str, seed: str | int, seconds: float = 30, sr: int = 22050) -> np.ndarray:
    """Render ``seconds`` of mono float32 audio in the style of ``GENRE_TEMPLATES[template]``.

    The same (template, seed) always gives the same samples; tempo, key, progression,
    timbre and mix vary with the seed inside the template's ranges.
    """
    t = GENRE_TEMPLATES[template]
    rng = _rng(template, seed)
    n = int(seconds * sr)
    tempo = float(rng.uniform(*t.tempo))
    step = 60.0 / tempo / 4  # one 16th note, seconds
    scale = MINOR if rng.random() < t.minor else MAJOR
    tonic = int(rng.integers(0, 12))
    progression = t.progressions[int(rng.integers(len(t.progressions)))]
    harmonics = np.asarray(t.pad) * rng.uniform(0.8, 1.2, len(t.pad))
    table = wavetable(tuple(float(h) for h in harmonics))

    music = np.zeros(n, np.float32)
    chord_len = t.beats_per_chord * 4 * step
    for i, start in enumerate(np.arange(0.0, seconds, chord_len)):
        degree = progression[i % len(progression)]
        notes = _chord(tonic, scale, degree, t.octave, t.sevenths)
        span = _Span(music, float(start), chord_len, step, t, rng, sr)
        _play_chord(span, table, notes)
        _play_bass(span, tonic, scale, degree)
        if t.lead:
            _play_lead(span, table, tonic, scale)
    if t.drive:
        music = np.tanh(t.drive * music / (np.abs(music).max() + 1e-9)).astype(np.float32)
    music /= np.abs(music).max() + 1e-9

    beat_drums = drums.render_pattern(t, n, step, sr, rng)
    mix = music + t.drum_level * beat_drums * float(rng.uniform(0.85, 1.15))
    alpha = float(np.exp(-2 * np.pi * t.cutoff / sr))
    mix = lfilter([1 - alpha], [1, -alpha], mix).astype(np.float32)
    mix += rng.standard_normal(n).astype(np.float32) * 1e-4  # a noise floor, like a recording
    peak = np.abs(mix).max() + 1e-9
    out: np.ndarray = (mix * (t.gain * float(rng.uniform(0.85, 1.0)) / peak)).astype(np.float32)
    return out


def render_preview(track_id: str, genre: str, seconds: float = 30) -> bytes:
    """An encoded (OGG/Vorbis) preview for the sandbox's ``/previews/{track_id}``.

    Unknown genres fall back to a template chosen by the track id, so every track
    has a stable preview.
    """
    if genre not in GENRE_TEMPLATES:
        names = sorted(GENRE_TEMPLATES)
        genre = names[int(hashlib.sha256(track_id.encode()).hexdigest(), 16) % len(names)]
    y = synthesize(genre, track_id, seconds)
    buffer = io.BytesIO()
    sf.write(buffer, y, 22050, format="OGG", subtype="VORBIS")
    return buffer.getvalue()


def _chord(
    tonic: int, scale: tuple[int, ...], degree: int, octave: int, sevenths: bool
) -> list[int]:
    steps = (0, 2, 4, 6) if sevenths else (0, 2, 4)
    base = 12 * (octave + 1) + tonic
    return [base + scale[(degree + s) % 7] + 12 * ((degree + s) // 7) for s in steps]


def _hz(midi: int | float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def _note(
    table: np.ndarray, midi: float, length: int, sr: int, attack: float, decay: float
) -> np.ndarray:
    """One wavetable note with an attack ramp and an exponential decay."""
    k = np.arange(length, dtype=np.float32)
    phase = (k * (_hz(midi) * TABLE_SIZE / sr)).astype(np.int64) & (TABLE_SIZE - 1)
    env = np.minimum(1.0, k / max(1.0, attack * sr)) * np.exp(-k / (decay * sr))
    out: np.ndarray = (table[phase] * env).astype(np.float32)
    return out


def _add(out: np.ndarray, signal: np.ndarray, start: float, sr: int) -> None:
    i = int(start * sr)
    if i >= len(out):
        return
    j = min(len(out), i + len(signal))
    out[i:j] += signal[: j - i]


@dataclass(frozen=True, slots=True)
class _Span:
    """Where one chord of the progression plays: the buffer, its time span, the style."""

    out: np.ndarray
    start: float  # seconds
    length: float  # seconds
    step: float  # one 16th note, seconds
    t: Template
    rng: np.random.Generator
    sr: int

    def play(
        self,
        table: np.ndarray,
        note: int,
        seconds: float,
        at: float,
        gain: float,
        attack: float,
        decay: float,
    ) -> None:
        """Add one note of ``seconds`` at ``at`` (absolute seconds) with its envelope."""
        _add(
            self.out,
            gain * _note(table, note, int(seconds * self.sr), self.sr, attack, decay),
            at,
            self.sr,
        )


def _play_chord(span: _Span, table: np.ndarray, notes: list[int]) -> None:
    t, step, start = span.t, span.step, span.start
    if t.pad_style == "sustain":
        for note in notes:
            span.play(table, note, span.length, start, 0.3, t.attack, t.decay)
    elif t.pad_style == "arpeggio":
        for k, when in enumerate(np.arange(start, start + span.length, 2 * step)):
            note = notes[k % len(notes)] + 12 * int(k // len(notes) % 2)
            span.play(table, note, 4 * step, when, 0.4, t.attack, t.decay)
    elif t.pad_style == "strum":
        for when in np.arange(start, start + span.length, 4 * step):
            for k, note in enumerate(notes):
                span.play(table, note, 4 * step, when + 0.012 * k, 0.25, t.attack, t.decay)
    else:  # stab: short chords on a syncopated grid
        for s in range(round(span.length / step)):
            if s % 16 in (2, 7, 10) or (s % 16 == 14 and span.rng.random() < 0.5):
                for note in notes:
                    span.play(table, note, 3 * step, start + s * step, 0.25, t.attack, t.decay)


def _play_bass(span: _Span, tonic: int, scale: tuple[int, ...], degree: int) -> None:
    t, step, length = span.t, span.step, span.length
    if t.bass == "none":
        return
    root = 12 * 3 + tonic + scale[degree % 7] - (12 if t.bass == "sub" else 0)
    table = drums.SINE if t.bass == "sub" else drums.BASS
    if t.bass == "walking":
        hits = [
            (q * 4 * step, root + scale[int(span.rng.integers(0, 7))] - scale[0])
            for q in range(int(length / (4 * step)))
        ]
    elif t.bass == "offbeat":
        hits = [(q * 4 * step + 2 * step, root) for q in range(int(length / (4 * step)))]
    elif t.bass == "sub":
        hits = [(0.0, root), (length / 2 + 2 * step, root)]
    else:
        hits = [(q * 8 * step, root) for q in range(int(length / (8 * step)))]
    for offset, note in hits:
        span.play(table, note, 3 * step, span.start + offset, 0.5, 0.005, 2 * step * 1.5)


def _play_lead(span: _Span, table: np.ndarray, tonic: int, scale: tuple[int, ...]) -> None:
    t, step, rng = span.t, span.step, span.rng
    base = 12 * (t.octave + 2) + tonic
    degree = int(rng.integers(0, 7))
    for when in np.arange(span.start, span.start + span.length, 2 * step):
        if rng.random() > t.lead:
            continue
        degree = int(np.clip(degree + rng.integers(-2, 3), 0, 9))
        note = base + scale[degree % 7] + 12 * (degree // 7)
        span.play(table, note, 2 * step, when, 0.3, 0.01, step * 1.5)
