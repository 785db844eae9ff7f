"""Every bad input gets a clear reason; good input becomes a mono excerpt at 22 050 Hz."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from resonance.audio.decode import DecodeError, excerpt_window, load_clip
from tests.audio.signals import tone


def write_mp3(path: Path, y: np.ndarray, sr: int) -> None:
    """MP3 through libsndfile ≥ 1.1 (LAME), else ffmpeg; skip only where neither exists."""
    try:
        sf.write(path, y, sr, format="MP3")
        return
    except (sf.LibsndfileError, ValueError, TypeError):
        pass
    if ffmpeg := shutil.which("ffmpeg"):
        wav = path.with_suffix(".wav")
        sf.write(wav, y, sr)
        subprocess.run([ffmpeg, "-v", "error", "-y", "-i", wav, path], check=True)
        return
    if os.environ.get("CI"):
        pytest.fail("no MP3 encoder (libsndfile without LAME and no ffmpeg) on CI")
    pytest.skip("no MP3 encoder: libsndfile lacks LAME and ffmpeg is not installed")


def reason(path: Path, **kwargs: float) -> str:
    with pytest.raises(DecodeError) as info:
        load_clip(path, **kwargs)  # type: ignore[arg-type]
    return info.value.code


def test_stereo_44k_becomes_mono_22k(tmp_path: Path) -> None:
    left, right = tone(440.0, 5, 44100), tone(660.0, 5, 44100)
    sf.write(tmp_path / "a.flac", np.stack([left, right], axis=1), 44100)
    clip = load_clip(tmp_path / "a.flac")
    assert clip.sr == 22050 and clip.y.ndim == 1 and clip.y.dtype == np.float32
    assert abs(len(clip.y) - 5 * 22050) < 50 and clip.duration == pytest.approx(5.0)


def test_excerpt_is_the_middle(tmp_path: Path) -> None:
    sr = 8000
    y = np.concatenate([tone(200.0, 20, sr), tone(1000.0, 20, sr, amp=0.9), tone(200.0, 20, sr)])
    sf.write(tmp_path / "long.wav", y, sr)
    clip = load_clip(tmp_path / "long.wav", excerpt_seconds=10)
    assert clip.offset == pytest.approx(25.0) and len(clip.y) == pytest.approx(10 * 22050, abs=50)
    assert np.abs(clip.y).max() > 0.8  # the loud middle section
    assert excerpt_window(29.0, 30.0) == (0.0, 29.0)


def test_mp3_decodes(tmp_path: Path) -> None:
    write_mp3(tmp_path / "ok.mp3", tone(440.0, 8), 22050)
    assert load_clip(tmp_path / "ok.mp3").duration == pytest.approx(8.0, abs=0.1)


def test_truncated_mp3_is_rejected(tmp_path: Path) -> None:
    write_mp3(tmp_path / "full.mp3", tone(440.0, 10), 22050)
    data = (tmp_path / "full.mp3").read_bytes()
    (tmp_path / "cut.mp3").write_bytes(data[: len(data) // 2])
    assert reason(tmp_path / "cut.mp3") == "truncated"


def test_truncated_wav_is_rejected(tmp_path: Path) -> None:
    sf.write(tmp_path / "full.wav", tone(440.0, 10), 22050, subtype="PCM_16")
    data = (tmp_path / "full.wav").read_bytes()
    (tmp_path / "cut.wav").write_bytes(data[: len(data) // 2])
    assert reason(tmp_path / "cut.wav") == "truncated"


def test_silence_is_rejected(tmp_path: Path) -> None:
    sf.write(tmp_path / "silence.wav", np.zeros(22050 * 10, np.float32), 22050)
    assert reason(tmp_path / "silence.wav") == "silent"


def test_short_audio_is_rejected(tmp_path: Path) -> None:
    sf.write(tmp_path / "short.wav", tone(440.0, 2), 22050)
    assert reason(tmp_path / "short.wav") == "too_short"


def test_empty_missing_and_garbage(tmp_path: Path) -> None:
    (tmp_path / "empty.mp3").write_bytes(b"")
    assert reason(tmp_path / "empty.mp3") == "empty"
    assert reason(tmp_path / "nope.wav") == "missing"
    (tmp_path / "noise.m4a").write_bytes(np.random.default_rng(0).bytes(20000))
    assert reason(tmp_path / "noise.m4a") == "not_audio"


def why(path: Path) -> DecodeError:
    with pytest.raises(DecodeError) as info:
        load_clip(path)
    return info.value


def test_text_renamed_mp3_is_not_an_audio_file(tmp_path: Path) -> None:
    (tmp_path / "notes.mp3").write_text("Shopping list: milk, eggs, bread\n" * 50)
    error = why(tmp_path / "notes.mp3")
    assert (error.code, error.reason) == ("not_audio", "not an audio file (it is text)")


def test_random_bytes_flac_is_not_an_audio_file(tmp_path: Path) -> None:
    (tmp_path / "noise.flac").write_bytes(np.random.default_rng(1).bytes(40_000))
    error = why(tmp_path / "noise.flac")
    assert (error.code, error.reason) == ("not_audio", "not an audio file (no known audio header)")


def test_header_only_wav_is_empty(tmp_path: Path) -> None:
    sf.write(tmp_path / "header.wav", np.zeros((0, 2), np.float32), 44100)
    assert (tmp_path / "header.wav").stat().st_size == 44
    assert why(tmp_path / "header.wav").code == "empty"


def test_corrupt_flac_says_where_the_decoder_lost_sync(tmp_path: Path) -> None:
    sf.write(tmp_path / "good.flac", tone(440.0, 20), 22050)
    data = (tmp_path / "good.flac").read_bytes()
    cut = len(data) // 2
    noise = np.random.default_rng(2).bytes(len(data) - cut)
    (tmp_path / "bad.flac").write_bytes(data[:cut] + noise)
    error = why(tmp_path / "bad.flac")
    assert error.code == "corrupt"
    assert error.reason.startswith("corrupt FLAC (decoder lost sync at ")
    percent = float(error.reason.split(" at ")[1].split(" %")[0])
    assert 20 <= percent <= 55, error.reason


def test_wav_with_a_codec_libsndfile_lacks_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a machine without ffmpeg, which would otherwise be tried for this codec.
    monkeypatch.setattr("resonance.audio.decode.shutil.which", lambda name: None)
    fmt = struct.pack("<HHIIHH", 0x0161, 2, 44100, 16000, 2, 16)  # WMA v2
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", 4000) + bytes(4000)
    (tmp_path / "wma.wav").write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    error = why(tmp_path / "wma.wav")
    assert (error.code, error.reason) == ("unsupported", "unsupported codec WMA v2 in a WAV file")


def test_phase_inverted_stereo_is_not_silent(tmp_path: Path) -> None:
    y = tone(440.0, 5)
    sf.write(tmp_path / "inverted.wav", np.stack([y, -y], axis=1), 22050)
    clip = load_clip(tmp_path / "inverted.wav")
    assert float(np.abs(clip.y).max()) == pytest.approx(0.5, abs=0.01)


def test_stereo_is_silent_only_when_every_channel_is(tmp_path: Path) -> None:
    y = tone(440.0, 5)
    quiet = np.zeros_like(y)
    sf.write(tmp_path / "left.wav", np.stack([y, quiet], axis=1), 22050)
    assert float(np.abs(load_clip(tmp_path / "left.wav").y).max()) > 0.2
    sf.write(tmp_path / "both.wav", np.stack([quiet, quiet], axis=1), 22050)
    assert why(tmp_path / "both.wav").code == "silent"


def test_absurd_sample_rate_and_channels(tmp_path: Path) -> None:
    sf.write(tmp_path / "slow.wav", tone(100.0, 4, 1000), 1000)
    assert reason(tmp_path / "slow.wav") == "bad_format"
    sf.write(tmp_path / "many.wav", np.zeros((8000, 40), np.float32), 8000)
    assert reason(tmp_path / "many.wav") == "bad_format"


def test_file_far_larger_than_its_duration(tmp_path: Path) -> None:
    sf.write(tmp_path / "fat.wav", tone(440.0, 4), 22050, subtype="PCM_16")
    with (tmp_path / "fat.wav").open("ab") as fh:
        fh.write(b"JUNK" + struct.pack("<I", 40_000_000))
        fh.truncate(45_000_000)
    assert reason(tmp_path / "fat.wav") == "size_mismatch"


def test_other_containers_go_through_ffmpeg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in ffmpeg/ffprobe on PATH: checks the command line and the raw-PCM parsing."""
    import sys

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "ffprobe").write_text("#!/bin/sh\necho 40.0\n")
    log = tmp_path / "ffmpeg-args"
    (bin_dir / "ffmpeg").write_text(
        f'#!/bin/sh\necho "$@" > {log}\n'
        f'exec {sys.executable} -c "import sys, numpy as np; '
        "t = np.arange(22050 * 30) / 22050; y = 0.3 * np.sin(2 * np.pi * 440 * t); "
        "sys.stdout.buffer.write(np.stack([y, -y], 1).astype('<f4').tobytes())\"\n"
    )
    for tool in ("ffmpeg", "ffprobe"):
        (bin_dir / tool).chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    (tmp_path / "song.m4a").write_bytes(b"\0\0\0\x20ftypM4A " + b"\0" * 4000)
    clip = load_clip(tmp_path / "song.m4a")
    assert clip.duration == 40.0 and clip.offset == 5.0 and len(clip.y) == 30 * 22050
    args = log.read_text().split()
    assert args[args.index("-ss") + 1] == "5.000" and args[args.index("-t") + 1] == "30.000"
    # Two channels (downmixed by us, so a phase-inverted pair does not cancel).
    assert args[-7:-1] == ["-ac", "2", "-ar", "22050", "-f", "f32le"]
    assert float(np.abs(clip.y).max()) == pytest.approx(0.3, abs=0.01)
