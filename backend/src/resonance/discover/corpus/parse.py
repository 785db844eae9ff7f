"""Corpus files → parsed batches (playlist keys, entry arrays, distinct URIs), in workers.

Decoding JSON is most of an import's work (orjson reads an MPD slice at about 150 MB/s
of one core), so slices and CSVs are decoded by a pool of processes. Each sends back no
object per entry: its playlists' entries as one int32 array of positions into the
batch's distinct URIs (a slice of 66,000 entries has about 40,000 distinct tracks), and
one text per distinct URI. The importing process then looks up each distinct URI once
per batch and turns the positions into corpus numbers with one numpy gather.
A JSON-lines file is one stream and is decoded in the importing process instead.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from itertools import chain, count
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from resonance.discover.corpus.formats import Problem, RawPlaylist, file_format, read_file
from resonance.discover.corpus.store import SEPARATOR


@dataclass(slots=True)
class ParsedBatch:
    """A file's (or part of a file's) playlists, as arrays over its distinct URIs."""

    path: str
    keys: list[str]  # per playlist
    names: list[str]
    lines: list[int | None]  # where each playlist starts, for its entries' problems
    lengths: npt.NDArray[np.int64]  # entries per playlist, a track twice counted once
    duplicates: npt.NDArray[np.int64]  # entries dropped per playlist as repeats
    entries: npt.NDArray[np.int32]  # per entry: its position in `uris`
    entry_lines: npt.NDArray[np.int64] | None  # per entry (formats with a line per track)
    uris: list[Any]  # distinct, first seen first; normally str, else reported when numbered
    texts: list[str]  # per URI: "title␟artist␟album␟artist_uri␟album_uri"
    problems: list[Problem] = field(default_factory=list)
    cpu_seconds: float = 0.0  # spent decoding this batch, in whichever process did it


def _text(track: Any, fields: Any) -> str:
    if not isinstance(track, dict):
        return SEPARATOR * 4
    return SEPARATOR.join(
        value.replace(SEPARATOR, " ") if isinstance(value, str) else ""
        for value in (
            track.get(fields.name),
            track.get(fields.artist),
            track.get(fields.album),
            track.get(fields.artist_uri),
            track.get(fields.album_uri),
        )
    )


def _hashable(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | float) else repr(value)


class _Collector:
    """Accumulates playlists into one batch with no Python work per entry on the way."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.keys: list[str] = []
        self.names: list[str] = []
        self.lines: list[int | None] = []
        self.lengths: list[int] = []
        self.duplicates: list[int] = []
        self.uris: list[list[Any]] = []
        self.tracks: list[list[Any]] = []
        self.entry_lines: list[Any] | None = None
        self.fields: list[Any] = []  # per playlist: a JSON-lines file may mix shapes
        self.problems: list[Problem] = []

    def add(self, raw: RawPlaylist) -> None:
        tracks = raw.tracks
        try:
            uris: list[Any] = list(map(itemgetter(raw.fields.uri), tracks))
        except (KeyError, TypeError, IndexError):  # an entry that is not a track object
            uris = [t.get(raw.fields.uri) if isinstance(t, dict) else None for t in tracks]
        if set(map(type, uris)) - {str}:
            uris = list(map(_hashable, uris))
        lines = [t.get("line") for t in tracks] if raw.lines_per_entry else None
        duplicates = len(uris) - len(set(uris))
        if duplicates:
            # A track twice in one playlist is one co-occurrence, not two: keep the first.
            first: dict[Any, int] = {}
            for position, uri in enumerate(uris):
                first.setdefault(uri, position)
            kept = sorted(first.values())
            uris = [uris[i] for i in kept]
            tracks = [tracks[i] for i in kept]
            lines = [lines[i] for i in kept] if lines is not None else None
        if lines is not None:
            self.entry_lines = self.entry_lines or [None] * sum(self.lengths)
        if self.entry_lines is not None:
            self.entry_lines.extend(lines if lines is not None else [raw.line] * len(uris))
        self.keys.append(raw.key)
        self.names.append(raw.name)
        self.lines.append(raw.line)
        self.lengths.append(len(uris))
        self.duplicates.append(duplicates)
        self.uris.append(uris)
        self.tracks.append(tracks)
        self.fields.append(raw.fields)

    def __len__(self) -> int:
        return len(self.keys)

    def batch(self, cpu_started: float) -> ParsedBatch:
        flat = list(chain.from_iterable(self.uris))
        # One pass in C: each entry gets the index of its URI's first entry.
        first: dict[Any, int] = {}
        at_first = np.fromiter(map(first.setdefault, flat, count()), np.int64, len(flat))
        distinct = list(first)
        firsts = np.fromiter(first.values(), np.int64, len(first))  # ascending
        entries = np.searchsorted(firsts, at_first).astype(np.int32)
        firsts = firsts.tolist()
        tracks = list(chain.from_iterable(self.tracks))
        texts = self._texts(distinct, [tracks[i] for i in firsts], firsts)
        lines = None
        if self.entry_lines is not None:
            lines = np.array([-1 if x is None else x for x in self.entry_lines], np.int64)
        return ParsedBatch(
            str(self.path),
            self.keys,
            self.names,
            self.lines,
            np.array(self.lengths, np.int64),
            np.array(self.duplicates, np.int64),
            entries,
            lines,
            distinct,
            texts,
            self.problems,
            time.process_time() - cpu_started,
        )

    def _texts(self, distinct: list[Any], tracks: list[Any], firsts: list[int]) -> list[str]:
        """Each distinct URI's text, from the track object of its first entry."""
        shapes = set(self.fields)
        if len(shapes) != 1:
            per_entry = list(
                chain.from_iterable([f] * n for f, n in zip(self.fields, self.lengths, strict=True))
            )
            return [_text(t, per_entry[i]) for t, i in zip(tracks, firsts, strict=True)]
        (f,) = shapes
        get = itemgetter(f.name, f.artist, f.album, f.artist_uri, f.album_uri)
        try:
            # All in C (no Python frame per track): 49,000 distinct tracks in a slice.
            texts = list(map(SEPARATOR.join, map(get, tracks)))
        except (KeyError, TypeError):  # a missing or non-string field: field by field
            return [_text(t, f) for t in tracks]
        if "".join(texts).count(SEPARATOR) != 4 * len(texts):  # a value held a separator
            return [_text(t, f) for t in tracks]
        return texts


def parse_whole(path: Path) -> ParsedBatch:
    """Decode a whole file (an MPD slice or a CSV): run in a worker process."""
    started = time.process_time()
    collector = _Collector(path)
    for raw in read_file(path, collector.problems.append):
        collector.add(raw)
    return collector.batch(started)


def parse_stream(path: Path, batch: int = 1000) -> Iterator[ParsedBatch]:
    """Decode a JSON-lines file in the calling process, BATCH playlists at a time."""
    started = time.process_time()
    problems: list[Problem] = []
    collector = _Collector(path)
    for raw in read_file(path, problems.append):
        collector.add(raw)
        if len(collector) >= batch:
            collector.problems, problems[:] = list(problems), []
            yield collector.batch(started)
            started, collector = time.process_time(), _Collector(path)
    collector.problems = problems
    yield collector.batch(started)


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
