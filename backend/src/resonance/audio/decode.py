"""Decode any audio file to a mono excerpt at the analysis rate, or say exactly why not.

soundfile (libsndfile: WAV, FLAC, OGG/Vorbis/Opus, MP3) first; ffmpeg, when the machine
has it, for other containers (M4A/AAC, WMA…). Only the excerpt that will be analysed
is read, so a two-hour mix costs the same as a 30 s preview.
"""

from __future__ import annotations

import os
import shutil
import stat
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
import soxr

from resonance.audio.sniff import WAV_CODECS, looks_like_text, sniff, wav_format_tag

MIN_SECONDS = 3.0
MIN_RATE, MAX_RATE = 4_000, 384_000
MAX_CHANNELS = 32
# Peak below −80 dBFS: nothing a descriptor could describe.
SILENCE_PEAK = 1e-4
# A file may carry cover art and padding, but not more than this beyond what even
# uncompressed 64-bit audio of its declared duration would need.
SIZE_SLACK_BYTES = 32 * 1024 * 1024
# A decoder that stops this far short of the declared length means a cut-off file.
TRUNCATION_TOLERANCE = 0.03
FFMPEG_TIMEOUT = 60.0
# A downmix (mean of the channels) quieter than this share of the loudest channel's
# RMS has cancelled: channels in opposite phase. The loudest channel is used instead.
CANCELLED_SHARE = 0.5
READ_BLOCK_SECONDS = 1.0


