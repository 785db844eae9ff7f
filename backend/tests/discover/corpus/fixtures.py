"""Small corpora written in each format, from one list of playlists built in the test."""

from __future__ import annotations

import csv
import gzip
import json
import random
import string
from dataclasses import dataclass
from pathlib import Path


def track_id(number: int) -> str:
    """A 22-character Spotify-like id, distinct per number."""
    rng = random.Random(number)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(22))


@dataclass
class Playlist:
    pid: int
    name: str
    tracks: list[int]  # track numbers of this fixture


def random_playlists(count: int, tracks: int, seed: int = 1) -> list[Playlist]:
    """Playlists of 5-30 distinct tracks (at most `tracks`), popular (low) numbers more often."""
    rng = random.Random(seed)
    weights = [1 / (n + 3) for n in range(tracks)]
    out = []
    for pid in range(count):
        length = rng.randint(5, min(30, tracks))  # distinct tracks: no more than exist
        chosen: dict[int, None] = {}
        while len(chosen) < length:
            chosen[rng.choices(range(tracks), weights)[0]] = None
        out.append(Playlist(pid, f"list {pid}", list(chosen)))
    return out


def mpd_track(number: int, pos: int) -> dict[str, object]:
    return {
        "pos": pos,
        "artist_name": f"Artist {number // 4}",
        "track_uri": f"spotify:track:{track_id(number)}",
        "artist_uri": f"spotify:artist:{track_id(100_000 + number // 4)}",
        "track_name": f"Song {number}",
        "album_uri": f"spotify:album:{track_id(200_000 + number // 2)}",
        "duration_ms": 200_000,
        "album_name": f"Album {number // 2}",
    }


def write_mpd_slice(path: Path, playlists: list[Playlist]) -> Path:
    document = {
        "info": {"generated_on": "test", "slice": path.name, "version": "v1"},
        "playlists": [
            {
                "name": p.name,
                "pid": p.pid,
                "num_tracks": len(p.tracks),
                "tracks": [mpd_track(n, i) for i, n in enumerate(p.tracks)],
            }
            for p in playlists
        ],
    }
    path.write_text(json.dumps(document, indent=2))  # the MPD's slices are indented
    return path


def jsonl_line(p: Playlist) -> str:
    tracks = [
        {"uri": f"spotify:track:{track_id(n)}", "name": f"Song {n}", "artist": f"Artist {n // 4}"}
        for n in p.tracks
    ]
    return json.dumps({"pid": p.pid, "name": p.name, "num_followers": 10, "tracks": tracks})


def write_jsonl(path: Path, playlists: list[Playlist]) -> Path:
    text = "".join(jsonl_line(p) + "\n" for p in playlists).encode()
    path.write_bytes(gzip.compress(text) if path.name.endswith(".gz") else text)
    return path


def write_exportify(folder: Path, playlists: list[Playlist]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for p in playlists:
        with open(folder / f"{p.name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                ["Track URI", "Track Name", "Artist URI(s)", "Artist Name(s)", "Album Name"]
            )
            for n in p.tracks:
                writer.writerow(
                    [
                        f"spotify:track:{track_id(n)}",
                        f"Song {n}",
                        f"spotify:artist:{track_id(100_000 + n // 4)}",
                        f"Artist {n // 4}, Guest",
                        f"Album {n // 2}",
                    ]
                )
    return folder
