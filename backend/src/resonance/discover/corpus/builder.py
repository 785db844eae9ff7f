"""Writing a corpus generation: playlists streamed in, CSR arrays out.

Memory is bounded by the number of distinct tracks and playlists (their keys), never by
the number of entries: entries go to disk in chunks as they are read, and the
track → playlists side is built at the end from the memory-mapped playlist side.
"""

from __future__ import annotations

import json
import shutil
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from resonance.discover.corpus.formats import TRACK_URI, Problem, Report
from resonance.discover.corpus.parse import CompactPlaylist, ParsedBatch
from resonance.discover.corpus.store import (
    ID_DTYPE,
    LAYOUT_VERSION,
    SEPARATOR,
    CorpusArrays,
)

# Entries buffered before a write: 4 M int32 is 16 MB.
FLUSH_ENTRIES = 4_000_000
URI_PREFIX = "spotify:track:"


@dataclass
class BuildCounts:
    """What one build added and passed over; an import reports the same counts."""

    playlists_added: int = 0
    playlists_present: int = 0
    entries_added: int = 0
    tracks_added: int = 0
    entries_skipped: int = 0
    duplicate_entries: int = 0


def _clean(value: Any) -> str:
    return value.replace(SEPARATOR, " ") if isinstance(value, str) else ""


