"""Onsets, tempo, beats and pulse clarity from a log-mel spectrogram."""

from __future__ import annotations

import librosa
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

EPS = 1e-10
TEMPOGRAM_SECONDS = 8.0  # librosa's default autocorrelation window (ac_size)
CHUNK = 128  # tempogram frames per FFT batch: bounds memory at ~1 MB


def estimate_tempo(env: np.ndarray, sr: int, hop: int, start_bpm: float = 120.0) -> float:
    """Global tempo: ``librosa.feature.tempo`` with its defaults, computed in chunks.

    The mean of the per-frame normalised local autocorrelations (the tempogram) is
    weighted by a log-normal prior around 120 BPM (one octave wide) and its best lag
    taken. librosa materialises the whole tempogram (and its 2×-padded FFT, ~20 MB
    for 30 s); summing it chunk by chunk gives the same answer in ~1 MB, which
    keeps each worker under its memory budget.
    """
    win = int(np.floor(TEMPOGRAM_SECONDS * sr / hop))
    n = len(env)
    if n < 2 or win < 2:
        return 0.0
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(win) / win)  # periodic Hann
    padded = np.pad(env.astype(np.float64), win // 2, mode="linear_ramp", end_values=0)
    frames = sliding_window_view(padded, win)[:n]
    total = np.zeros(win)
    for start in range(0, n, CHUNK):
        spectrum = np.fft.rfft(frames[start : start + CHUNK] * window, n=2 * win, axis=1)
        ac = np.fft.irfft(np.abs(spectrum) ** 2, n=2 * win, axis=1)[:, :win]
        peak = np.abs(ac).max(axis=1, keepdims=True)
        peak[peak < np.finfo(np.float64).tiny] = 1.0
        total += (ac / peak).sum(axis=0)
    mean = total / n
    lags = np.arange(1, win)
    bpms = np.concatenate([[np.inf], 60.0 * sr / (hop * lags)])
    with np.errstate(divide="ignore"):
        logprior = -0.5 * ((np.log2(bpms) - np.log2(start_bpm)) / 1.0) ** 2
    logprior[bpms >= 320.0] = -np.inf
    return float(bpms[int(np.argmax(np.log1p(1e6 * mean) + logprior))])


def rhythm_features(log_mel: np.ndarray, sr: int, hop: int, duration: float) -> dict[str, float]:
    """Onset rate (per s), tempo (BPM), beat strength and pulse clarity."""
    # Spectral flux on the log-mel (librosa's default detection function), with the
    # floor 80 dB under the peak so near-silent frames do not create onsets.
    floored = np.maximum(log_mel, log_mel.max() - 80.0)
    env = librosa.onset.onset_strength(S=floored, sr=sr, hop_length=hop)
    if not np.any(env > 0):
        return {"onset_rate": 0.0, "tempo": 0.0, "beat_strength": 0.0, "pulse": 0.0}
    onsets = librosa.onset.onset_detect(onset_envelope=env, sr=sr, hop_length=hop)
    tempo = estimate_tempo(env, sr, hop)
    _, beats = librosa.beat.beat_track(onset_envelope=env, sr=sr, hop_length=hop, bpm=tempo)
    beat_strength = float(env[beats].mean() / (env.mean() + EPS)) if len(beats) else 0.0
    return {
        "onset_rate": len(onsets) / max(duration, EPS),
        "tempo": refine_tempo(tempo, beats, sr, hop),
        "beat_strength": beat_strength,
        "pulse": pulse_clarity(env, sr, hop),
    }


def refine_tempo(tempo: float, beats: np.ndarray, sr: int, hop: int) -> float:
    """Sub-frame tempo from a straight-line fit of beat frame against beat number.

    The tempogram only offers tempi of whole-frame lags (at 43 frames/s, 117.5 or
    123.0 BPM around 120), a 2 % step; the beat tracker's positions, fitted over a
    whole clip, resolve the period far more finely. The fit is kept only when it
    agrees with the tempogram, so it can refine the tempo but never change octave.
    """
    if len(beats) < 8 or tempo <= 0:
        return tempo
    slope = float(np.polyfit(np.arange(len(beats)), beats.astype(np.float64), 1)[0])
    if slope <= 0:
        return tempo
    fitted = 60.0 * sr / hop / slope
    return fitted if abs(fitted / tempo - 1.0) < 0.06 else tempo


def pulse_clarity(env: np.ndarray, sr: int, hop: int) -> float:
    """Highest normalised autocorrelation of the onset envelope at 40–240 BPM lags."""
    x = env - env.mean()
    n = len(x)
    spectrum = np.fft.rfft(x, 2 * n)
    ac = np.fft.irfft(spectrum * np.conj(spectrum))[:n]
    if ac[0] <= EPS:
        return 0.0
    # Unbiased: divide by the overlap so long lags are not penalised for being long.
    ac = ac / (n - np.arange(n)) * n / ac[0]
    fps = sr / hop
    lo, hi = int(fps * 60 / 240), min(int(fps * 60 / 40) + 1, n // 2)
    return float(ac[lo:hi].max()) if hi > lo else 0.0