class DecodeError(Exception):
    """A file that cannot be analysed. ``code`` is stable; ``reason`` is for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Clip:
    y: np.ndarray  # mono float32 at ``sr``
    sr: int
    duration: float  # seconds of audio in the whole file
    offset: float  # where the excerpt starts, seconds


def excerpt_window(duration: float, excerpt_seconds: float) -> tuple[float, float]:
    """(start, length) in seconds: the middle ``excerpt_seconds`` of longer audio, else all."""
    if excerpt_seconds <= 0 or duration <= excerpt_seconds:
        return 0.0, duration
    return (duration - excerpt_seconds) / 2.0, excerpt_seconds


def load_clip(path: str | Path, *, sr: int = 22050, excerpt_seconds: float = 30.0) -> Clip:
    """Decode the representative excerpt of an audio file to mono float32 at ``sr``.

    Raises ``DecodeError`` with one of the codes ``missing``, ``empty``,
    ``not_audio``, ``unsupported``, ``corrupt``, ``undecodable``, ``truncated``,
    ``bad_format``, ``size_mismatch``, ``too_short``, ``silent``, ``unreadable`` or
    ``not_a_file`` (docs/audio.md says when each applies).

    Multichannel audio is averaged to mono unless that cancels (a phase-inverted
    channel): then the loudest channel is analysed, and the file is silent only if
    every channel is.
    """
    path = Path(path)
    size = _regular_file_size(path)
    if size == 0:
        raise DecodeError("empty", "file is empty (0 bytes)")
    # libsndfile gets the name as bytes: soundfile encodes a str strictly, which fails
    # (outside its own error types) on a name that is not UTF-8.
    name = os.fsencode(path)
    try:
        info = sf.info(name)
    except (sf.LibsndfileError, RuntimeError) as exc:
        kind = _explain_unreadable(path, exc)
        return _fallback(path, size, sr, excerpt_seconds, kind)
    _check_format(info.samplerate, info.channels)
    declared = _declared_frames(path, info)
    if declared == 0:
        raise DecodeError("empty", "the header declares no audio frames: no audio in the file")
    duration = declared / info.samplerate
    _check_size(size, duration, info.samplerate, info.channels)
    if duration < MIN_SECONDS and declared == info.frames:
        raise DecodeError("too_short", f"only {duration:.1f} s of audio (need {MIN_SECONDS:.0f} s)")
    start, length = excerpt_window(duration, excerpt_seconds)
    first, wanted = int(start * info.samplerate), int(length * info.samplerate)
    data = _read(name, info, first, wanted, declared)
    got = len(data)
    if got < wanted * (1 - TRUNCATION_TOLERANCE):
        if got == 0 and declared == 0:
            raise DecodeError("empty", "file holds no audio frames")
        raise DecodeError(
            "truncated",
            f"file ends early: decoded {(first + got) / info.samplerate:.1f} s "
            f"of a declared {duration:.1f} s",
        )
    return _finish(downmix(data), info.samplerate, sr, duration, start)


def downmix(data: np.ndarray) -> np.ndarray:
    """Mono from (frames, channels): the mean, or the loudest channel if the mean cancels.

    Summing a channel with its phase-inverted copy gives silence; analysing the
    loudest channel instead keeps what a listener hears from either speaker.
    """
    if data.shape[1] == 1:
        only: np.ndarray = data[:, 0]
        return only
    mean: np.ndarray = data.mean(axis=1)
    rms = np.sqrt(np.mean(np.square(data, dtype=np.float64), axis=0))
    loudest = int(np.argmax(rms))
    if float(np.sqrt(np.mean(np.square(mean, dtype=np.float64)))) < CANCELLED_SHARE * rms[loudest]:
        channel: np.ndarray = np.ascontiguousarray(data[:, loudest])
        return channel
    return mean


def _read(name: bytes, info: Any, first: int, wanted: int, declared: int) -> np.ndarray:
    """Read ``wanted`` frames from ``first``; on a decoder error, say where it failed.

    One read on the happy path (reading an MP3 in pieces makes libmpg123 lose its bit
    reservoir at every piece); only after a failure is the file read again block by
    block to find the last second that decoded.
    """
    try:
        with sf.SoundFile(name) as f:
            if first:
                f.seek(first)
            data: np.ndarray = f.read(frames=wanted, dtype="float32", always_2d=True)
            return data
    except (sf.LibsndfileError, RuntimeError) as exc:
        where = (
            100.0 * (first + _frames_before_failure(name, info, first, wanted)) / max(declared, 1)
        )
        raise DecodeError(
            "corrupt",
            f"corrupt {info.format} (decoder lost sync at {min(where, 100.0):.0f} %)",
        ) from exc


def _frames_before_failure(name: bytes, info: Any, first: int, wanted: int) -> int:
    block = max(1, int(READ_BLOCK_SECONDS * info.samplerate))
    got = 0
    try:
        with sf.SoundFile(name) as f:
            if first:
                f.seek(first)
            while got < wanted:
                part = f.read(frames=min(block, wanted - got), dtype="float32", always_2d=True)
                if not len(part):
                    break
                got += len(part)
    except (sf.LibsndfileError, RuntimeError):
        pass
    return got


def _explain_unreadable(path: Path, exc: Exception) -> str:
    """Why libsndfile cannot open a file, as a ``DecodeError`` unless ffmpeg may still.

    Returns the container's name when the file does look like audio that ffmpeg
    could decode; raises ``not_audio`` for anything without an audio header,
    ``unsupported`` (naming the codec) for WAV codecs, and ``corrupt`` for formats
    libsndfile itself reads (FLAC, OGG, WAV, AIFF) whose header it rejects.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as err:
        raise DecodeError("unreadable", f"cannot read file: {err.strerror or err}") from err
    kind = sniff(head)
    if kind is None:
        what = "it is text" if looks_like_text(head) else "no known audio header"
        raise DecodeError("not_audio", f"not an audio file ({what})")
    if kind == "WAV":
        tag = wav_format_tag(head)
        if tag is not None and tag not in (0x0001, 0x0003, 0xFFFE, 0x0006, 0x0007):
            codec = WAV_CODECS.get(tag, f"format tag 0x{tag:04X}")
            if shutil.which("ffmpeg") is None:
                raise DecodeError("unsupported", f"unsupported codec {codec} in a WAV file")
            return f"WAV ({codec})"
    if kind in ("WAV", "FLAC", "AIFF", "CAF", "AU") or (kind == "OGG" and b"vorbis" in head):
        raise DecodeError("corrupt", f"corrupt {kind}: its header cannot be read ({exc})")
    return kind


