"""Read title, artist, album, genre, ISRC and duration from a file's tags (mutagen)."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mutagen

ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")
# "Artist - Title.mp3", the most common untagged naming.
DASHED = re.compile(r"^\s*(?P<artist>.+?)\s+-\s+(?P<title>.+?)\s*$")


@dataclass(slots=True)
class Tags:
    title: str
    artists: list[str] = field(default_factory=list)
    album: str | None = None
    genres: list[str] = field(default_factory=list)
    isrc: str | None = None
    duration: float | None = None  # seconds


def _first(tags: Any, *keys: str) -> list[str]:
    for key in keys:
        try:
            values = tags.get(key)
        except (KeyError, ValueError):
            values = None
        if values:
            items = values if isinstance(values, list) else [values]
            out = [str(v).strip() for v in items if str(v).strip()]
            if out:
                return out
    return []


def _split_genres(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        out += [g.strip() for g in re.split(r"[;/,]", value) if g.strip()]
    return list(dict.fromkeys(out))


def _regular_file(path: Path) -> bool:
    """Whether ``path`` is a regular file, asked without blocking.

    mutagen's plain ``open`` of a FIFO waits for a writer forever: the scan's walk
    skips FIFOs, and this covers a file swapped for one since.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode)
    finally:
        os.close(fd)


def read_tags(path: str | Path) -> Tags:
    """Tags via mutagen's "easy" interface; falls back to the file name for the title.

    Never raises: a file with broken tags still has a name, and decoding decides
    whether it is usable audio.
    """
    path = Path(path)
    try:
        audio = mutagen.File(str(path), easy=True) if _regular_file(path) else None
    except Exception:  # mutagen raises many types for corrupt headers
        audio = None
    tags = getattr(audio, "tags", None) or {}
    title = _first(tags, "title")
    artists = _first(tags, "artist", "albumartist")
    if not title:
        # A name that is not UTF-8 holds surrogate escapes no database can store: a title
        # with U+FFFD for the odd bytes is the best the name can say.
        stem = os.fsencode(path.stem).decode("utf-8", "replace")
        match = DASHED.match(stem)
        if match and not artists:
            artists = [match["artist"]]
        title = [match["title"] if match else stem]
    isrc_values = _first(tags, "isrc")
    isrc = isrc_values[0].replace("-", "").upper() if isrc_values else None
    length = getattr(getattr(audio, "info", None), "length", None)
    return Tags(
        title=title[0],
        artists=artists,
        album=next(iter(_first(tags, "album")), None),
        genres=_split_genres(_first(tags, "genre")),
        isrc=isrc if isrc and ISRC.match(isrc) else None,
        duration=float(length) if isinstance(length, int | float) and length > 0 else None,
    )
