"""What a file's first bytes say it is: container, WAV codec, bare MP3 frames, text.

Only consulted after libsndfile has refused a file, to tell a person why in words
("not an audio file (it is text)", "unsupported codec WMA v2 in a WAV file").
"""

from __future__ import annotations

import struct

# WAVE format tags worth naming when libsndfile cannot decode them.
WAV_CODECS = {
    0x0050: "MPEG-1 audio",
    0x0055: "MP3",
    0x0092: "Dolby AC-3",
    0x0160: "WMA v1",
    0x0161: "WMA v2",
    0x0162: "WMA Pro",
    0x0163: "WMA Lossless",
    0x00FF: "AAC",
    0x1610: "AAC (HE)",
    0x2000: "Dolby AC-3",
    0x2001: "DTS",
}


def sniff(head: bytes) -> str | None:
    """The container a file's first bytes announce, or None for none we know."""
    if head[:4] in (b"RIFF", b"RIFX", b"RF64") and head[8:12] == b"WAVE":
        return "WAV"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "AIFF"
    checks = (
        (b"fLaC", "FLAC"),
        (b"OggS", "OGG"),
        (b"ID3", "MP3"),
        (b"caff", "CAF"),
        (b".snd", "AU"),
        (b"\x1a\x45\xdf\xa3", "Matroska/WebM"),
        (b"\x30\x26\xb2\x75", "ASF/WMA"),
        (b"MAC ", "Monkey's Audio"),
        (b"wvpk", "WavPack"),
        (b"MPCK", "Musepack"),
        (b"#!AMR", "AMR"),
    )
    for magic, kind in checks:
        if head.startswith(magic):
            return kind
    if head[4:8] == b"ftyp":
        return "MP4/M4A"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "AAC (ADTS)"
    if _mpeg_frames(head):
        return "MP3"
    return None


_MP3_KBPS = {
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2 / 2.5
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mpeg_frames(head: bytes) -> bool:
    """Two consecutive valid MPEG layer III frame headers at the start (a bare MP3).

    One frame sync alone is 11 bits that random bytes match once in 2048 files;
    a second header exactly one frame length later makes a false match negligible.
    """
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate, padding = head[2] >> 4, (head[2] >> 2) & 3, (head[2] >> 1) & 1
    if version == 1 or layer != 1 or bitrate in (0, 15) or rate == 3:
        return False
    kbps = _MP3_KBPS[3 if version == 3 else 2][bitrate]
    hz = _MP3_RATES[version][rate]
    length = (144 if version == 3 else 72) * kbps * 1000 // hz + padding
    after = head[length : length + 2]
    return len(after) < 2 or (after[0] == 0xFF and after[1] & 0xE0 == 0xE0)


def looks_like_text(head: bytes) -> bool:
    """Mostly printable UTF-8 with no NUL bytes: a text file, whatever its name says."""
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return sum(ch.isprintable() or ch in "\r\n\t" for ch in text) >= 0.95 * len(text)


def wav_format_tag(head: bytes) -> int | None:
    """The format tag of a RIFF WAVE header's ``fmt `` chunk, or None if not in ``head``."""
    pos = 12
    while pos + 8 <= len(head):
        chunk, length = head[pos : pos + 4], struct.unpack("<I", head[pos + 4 : pos + 8])[0]
        if chunk == b"fmt " and pos + 10 <= len(head):
            tag: int = struct.unpack("<H", head[pos + 8 : pos + 10])[0]
            return tag
        pos += 8 + length + (length & 1)
    return None