def _regular_file_size(path: Path) -> int:
    """Size of ``path`` if it is a regular file we may read, else ``DecodeError``.

    Opened non-blocking and checked with fstat on that descriptor: a FIFO (or a file
    swapped for one since the scan looked) must never leave a worker waiting for a
    writer, and "permission denied" is worth saying as such.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except PermissionError as exc:
        raise DecodeError("unreadable", f"cannot read file: {exc.strerror or exc}") from exc
    except OSError as exc:
        raise DecodeError("missing", f"cannot read file: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
    finally:
        os.close(fd)
    if not stat.S_ISREG(info.st_mode):
        raise DecodeError("not_a_file", "not a regular file (FIFO, socket or device)")
    return info.st_size


def _check_format(rate: int, channels: int) -> None:
    if not MIN_RATE <= rate <= MAX_RATE:
        raise DecodeError("bad_format", f"implausible sample rate {rate} Hz")
    if not 1 <= channels <= MAX_CHANNELS:
        raise DecodeError("bad_format", f"implausible channel count {channels}")


def _check_size(size: int, duration: float, rate: int, channels: int) -> None:
    ceiling = duration * rate * channels * 8 * 1.25 + SIZE_SLACK_BYTES
    if size > ceiling:
        raise DecodeError(
            "size_mismatch",
            f"{size / 1e6:.0f} MB is far more than {duration:.1f} s of audio can need",
        )


def _declared_frames(path: Path, info: Any) -> int:
    """Frames the file's header promises (libsndfile reports what is actually there for
    WAV, so a cut-off WAV is only visible by reading its ``data`` chunk size)."""
    frames = int(info.frames)
    if info.format != "WAV":
        return frames
    try:
        with path.open("rb") as fh:
            header = fh.read(4096)
    except OSError:
        return frames
    pos = 12
    while pos + 8 <= len(header):
        chunk, length = header[pos : pos + 4], struct.unpack("<I", header[pos + 4 : pos + 8])[0]
        if chunk == b"data":
            block = int(info.channels) * _bytes_per_sample(str(info.subtype))
            if block and length not in (0, 0xFFFFFFFF):
                return max(frames, int(length) // block)
            return frames
        pos += 8 + length + (length & 1)
    return frames


def _bytes_per_sample(subtype: str) -> int:
    return {"PCM_U8": 1, "PCM_16": 2, "PCM_24": 3, "PCM_32": 4, "FLOAT": 4, "DOUBLE": 8}.get(
        subtype, 0
    )


def _finish(mono: np.ndarray, rate: int, sr: int, duration: float, start: float) -> Clip:
    if len(mono) < MIN_SECONDS * rate:
        raise DecodeError(
            "too_short", f"only {len(mono) / rate:.1f} s of audio (need {MIN_SECONDS:.0f} s)"
        )
    if not np.isfinite(mono).all():
        raise DecodeError("undecodable", "decoded samples are not finite numbers")
    if float(np.max(np.abs(mono))) < SILENCE_PEAK:
        raise DecodeError("silent", "audio is silent (peak below −80 dBFS)")
    y = mono if rate == sr else soxr.resample(mono, rate, sr)
    return Clip(np.ascontiguousarray(y, dtype=np.float32), sr, duration, start)


def _fallback(path: Path, size: int, sr: int, excerpt_seconds: float, kind: str) -> Clip:
    """Decode with ffmpeg when libsndfile does not know the container (``kind``)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        # libsndfile's own message is often misleading here ("file does not exist").
        raise DecodeError(
            "unsupported", f"unsupported format {kind} (libsndfile cannot read it; no ffmpeg)"
        )
    ffprobe = shutil.which("ffprobe")
    duration = _probe_duration(ffprobe, path) if ffprobe else None
    start, length = excerpt_window(duration or 0.0, excerpt_seconds if duration else 0.0)
    cmd = [ffmpeg, "-v", "error", "-nostdin", "-ss", f"{start:.3f}", "-i", str(path)]
    if length and duration:
        cmd += ["-t", f"{length:.3f}"]
    # Two channels, downmixed here: ffmpeg's own mono downmix would cancel inverted ones.
    cmd += ["-ac", "2", "-ar", str(sr), "-f", "f32le", "-"]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=FFMPEG_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise DecodeError("undecodable", "ffmpeg timed out") from exc
    pcm = np.frombuffer(done.stdout, dtype="<f4")
    mono = downmix(pcm[: len(pcm) // 2 * 2].reshape(-1, 2))
    if done.returncode != 0 or not len(mono):
        message = done.stderr.decode(errors="replace").strip().splitlines()
        detail = message[-1] if message else "ffmpeg decoded nothing"
        raise DecodeError("undecodable", f"{kind} that ffmpeg cannot decode ({detail})")
    duration = duration if duration else len(mono) / sr
    _check_size(size, duration, 192_000, 8)  # generous: true rate and channels unknown
    return _finish(np.array(mono, np.float32), sr, sr, duration, start)


def _probe_duration(ffprobe: str, path: Path) -> float | None:
    cmd = [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"]
    try:
        out = subprocess.run([*cmd, str(path)], capture_output=True, timeout=20, check=False)
        return float(out.stdout.strip() or 0) or None
    except (subprocess.TimeoutExpired, ValueError):
        return None
