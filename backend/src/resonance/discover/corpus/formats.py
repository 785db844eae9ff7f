"""Readers for community playlist files: MPD JSON slices, JSON lines, Exportify CSVs.

Each reader streams one file and yields `RawPlaylist`s whose tracks are the file's own
dicts, read through a `TrackFields` that names the keys of that format, so the importer
touches each of the tens of millions of entries once and builds no object per entry.
A file or line that cannot be read is reported as a `Problem` (file, line, why) and
skipped; reading goes on with the next line or file.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

FileFormat = Literal["mpd-slice", "jsonl", "exportify"]

# A Spotify track URI, the key of every corpus track.
TRACK_URI = re.compile(r"spotify:track:[0-9A-Za-z]{22}")
_CSV_FIELD_LIMIT = 128 * 1024  # as in ingest's Exportify reader: long cells are bad rows


@dataclass(frozen=True, slots=True)
class TrackFields:
    """The keys a format uses for a track's URI, title, artist and album (and ids)."""

    uri: str
    name: str
    artist: str
    album: str
    artist_uri: str
    album_uri: str


MPD_FIELDS = TrackFields(
    "track_uri", "track_name", "artist_name", "album_name", "artist_uri", "album_uri"
)
# The reduced MPD export in JSON lines (one playlist per line).
JSONL_FIELDS = TrackFields("uri", "name", "artist", "album", "artist_uri", "album_uri")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a corpus file that was skipped: which file, which line, and why."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


@dataclass(slots=True)
class RawPlaylist:
    """One playlist as read: a key unique across imports, a name, the file's track dicts."""

    key: str
    name: str
    tracks: list[dict[str, Any]]
    fields: TrackFields
    line: int | None  # where it starts, for problems with its entries
    lines_per_entry: bool = False  # each track dict has its own "line" (CSV rows)


Report = Callable[[Problem], None]


def file_format(path: Path) -> FileFormat | None:
    """The format a file name says, or None for a file that is not a corpus file."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".json"):
        return "mpd-slice"
    if name.endswith(".csv"):
        return "exportify"
    return None


def corpus_files(path: Path) -> list[Path]:
    """The corpus files at PATH: the file itself, or every known file under the folder."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and file_format(p) is not None)


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".jsonl", ".ndjson", ".json", ".csv"):
        name = name.removesuffix(suffix)
    return name


def _open(path: Path) -> io.BufferedIOBase:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def read_file(path: Path, report: Report) -> Iterator[RawPlaylist]:
    """Every readable playlist in one file; everything unreadable goes to `report`."""
    kind = file_format(path)
    if kind == "mpd-slice":
        yield from read_mpd_slice(path, report)
    elif kind == "jsonl":
        yield from read_jsonl(path, report)
    elif kind == "exportify":
        playlist = read_exportify(path, report)
        if playlist is not None:
            yield playlist
    else:
        report(Problem(str(path), None, "not a corpus file (.json, .jsonl or .csv)"))


def _playlist(
    value: Any, key_prefix: str, fallback: str, fields: TrackFields, line: int | None
) -> RawPlaylist | str:
    """A RawPlaylist from a decoded playlist object, or why it is not one."""
    if not isinstance(value, dict):
        return "a playlist is a JSON object"
    tracks = value.get("tracks")
    if not isinstance(tracks, list):
        return "the playlist has no list of tracks"
    pid = value.get("pid")
    key = f"{key_prefix}:{pid}" if isinstance(pid, int | str) and pid != "" else fallback
    name = value.get("name")
    return RawPlaylist(key, name if isinstance(name, str) else "", tracks, fields, line)


