"""Onsets, tempo (or none), tempo confidence and beat strength from a log-mel spectrogram.

The onset envelope is spectral flux in dB (librosa's detection function). Onsets and
tempo are decided on its *absolute* size, so a steady tone, whose flux is a fraction
of a dB of numerical ripple, has no onsets and no tempo however periodic that
ripple is. Tempo comes from the envelope's autocorrelation scored as a pulse train
(one, two, four and eight beats), which settles the metrical level: a 97 BPM loop
correlates at 97, 48.5 and 24.25 BPM lags, its 4/3 "triplet" reading at 129 BPM
does not at 64.5 and 32.3. What the pulse train cannot tell apart (a beat from two
beats) a log-normal prior around 120 BPM decides.
"""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np

EPS = 1e-10
# An onset needs at least this much flux (mean dB rise over mel bands) above the
# local average: a soft piano note is several dB, a steady tone ~0.05 dB, white
# noise a ~1 dB random ripple.
ONSET_DELTA_DB = 2.0
# No pulse if the envelope's 99th percentile is below this: nothing in the clip
# starts audibly (drones, steady tones, sustained notes, hum).
PULSE_FLUX_DB = 1.5
# No pulse if the pulse-train score (mean normalised autocorrelation at 1, 2, 4 and 8
# beats) is below this: noise, hiss, speech and ambiences score 0.0–0.3, loops and
# rhythmic music 0.4–0.9 (bench/dsp_accuracy.py, docs/audio.md).
PULSE_MIN_SCORE = 0.35
BEAT_MULTIPLES = (1, 2, 4, 8)
MIN_BPM, MAX_BPM, BPM_STEP = 50.0, 220.0, 0.5
PRIOR_BPM, PRIOR_OCTAVES = 120.0, 1.0
BASELINE_SECONDS = 1.0  # moving average removed before the autocorrelation


@dataclass(frozen=True, slots=True)
class Rhythm:
    onset_rate: float  # onsets per second
    tempo: float | None  # BPM, None when the clip has no pulse
    confidence: float  # pulse-train score in [0, 1] (below PULSE_MIN_SCORE: no tempo)
    beat_strength: float  # mean envelope on beats / mean envelope; 0 without a pulse


def onset_envelope(log_mel: np.ndarray, sr: int, hop: int) -> np.ndarray:
    """Spectral flux in dB per frame: mean over mel bands of the positive dB rise.

    The floor 80 dB under the loudest cell keeps near-silent frames from creating flux.
    """
    floored = np.maximum(log_mel, log_mel.max() - 80.0)
    env: np.ndarray = librosa.onset.onset_strength(S=floored, sr=sr, hop_length=hop)
    return env


def onsets(env: np.ndarray, sr: int, hop: int) -> np.ndarray:
    """Frames of onsets: flux peaks at least ``ONSET_DELTA_DB`` above the local mean.

    librosa's default normalises the envelope to [0, 1] first, which turns the
    ripple of a steady tone into onsets; here the threshold is absolute.
    """
    found: np.ndarray = librosa.onset.onset_detect(
        onset_envelope=env, sr=sr, hop_length=hop, normalize=False, delta=ONSET_DELTA_DB
    )
    return found


def autocorrelation(env: np.ndarray, fps: float) -> np.ndarray:
    """Unbiased autocorrelation of the envelope minus its 1 s moving average, r[0] = 1.

    Removing the moving average keeps slow swells (a fade, a drone's breathing) from
    reading as a pulse; dividing by the overlap keeps long lags comparable.
    """
    w = int(BASELINE_SECONDS * fps) | 1
    base = np.convolve(np.pad(env, w // 2, mode="edge"), np.ones(w) / w, mode="valid")
    x = env.astype(np.float64) - base
    n = len(x)
    spectrum = np.fft.rfft(x, 2 * n)
    r = np.fft.irfft(np.abs(spectrum) ** 2, 2 * n)[:n] / (n - np.arange(n))
    if r[0] <= EPS:
        return np.zeros(n)
    out: np.ndarray = r / r[0]
    return out


def pulse_scores(r: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """(BPM grid, pulse-train score per BPM): mean of r at 1, 2, 4 and 8 beat lags.

    Only lags up to half the clip count (the autocorrelation is too noisy beyond);
    a tempo with fewer than two usable multiples scores nothing.
    """
    bpms = np.arange(MIN_BPM, MAX_BPM + BPM_STEP / 2, BPM_STEP)
    lags = 60.0 * fps / bpms
    limit = (len(r) - 2) / 2.0
    total = np.zeros(len(bpms))
    count = np.zeros(len(bpms))
    index = np.arange(len(r))
    for m in BEAT_MULTIPLES:
        at = m * lags
        usable = at <= limit
        total[usable] += np.interp(at[usable], index, r)
        count[usable] += 1
    scores = np.where(count >= 2, total / np.maximum(count, 1), 0.0)
    return bpms, scores


def estimate_tempo(env: np.ndarray, sr: int, hop: int) -> tuple[float | None, float]:
    """Global tempo in BPM (or None: no pulse) and its confidence in [0, 1]."""
    if len(env) < 8 or float(np.percentile(env, 99)) < PULSE_FLUX_DB:
        return None, 0.0  # nothing starts audibly: no pulse whatever the ripple does
    fps = sr / hop
    r = autocorrelation(env, fps)
    bpms, scores = pulse_scores(r, fps)
    prior = np.exp(-0.5 * (np.log2(bpms / PRIOR_BPM) / PRIOR_OCTAVES) ** 2)
    best = int(np.argmax(scores * prior))
    score = float(scores[best])
    if score < PULSE_MIN_SCORE:
        return None, max(0.0, score)
    return _refine(r, float(bpms[best]), fps), min(1.0, score)


def _refine(r: np.ndarray, bpm: float, fps: float) -> float:
    """Sub-frame tempo from the autocorrelation peak at the longest usable multiple.

    One frame is ~2 % of a beat lag at 120 BPM; at eight beats it is a quarter of a
    percent. The peak is found within ±2 frames and interpolated by a parabola.
    """
    lag = 60.0 * fps / bpm
    for m in sorted(BEAT_MULTIPLES, reverse=True):
        centre = round(m * lag)
        if centre + 3 >= (len(r) - 2) / 2.0:
            continue
        j = centre - 2 + int(np.argmax(r[centre - 2 : centre + 3]))
        a, b, c = r[j - 1], r[j], r[j + 1]
        bend = a - 2.0 * b + c
        offset = 0.5 * (a - c) / bend if bend < 0 else 0.0
        refined = (j + offset) / m
        if abs(refined / lag - 1.0) < 0.03:
            return float(60.0 * fps / refined)
        break
    return bpm


def rhythm_features(log_mel: np.ndarray, sr: int, hop: int, duration: float) -> Rhythm:
    """Onset rate, tempo (or None), tempo confidence and beat strength of a clip."""
    env = onset_envelope(log_mel, sr, hop)
    found = onsets(env, sr, hop)
    onset_rate = len(found) / max(duration, EPS)
    tempo, confidence = estimate_tempo(env, sr, hop)
    if tempo is None:
        return Rhythm(onset_rate, None, confidence, 0.0)
    _, beats = librosa.beat.beat_track(onset_envelope=env, sr=sr, hop_length=hop, bpm=tempo)
    strength = float(env[beats].mean() / (env.mean() + EPS)) if len(beats) else 0.0
    return Rhythm(onset_rate, tempo, confidence, strength)
