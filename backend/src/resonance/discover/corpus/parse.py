"""Corpus files → compact playlists (keys, names, URI lists), in worker processes.

Decoding JSON is most of an import's work (about 120 ms of CPU per 1,000-playlist MPD
slice, against 15 ms to number its entries), so slices and CSVs are decoded by a pool of
processes; each sends back only the URIs in order and one text per distinct track.
A JSON-lines file is one stream and is decoded in the importing process instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from resonance.discover.corpus.formats import Problem, RawPlaylist, file_format, read_file
from resonance.discover.corpus.store import SEPARATOR


@dataclass(slots=True)
class CompactPlaylist:
    """A playlist reduced to what the corpus stores: its key, name and track URIs."""

    key: str
    name: str
    uris: list[Any]  # normally str; anything else is reported when numbered
    line: int | None
    entry_lines: list[Any] | None  # per entry, for formats with a line per track


@dataclass(slots=True)
class ParsedBatch:
    """A file's (or part of a file's) playlists, their tracks' texts and problems."""

    path: str
    playlists: list[CompactPlaylist]
    texts: dict[str, str]  # URI → "title␟artist␟album␟artist_uri␟album_uri"
    problems: list[Problem]


def _text(track: dict[str, Any], raw: RawPlaylist) -> str:
    f = raw.fields
    return SEPARATOR.join(
        value.replace(SEPARATOR, " ") if isinstance(value, str) else ""
        for value in (
            track.get(f.name),
            track.get(f.artist),
            track.get(f.album),
            track.get(f.artist_uri),
            track.get(f.album_uri),
        )
    )


def compact(raw: RawPlaylist, texts: dict[str, str]) -> CompactPlaylist:
    """Reduce RAW, adding the text of each track not yet in TEXTS."""
    tracks = raw.tracks
    try:
        uris: list[Any] = list(map(itemgetter(raw.fields.uri), tracks))
    except (KeyError, TypeError):  # an entry that is not a track object: the slow way
        uris = [t.get(raw.fields.uri) if isinstance(t, dict) else None for t in tracks]
    for uri, track in zip(uris, tracks, strict=True):
        if uri not in texts and isinstance(uri, str) and isinstance(track, dict):
            texts[uri] = _text(track, raw)
    lines = [t.get("line") for t in tracks] if raw.lines_per_entry else None
    return CompactPlaylist(raw.key, raw.name, uris, raw.line, lines)


def parse_whole(path: Path) -> ParsedBatch:
    """Decode a whole file (an MPD slice or a CSV): run in a worker process."""
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    playlists = [compact(raw, texts) for raw in read_file(path, problems.append)]
    return ParsedBatch(str(path), playlists, texts, problems)


def parse_stream(path: Path, batch: int = 1000) -> Iterator[ParsedBatch]:
    """Decode a JSON-lines file in the calling process, BATCH playlists at a time."""
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    playlists: list[CompactPlaylist] = []
    for raw in read_file(path, problems.append):
        playlists.append(compact(raw, texts))
        if len(playlists) >= batch:
            yield ParsedBatch(str(path), playlists, texts, problems)
            problems, texts, playlists = [], {}, []
    yield ParsedBatch(str(path), playlists, texts, problems)


def parse_all(files: list[Path], pool: Executor | None, ahead: int = 4) -> Iterator[ParsedBatch]:
    """Every file's batches, in file order; whole files decoded up to AHEAD ahead in POOL."""
    pending: list[Any] = []
    index = 0

    def fill() -> None:
        nonlocal index
        while index < len(files) and len(pending) < ahead:
            path = files[index]
            if pool is not None and file_format(path) != "jsonl":
                pending.append(pool.submit(parse_whole, path))
            else:
                pending.append(path)
            index += 1

    fill()
    while pending:
        item = pending.pop(0)
        if isinstance(item, Path):
            # A stream: decoded here, after the files before it.
            if file_format(item) == "jsonl":
                yield from parse_stream(item)
            else:
                yield parse_whole(item)
        else:
            yield item.result()
        fill()
