"""Resonance's own audio descriptors: one STFT per clip, reused by every feature.

``extract(y, sr)`` returns the raw feature vector (``FEATURE_NAMES`` order, stored as
float32 bytes in ``audio_descriptors.features`` and standardised by the vector stage)
and a summary of human-readable descriptors in [0, 1] (``HUMAN_DESCRIPTORS``, formulas
in :mod:`resonance.audio.human` and docs/audio.md) plus tempo, key and mode.

Bump ``DESCRIPTOR_VERSION`` whenever a feature, its order or a formula changes: stored
rows of an older version are re-extracted by the audio job.
"""

from __future__ import annotations

import functools
import itertools
import time
from dataclasses import dataclass

import librosa
import numpy as np
import scipy.fft
from numpy.lib.stride_tricks import sliding_window_view

from resonance.audio import human
from resonance.audio.keys import PITCH_CLASSES, estimate_key, estimate_tuning
from resonance.audio.rhythm import rhythm_features

# 2: tempo with metrical disambiguation and "none" (no pulse), tempo and key
#    confidences, tuned chroma and overtone-aware key profiles, onsets that need an
#    absolute rise, roll-off on magnitudes (as librosa), stereo read without cancelling.
DESCRIPTOR_VERSION: int = 2

N_FFT = 2048
HOP = 512
N_MELS = 96
N_MFCC = 20
CONTRAST_BANDS = 6  # librosa returns n_bands + 1 rows
EPS = 1e-10
# Frames quieter than this (dB below the loudest frame) are treated as silence for
# the statistics that would otherwise be dominated by fade-ins and gaps.
SILENCE_DB = 60.0


def _names() -> tuple[str, ...]:
    names = [f"mfcc_mean_{i}" for i in range(N_MFCC)]
    names += [f"mfcc_std_{i}" for i in range(N_MFCC)]
    names += [f"chroma_{pc}" for pc in PITCH_CLASSES]
    for stat in ("centroid_khz", "bandwidth_khz", "rolloff_khz", "flatness"):
        names += [f"{stat}_mean", f"{stat}_std"]
    names += [f"contrast_{i}" for i in range(CONTRAST_BANDS + 1)]
    names += ["zcr_mean", "zcr_std"]
    names += ["loudness_db", "rms_db_std", "dynamic_range_db"]
    names += ["onset_rate", "tempo_bpm", "beat_strength", "tempo_confidence"]
    names += ["key_correlation", "key_margin", "mode_major", "percussive_share"]
    names += ["key_confidence", "tuning_semitones"]
    return tuple(names)


FEATURE_NAMES: tuple[str, ...] = _names()

HUMAN_DESCRIPTORS: tuple[str, ...] = (
    "energy",
    "brightness",
    "percussiveness",
    "rhythmic_regularity",
    "tonal_clarity",
    "dynamic_range",
    "noisiness",
)


@dataclass(frozen=True, slots=True)
class Descriptors:
    """Raw features (float32, ``FEATURE_NAMES`` order) and the human-readable summary."""

    features: np.ndarray
    summary: dict[str, float | str | None]