class CorpusBuilder:
    """Appends playlists to a new generation folder, starting from the previous one."""

    def __init__(self, folder: Path, previous: CorpusArrays | None, report: Report) -> None:
        self.folder = folder
        self.report = report
        self.counts = BuildCounts()
        self.index: dict[str, int] = {}
        self.keys: set[str] = set()
        self.ids = bytearray()
        self.track_text_offsets = array("q", [0])
        self.playlist_text_offsets = array("q", [0])
        self.playlist_indptr = array("q", [0])
        self.pending = array("i")
        self._track_text = open(folder / "track_text.bin", "wb")  # noqa: SIM115
        self._playlist_text = open(folder / "playlist_text.bin", "wb")  # noqa: SIM115
        self._entries: BinaryIO = open(folder / "playlist_tracks.bin", "wb")  # noqa: SIM115
        if previous is not None:
            self._start_from(previous)

    def _start_from(self, previous: CorpusArrays) -> None:
        """Carry every track, playlist and entry of the previous generation over."""
        ids = bytes(np.asarray(previous.track_ids).tobytes()) if previous.n_tracks else b""
        self.ids += ids
        for number in range(previous.n_tracks):
            self.index[URI_PREFIX + ids[number * 22 : number * 22 + 22].decode("ascii")] = number
        self.keys.update(previous.playlist_keys())
        for source, target, offsets in (
            ("track_text.bin", self._track_text, self.track_text_offsets),
            ("playlist_text.bin", self._playlist_text, self.playlist_text_offsets),
        ):
            if (previous.folder / source).exists():
                with open(previous.folder / source, "rb") as handle:
                    shutil.copyfileobj(handle, target, 16 << 20)
            old = (
                previous.track_text_offsets
                if source.startswith("track")
                else previous.playlist_text_offsets
            )
            offsets.extend(int(x) for x in np.asarray(old)[1:])
        if previous.n_entries:
            with open(previous.folder / "playlist_tracks.bin", "rb") as handle:
                shutil.copyfileobj(handle, self._entries, 16 << 20)
        self.playlist_indptr.extend(int(x) for x in np.asarray(previous.playlist_indptr)[1:])

    def _new_track(self, uri: Any, text: str) -> int:
        """Number a track seen for the first time."""
        number = len(self.index)
        self.index[uri] = number
        self.ids += uri[14:].encode("ascii")
        encoded = text.encode("utf-8")
        self._track_text.write(encoded)
        self.track_text_offsets.append(self.track_text_offsets[-1] + len(encoded))
        self.counts.tracks_added += 1
        return number

    def _number_slowly(
        self, playlist: CompactPlaylist, numbers: list[int | None], batch: ParsedBatch
    ) -> list[int]:
        """Number the entries seen for the first time; report those that are not tracks."""
        out = []
        for position, (uri, number) in enumerate(zip(playlist.uris, numbers, strict=True)):
            if number is None:
                number = self.index.get(uri) if isinstance(uri, str) else None
            if number is None:
                if not isinstance(uri, str) or not TRACK_URI.fullmatch(uri):
                    line = playlist.line
                    if playlist.entry_lines is not None:
                        line = playlist.entry_lines[position]
                    self.report(
                        Problem(
                            batch.path,
                            line,
                            f"{playlist.key}: entry {position + 1} ({uri!r}) is not a "
                            "Spotify track URI, skipped",
                        )
                    )
                    self.counts.entries_skipped += 1
                    continue
                number = self._new_track(uri, batch.texts.get(uri, ""))
            out.append(number)
        return out

    def add(self, playlist: CompactPlaylist, batch: ParsedBatch) -> None:
        """Add one playlist unless a playlist with its key is already in the corpus."""
        if playlist.key in self.keys:
            self.counts.playlists_present += 1
            return
        self.keys.add(playlist.key)
        found: list[int | None] = list(map(self.index.get, playlist.uris))
        # The common case (every track seen before) stays in C: map over the dict.
        numbers: list[int] = (
            self._number_slowly(playlist, found, batch) if None in found else found  # type: ignore[assignment]
        )
        if len(set(numbers)) != len(numbers):
            # A track twice in one playlist is one co-occurrence, not two.
            unique = list(dict.fromkeys(numbers))
            self.counts.duplicate_entries += len(numbers) - len(unique)
            numbers = unique
        self.pending.extend(numbers)
        self.playlist_indptr.append(self.playlist_indptr[-1] + len(numbers))
        text = f"{playlist.key}{SEPARATOR}{_clean(playlist.name)}".encode()
        self._playlist_text.write(text)
        self.playlist_text_offsets.append(self.playlist_text_offsets[-1] + len(text))
        self.counts.playlists_added += 1
        self.counts.entries_added += len(numbers)
        if len(self.pending) >= FLUSH_ENTRIES:
            self._flush()

    def _flush(self) -> None:
        self._entries.write(self.pending.tobytes())
        self.pending = array("i")

    def finish(self, files: list[str]) -> dict[str, Any]:
        """Write the remaining arrays and the track → playlists side; return the meta."""
        self._flush()
        for handle in (self._entries, self._track_text, self._playlist_text):
            handle.close()
        folder = self.folder
        n_tracks = len(self.index)
        n_playlists = len(self.playlist_indptr) - 1
        n_entries = int(self.playlist_indptr[-1])
        self.index.clear()  # the largest structure: gone before the transpose needs memory
        self.keys.clear()
        (folder / "track_ids.bin").write_bytes(bytes(self.ids))
        ids = np.frombuffer(bytes(self.ids), dtype=ID_DTYPE)
        np.argsort(ids, kind="stable").astype(np.int32).tofile(folder / "track_sorted.bin")
        del ids
        self.ids = bytearray()
        np.frombuffer(self.track_text_offsets, np.int64).tofile(folder / "track_text.off")
        np.frombuffer(self.playlist_text_offsets, np.int64).tofile(folder / "playlist_text.off")
        playlist_indptr = np.frombuffer(self.playlist_indptr, np.int64)
        playlist_indptr.tofile(folder / "playlist_indptr.bin")
        self._transpose(n_tracks, n_playlists, n_entries, playlist_indptr)
        meta = {
            "version": LAYOUT_VERSION,
            "tracks": n_tracks,
            "playlists": n_playlists,
            "entries": n_entries,
            "track_text": int(self.track_text_offsets[-1]),
            "playlist_text": int(self.playlist_text_offsets[-1]),
            "files": files,
        }
        (folder / "meta.json").write_text(json.dumps(meta, indent=1))
        return meta

    def _transpose(
        self, n_tracks: int, n_playlists: int, n_entries: int, playlist_indptr: Any
    ) -> None:
        """track → playlists from playlist → tracks: a stable sort of entries by track.

        Peak memory is about 20 bytes per entry (the sort order in int64, the entry's
        playlist and the result in int32): 1.3 GB for the MPD's 66 M entries.
        """
        folder = self.folder
        if n_entries == 0:
            np.zeros(n_tracks + 1, np.int64).tofile(folder / "track_indptr.bin")
            (folder / "track_playlists.bin").write_bytes(b"")
            return
        tracks = np.memmap(folder / "playlist_tracks.bin", np.int32, "r", shape=(n_entries,))
        counts = np.bincount(tracks, minlength=n_tracks)
        indptr = np.zeros(n_tracks + 1, np.int64)
        np.cumsum(counts, out=indptr[1:])
        indptr.tofile(folder / "track_indptr.bin")
        del counts, indptr
        order = np.argsort(tracks, kind="stable")
        del tracks
        playlist_of_entry = np.repeat(
            np.arange(n_playlists, dtype=np.int32), np.diff(playlist_indptr)
        )
        out = np.memmap(folder / "track_playlists.bin", np.int32, "w+", shape=(n_entries,))
        np.take(playlist_of_entry, order, out=out)
        out.flush()
        del out, order, playlist_of_entry

    def abort(self) -> None:
        for handle in (self._entries, self._track_text, self._playlist_text):
            handle.close()
        shutil.rmtree(self.folder, ignore_errors=True)
