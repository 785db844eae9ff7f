"""Header sniffing: what a file's first bytes say it is, for the reasons people read."""

from __future__ import annotations

import struct

import pytest

from resonance.audio.sniff import looks_like_text, sniff, wav_format_tag


def _wav_header(tag: int) -> bytes:
    fmt = struct.pack("<HHIIHH", tag, 2, 44100, 44100 * 4, 4, 16)
    return b"RIFF" + struct.pack("<I", 36) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt


def _mp3_frames() -> bytes:
    # MPEG-1 layer III, 128 kb/s, 44.1 kHz, no padding: 417-byte frames.
    header = bytes([0xFF, 0xFB, 0x90, 0x00])
    frame = header + bytes(417 - 4)
    return frame + frame


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (_wav_header(1), "WAV"),
        (b"FORM\x00\x00\x00\x00AIFF", "AIFF"),
        (b"fLaC\x00\x00\x00\x22", "FLAC"),
        (b"OggS\x00\x02", "OGG"),
        (b"ID3\x04\x00", "MP3"),
        (_mp3_frames(), "MP3"),
        (b"\x00\x00\x00\x20ftypM4A ", "MP4/M4A"),
        (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "ASF/WMA"),
        (b"\xff\xf1\x50\x80", "AAC (ADTS)"),
        (b"hello, this is not audio", None),
        (bytes(range(256)) * 4, None),
    ],
)
def test_sniff_names_the_container(head: bytes, kind: str | None) -> None:
    assert sniff(head) == kind


def test_one_mpeg_sync_without_a_second_frame_is_not_mp3() -> None:
    frame = bytes([0xFF, 0xFB, 0x90, 0x00]) + bytes(413)
    assert sniff(frame + b"\x12\x34" + bytes(100)) is None


def test_wav_format_tag_and_text() -> None:
    assert wav_format_tag(_wav_header(0x0161)) == 0x0161
    assert wav_format_tag(b"RIFF\x00\x00\x00\x00WAVE") is None
    assert looks_like_text("Résumé: not audio\n".encode())
    assert not looks_like_text(b"\x00\x01\x02 binary")
    assert not looks_like_text(b"")