def read_mpd_slice(path: Path, report: Report) -> Iterator[RawPlaylist]:
    """An `mpd.slice.*.json` file: {"info": …, "playlists": [{"pid", "name", "tracks"}]}.

    A slice is one JSON document (about 33 MB in the MPD), read whole; one that does not
    parse (truncated, malformed) is skipped with the line of the first error.
    """
    try:
        with _open(path) as handle:
            document = orjson.loads(handle.read())
    except orjson.JSONDecodeError as exc:
        report(Problem(str(path), exc.lineno, f"not valid JSON, file skipped ({exc.msg})"))
        return
    except (EOFError, OSError, zlib.error) as exc:
        report(Problem(str(path), None, f"cannot be read, file skipped ({exc})"))
        return
    playlists = document.get("playlists") if isinstance(document, dict) else None
    if not isinstance(playlists, list):
        report(Problem(str(path), 1, 'no "playlists" list: not an MPD slice, file skipped'))
        return
    for position, value in enumerate(playlists):
        found = _playlist(value, "mpd", f"{path.name}#{position}", MPD_FIELDS, None)
        if isinstance(found, str):
            report(Problem(str(path), None, f"playlist #{position} skipped: {found}"))
        else:
            yield found


def read_jsonl(path: Path, report: Report) -> Iterator[RawPlaylist]:
    """One playlist per line: {"pid", "name", "tracks": [{"uri", "name", "artist"}]}.

    Also reads lines in the MPD slice's own track shape (track_uri, track_name, …).
    """
    prefix = _stem(path)
    line = 0
    try:
        with _open(path) as handle:
            for line, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    value = orjson.loads(raw)
                except orjson.JSONDecodeError as exc:
                    report(Problem(str(path), line, f"not valid JSON, line skipped ({exc.msg})"))
                    continue
                found = _playlist(value, prefix, f"{prefix}#{line}", JSONL_FIELDS, line)
                if isinstance(found, str):
                    report(Problem(str(path), line, f"line skipped: {found}"))
                    continue
                first = found.tracks[0] if found.tracks else None
                if isinstance(first, dict) and "track_uri" in first:
                    found.fields = MPD_FIELDS
                yield found
    except (EOFError, OSError, zlib.error) as exc:
        report(Problem(str(path), line + 1, f"file ends early or is corrupt, rest skipped ({exc})"))


# Exportify's headers (current and older) → the MPD keys the importer reads.
_EXPORTIFY_COLUMNS = {
    "track uri": "track_uri",
    "spotify id": "track_uri",
    "track name": "track_name",
    "artist name s": "artist_name",
    "album name": "album_name",
    "artist uri s": "artist_uri",
    "artist ids": "artist_uri",
    "album uri": "album_uri",
}


def _header_key(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.casefold()).split())


def read_exportify(path: Path, report: Report) -> RawPlaylist | None:
    """One Exportify CSV: one playlist, named after its file, keyed by the file's name."""
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT * 2))
    tracks: list[dict[str, Any]] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                report(Problem(str(path), 1, "empty file, skipped"))
                return None
            columns = {i: _EXPORTIFY_COLUMNS.get(_header_key(h)) for i, h in enumerate(header)}
            if "track_uri" not in columns.values():
                report(Problem(str(path), 1, 'no "Track URI" column: not an Exportify CSV'))
                return None
            for row in reader:
                entry: dict[str, Any] = {
                    name: cell for i, cell in enumerate(row) if (name := columns.get(i))
                }
                if any(len(cell) > _CSV_FIELD_LIMIT for cell in row):
                    report(Problem(str(path), reader.line_num, "row skipped: field too long"))
                    continue
                uri = entry.get("track_uri", "").strip()
                if len(uri) == 22:  # the older "Spotify ID" column holds bare ids
                    uri = f"spotify:track:{uri}"
                entry["track_uri"] = uri
                entry["line"] = reader.line_num
                # Several artists are comma separated; the corpus keeps the first.
                for key in ("artist_name", "artist_uri"):
                    if key in entry:
                        entry[key] = entry[key].split(",")[0].strip()
                tracks.append(entry)
    except (UnicodeDecodeError, csv.Error, OSError) as exc:
        report(Problem(str(path), None, f"cannot be read as CSV, file skipped ({exc})"))
        return None
    return RawPlaylist(f"exportify:{path.name}", _stem(path), tracks, MPD_FIELDS, None, True)
