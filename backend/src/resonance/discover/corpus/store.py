"""The corpus on disk: a track table and CSR arrays both ways, read through memory maps.

One generation is a folder of flat little-endian arrays and a `meta.json`:

    track_ids.bin        S22     the 22-character Spotify id of each track, by track number
    track_sorted.bin     int32   track numbers in id order (binary search for a URI)
    track_text.bin/.off  utf-8   "title␟artist␟album␟artist_uri␟album_uri" per track
    track_indptr.bin     int64   CSR track → playlists (T + 1 offsets)
    track_playlists.bin  int32   playlist numbers, ascending within each track
    playlist_indptr.bin  int64   CSR playlist → tracks (P + 1 offsets)
    playlist_tracks.bin  int32   track numbers in playlist order
    playlist_text.bin/.off utf-8 "key␟name" per playlist

Track and playlist numbers are positions in import order, so an import that adds files
keeps every earlier number. `CURRENT` names the live generation; an import writes a new
one beside it and swaps the name atomically (readers of the old one keep their maps).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

SEPARATOR = "\x1f"  # the ASCII unit separator: never in a title, name or URI
ID_DTYPE = np.dtype("S22")
LAYOUT_VERSION = 1
CURRENT = "CURRENT"

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class TrackText:
    """What the corpus knows of a track besides its URI."""

    name: str
    artist: str
    album: str
    artist_uri: str
    album_uri: str


def current_generation(root: Path) -> Path | None:
    """The live generation's folder under ROOT, or None when nothing was imported."""
    try:
        name = (root / CURRENT).read_text().strip()
    except FileNotFoundError:
        return None
    folder = root / name
    return folder if (folder / "meta.json").is_file() else None


def publish(root: Path, folder: Path) -> None:
    """Make FOLDER the live generation, then remove the generations before it."""
    pointer = root / f".{CURRENT}.tmp"
    pointer.write_text(folder.name + "\n")
    os.replace(pointer, root / CURRENT)
    for old in root.glob("gen-*"):
        if old.is_dir() and old.name != folder.name:
            shutil.rmtree(old, ignore_errors=True)


def next_generation(root: Path) -> Path:
    numbers = [int(p.name[4:]) for p in root.glob("gen-*") if p.name[4:].isdigit()]
    folder = root / f"gen-{max(numbers, default=0) + 1:06d}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def _map(folder: Path, name: str, dtype: Any, count: int) -> np.ndarray[Any, Any]:
    if count == 0:
        return np.zeros(0, dtype=dtype)
    # A plain ndarray view: slicing a np.memmap subclass costs microseconds per slice.
    return np.memmap(folder / name, dtype=dtype, mode="r", shape=(count,)).view(np.ndarray)


class CorpusArrays:
    """A generation opened read-only: every array memory-mapped, nothing loaded."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.meta: dict[str, Any] = json.loads((folder / "meta.json").read_text())
        tracks, playlists = int(self.meta["tracks"]), int(self.meta["playlists"])
        entries = int(self.meta["entries"])
        self.n_tracks, self.n_playlists, self.n_entries = tracks, playlists, entries
        self.track_ids = _map(folder, "track_ids.bin", ID_DTYPE, tracks)
        self.track_sorted: I32 = _map(folder, "track_sorted.bin", np.int32, tracks)
        self.track_text_offsets: I64 = _map(folder, "track_text.off", np.int64, tracks + 1)
        self.track_text = _map(folder, "track_text.bin", np.uint8, int(self.meta["track_text"]))
        self.track_indptr: I64 = _map(folder, "track_indptr.bin", np.int64, tracks + 1)
        self.track_playlists: I32 = _map(folder, "track_playlists.bin", np.int32, entries)
        self.playlist_indptr: I64 = _map(folder, "playlist_indptr.bin", np.int64, playlists + 1)
        self.playlist_tracks: I32 = _map(folder, "playlist_tracks.bin", np.int32, entries)
        self.playlist_text_offsets: I64 = _map(folder, "playlist_text.off", np.int64, playlists + 1)
        self.playlist_text = _map(
            folder, "playlist_text.bin", np.uint8, int(self.meta["playlist_text"])
        )

    def find(self, spotify_ids: list[str]) -> list[int | None]:
        """Track numbers of 22-character Spotify ids (None for ids not in the corpus)."""
        if not spotify_ids or self.n_tracks == 0:
            return [None] * len(spotify_ids)
        keys = np.array([s.encode("ascii", "replace")[:22] for s in spotify_ids], ID_DTYPE)
        positions = self._search(keys)
        out: list[int | None] = []
        for key, position in zip(keys, positions, strict=True):
            if position < self.n_tracks:
                number = int(self.track_sorted[position])
                if self.track_ids[number] == key:
                    out.append(number)
                    continue
            out.append(None)
        return out

    def _search(self, keys: np.ndarray[Any, Any]) -> list[int]:
        """Binary search of each key in the id-ordered view (log2(T) reads each)."""
        ids, order = self.track_ids, self.track_sorted
        out = []
        for key in keys:
            low, high = 0, self.n_tracks
            while low < high:
                middle = (low + high) // 2
                if ids[order[middle]] < key:
                    low = middle + 1
                else:
                    high = middle
            out.append(low)
        return out

    def _text(self, blob: Any, offsets: I64, number: int) -> list[str]:
        start, end = int(offsets[number]), int(offsets[number + 1])
        return bytes(blob[start:end]).decode("utf-8", "replace").split(SEPARATOR)

    def track_text_of(self, number: int) -> TrackText:
        parts = self._text(self.track_text, self.track_text_offsets, number)
        parts += [""] * (5 - len(parts))
        return TrackText(*parts[:5])

    def uri(self, number: int) -> str:
        return "spotify:track:" + bytes(self.track_ids[number]).decode("ascii")

    def playlist_key_name(self, number: int) -> tuple[str, str]:
        key, _, name = SEPARATOR.join(
            self._text(self.playlist_text, self.playlist_text_offsets, number)
        ).partition(SEPARATOR)
        return key, name

    def playlist_keys(self) -> Iterator[str]:
        """Every playlist's key, in number order (streamed from the text blob)."""
        blob = bytes(self.playlist_text)
        offsets = np.asarray(self.playlist_text_offsets)
        for number in range(self.n_playlists):
            record = blob[int(offsets[number]) : int(offsets[number + 1])]
            yield record.split(b"\x1f", 1)[0].decode("utf-8", "replace")

    def disk_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.folder.iterdir() if p.is_file())