@functools.lru_cache(maxsize=8)
def _filterbanks(sr: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mel and (A440) chroma filterbanks and FFT bin frequencies, built once per rate."""
    mel = librosa.filters.mel(sr=sr, n_fft=N_FFT, n_mels=N_MELS).astype(np.float32)
    chroma = _chroma_filterbank(sr, 0.0)
    freqs = librosa.fft_frequencies(sr=sr, n_fft=N_FFT).astype(np.float32)
    return mel, chroma, freqs


@functools.lru_cache(maxsize=64)
def _chroma_filterbank(sr: int, tuning: float) -> np.ndarray:
    """Chroma filterbank at a tuning (semitones from A440, in steps of 0.05)."""
    return librosa.filters.chroma(sr=sr, n_fft=N_FFT, tuning=tuning).astype(np.float32)


def extract(y: np.ndarray, sr: int, *, timings: dict[str, float] | None = None) -> Descriptors:
    """Compute every descriptor of a mono clip from one magnitude STFT.

    Parameters
    ----------
    y : np.ndarray
        Mono audio, float, roughly in [-1, 1]; at least a few seconds long. Decoding
        (:func:`resonance.audio.decode.load_clip`) rejects silence and short clips
        before they get here.
    sr : int
        Sample rate of ``y`` in Hz (22 050 in the pipeline).
    timings : dict, optional
        If given, filled with seconds spent per stage (for ``bench/dsp.py``).

    Returns
    -------
    Descriptors
        ``features``: float32 vector in ``FEATURE_NAMES`` order.
        ``summary``: each of ``HUMAN_DESCRIPTORS`` in [0, 1]; ``tempo_bpm`` (None when
        the clip has no pulse) and ``tempo_confidence`` in [0, 1]; ``key`` (pitch
        class such as ``"A"``), ``mode`` (``"major"``/``"minor"``), ``key_confidence``
        in [0, 1], ``key_relative_margin`` and ``key_parallel_margin`` (how far the
        relative and the parallel key are behind: near 0 means that confusion is
        likely) and ``tuning_semitones``. docs/audio.md defines each.
    """
    lap = _Laps(timings)
    y = np.ascontiguousarray(y, dtype=np.float32)
    mel_fb, chroma_fb, freqs = _filterbanks(sr)
    mag = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP)).astype(np.float32, copy=False)
    lap("stft")
    power = mag * mag
    n_frames = mag.shape[1]
    duration = len(y) / sr

    # Frame loudness from the STFT (Parseval), and a mask of non-silent frames.
    frame_power = 2.0 * power.sum(axis=0) / (N_FFT * float(np.sum(np.hanning(N_FFT) ** 2)))
    rms_db = 10.0 * np.log10(frame_power + EPS)
    active = rms_db > rms_db.max() - SILENCE_DB
    if active.sum() < 4:
        active = np.ones(n_frames, bool)

    mel = mel_fb @ power
    log_mel = 10.0 * np.log10(mel + EPS)
    mfcc = scipy.fft.dct(log_mel, type=2, norm="ortho", axis=0)[:N_MFCC][:, active]
    lap("mel_mfcc")

    tuning = estimate_tuning(power[:, active].mean(axis=1), freqs)
    if abs(tuning) >= 0.025:
        chroma_fb = _chroma_filterbank(sr, round(tuning * 20.0) / 20.0)
    key = estimate_key((chroma_fb @ mag[:, active]).mean(axis=1))
    chroma = chroma_fb @ power
    chroma /= chroma.max(axis=0, keepdims=True) + EPS
    chroma_mean = chroma[:, active].mean(axis=1)
    lap("chroma_key")

    spectral = _spectral_stats(mag, power, freqs, active)
    contrast = _spectral_contrast(mag, freqs)[:, active]
    zcr = _zero_crossing_rate(y, n_frames)
    loudness_db = float(10.0 * np.log10(frame_power[active].mean() + EPS))
    p5, p95 = np.percentile(rms_db[active], [5, 95])
    lap("spectral_dynamics")

    rhythm = rhythm_features(log_mel, sr, HOP, duration)
    tempo = 0.0 if rhythm.tempo is None else rhythm.tempo
    lap("rhythm")
    percussive_share = _percussive_share(mel)
    lap("hpss")

    features = np.concatenate(
        [
            mfcc.mean(axis=1),
            mfcc.std(axis=1),
            chroma_mean,
            spectral,
            contrast.mean(axis=1),
            [zcr.mean(), zcr.std()],
            [loudness_db, rms_db[active].std(), p95 - p5],
            [rhythm.onset_rate, tempo, rhythm.beat_strength, rhythm.confidence],
            [key.correlation, key.margin, 1.0 if key.mode == "major" else 0.0, percussive_share],
            [key.confidence, tuning],
        ]
    ).astype(np.float32)
    features = np.nan_to_num(features, nan=0.0, posinf=0.0, neginf=0.0)

    flatness = float(spectral[6])
    summary: dict[str, float | str | None] = {
        "energy": human.energy(loudness_db, rhythm.onset_rate),
        "brightness": human.brightness(float(spectral[0]) * 1000.0),
        "percussiveness": human.percussiveness(percussive_share),
        "rhythmic_regularity": human.rhythmic_regularity(rhythm.confidence),
        "tonal_clarity": human.tonal_clarity(key.correlation, flatness),
        "dynamic_range": human.dynamic_range(float(p95 - p5)),
        "noisiness": human.noisiness(flatness),
        "tempo_bpm": None if rhythm.tempo is None else round(rhythm.tempo, 2),
        "tempo_confidence": round(rhythm.confidence, 3),
        "key": key.key,
        "mode": key.mode,
        "key_confidence": round(key.confidence, 3),
        "key_relative_margin": round(key.relative_margin, 3),
        "key_parallel_margin": round(key.parallel_margin, 3),
        "tuning_semitones": round(tuning, 3),
    }
    return Descriptors(features=features, summary=summary)


class _Laps:
    """Seconds per stage into ``timings`` (no-op when it is None)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def __call__(self, stage: str) -> None:
        if self.timings is not None:
            now = time.perf_counter()
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
            self.last = now


def _zero_crossing_rate(y: np.ndarray, n_frames: int) -> np.ndarray:
    """Sign changes per sample in each (centred) STFT frame, via one cumulative sum."""
    signs = np.signbit(y)
    crossings = np.zeros(len(y), np.int32)
    np.cumsum(signs[1:] != signs[:-1], dtype=np.int32, out=crossings[1:])
    centres = np.arange(n_frames) * HOP
    lo = np.clip(centres - N_FFT // 2, 0, len(crossings) - 1)
    hi = np.clip(centres + N_FFT // 2, 0, len(crossings) - 1)
    out: np.ndarray = (crossings[hi] - crossings[lo]) / float(N_FFT)
    return out


def _spectral_stats(
    mag: np.ndarray, power: np.ndarray, freqs: np.ndarray, active: np.ndarray
) -> np.ndarray:
    """Mean and std over active frames of centroid, bandwidth, 85 % roll-off (kHz), flatness.

    Roll-off is the lowest frequency below which 85 % of the frame's *magnitude*
    spectrum lies, as ``librosa.feature.spectral_rolloff`` computes it.

    Per-frame values come from matrix products with the bin frequencies rather than
    broadcasting, so no spectrogram-sized temporaries are made (memory per worker).
    """
    total = mag.sum(axis=0) + EPS
    centroid = (freqs @ mag) / total
    # Σ (f − c)² m = Σ f² m − 2 c Σ f m + c² Σ m
    second = (freqs * freqs) @ mag / total
    bandwidth = np.sqrt(np.maximum(second - centroid * centroid, 0.0))
    cumulative = np.cumsum(mag, axis=0)
    rolloff = freqs[np.argmax(cumulative >= 0.85 * cumulative[-1], axis=0)]
    del cumulative
    # Flatness on magnitudes (geometric / arithmetic mean): white noise ≈ 0.82.
    logs = mag + EPS
    log_mean = np.log(logs, out=logs).mean(axis=0)
    del logs
    flatness = np.exp(log_mean) / (mag.mean(axis=0) + EPS)
    out = []
    for values, scale in ((centroid, 1e-3), (bandwidth, 1e-3), (rolloff, 1e-3), (flatness, 1.0)):
        kept = values[active]
        out += [float(kept.mean()) * scale, float(kept.std()) * scale]
    return np.asarray(out, np.float64)


def _spectral_contrast(mag: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """Octave-band spectral contrast (Jiang et al. 2002), as librosa defines it.

    Bands: below 200 Hz, then octaves from 200 Hz, the last up to Nyquist. Per band
    and frame: dB of the mean of the top 2 % of magnitudes minus dB of the bottom 2 %.
    ``np.partition`` instead of a full sort: same numbers, a fraction of the time.
    """
    edges = [0.0] + [200.0 * 2**k for k in range(CONTRAST_BANDS)] + [float(freqs[-1]) + 1.0]
    rows = []
    for lo, hi in itertools.pairwise(edges):
        band = mag[(freqs >= lo) & (freqs < hi)]
        n = band.shape[0]
        q = max(1, round(0.02 * n))
        part = np.partition(band, (q - 1, n - q), axis=0) if n > 2 * q else np.sort(band, axis=0)
        valley = part[:q].mean(axis=0)
        peak = part[n - q :].mean(axis=0)
        rows.append(
            10.0 * np.log10(np.maximum(peak, EPS)) - 10.0 * np.log10(np.maximum(valley, EPS))
        )
    return np.asarray(rows)


def _percussive_share(mel: np.ndarray) -> float:
    """Percussive share of mel energy from median-filter HPSS (Fitzgerald 2010).

    Median along time (17 frames) keeps sustained partials, median along frequency
    (9 mel bands) keeps transients; soft Wiener masks (power 2) split each cell, as
    ``librosa.decompose.hpss`` does. Done here with scipy so the worker does not
    import librosa.decompose and, through it, scikit-learn (memory per worker).
    """
    harmonic = _median(mel, 17, axis=1)
    percussive = _median(mel, 9, axis=0)
    h2, p2 = harmonic * harmonic, percussive * percussive
    mask = p2 / (h2 + p2 + EPS)
    total = float(mel.sum())
    return float((mel * mask).sum()) / total if total > EPS else 0.0


def _median(x: np.ndarray, size: int, axis: int) -> np.ndarray:
    """Running median along one axis, edges mirrored.

    Equals ``scipy.ndimage.median_filter`` with ``mode="reflect"`` on that axis, but
    partitions a strided window view, about twice as fast for these kernel sizes.
    """
    half = size // 2
    pad = [(0, 0), (0, 0)]
    pad[axis] = (half, half)
    windows = sliding_window_view(np.pad(x, pad, mode="symmetric"), size, axis=axis)
    out = np.empty_like(x)
    # Partition copies its input: a slab at a time keeps that copy near 1 MB.
    other = 1 - axis
    step = max(1, (1 << 18) // (size * x.shape[axis]))
    for start in range(0, x.shape[other], step):
        part = slice(start, start + step)
        index = (part, slice(None)) if other == 0 else (slice(None), part)
        out[index] = np.partition(windows[index], half, axis=-1)[..., half]
    return out
