"""The community playlist corpus at the Million Playlist Dataset's size.

Usage: .venv/bin/python bench/corpus.py [--scale 1.0] [--workdir DIR] [--lookups 1000]

Writes a synthetic corpus of the MPD's shape in its JSON-slice format (1,000 playlists
per `mpd.slice.*.json`, every field the MPD has, compact JSON) into a temporary folder:
at scale 1, 1 M playlists, about 66 M entries and 2.3 M tracks. Playlist lengths are
log-normal around the MPD's median of 49 (5 to 250, mean about 66); track popularity is
Zipf-like (the most frequent track in about 46,000 playlists, as in the MPD) with 40 %
of the tracks in exactly one playlist. Then runs `resonance corpus import` on it as a
child process (its peak RSS is the child's maximum resident set), and times candidate
lookups for 10 seeds drawn from random corpus playlists. Prints a table against the
bars of issue 13.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from resonance.discover.corpus import Corpus

# The import runs in a child process (its peak memory is then its own), from this tree.
SRC = Path(__file__).resolve().parents[1] / "backend" / "src"

FULL_PLAYLISTS = 1_000_000
FULL_ENTRIES = 66_000_000
FULL_TRACKS = 2_300_000
TOP_TRACK_PLAYLISTS = 46_574  # the MPD's most frequent track
SLICE = 1_000
# The import, run as its own process so that its peak RSS is measured alone. It prints
# the CPU its decoding workers spent: they are children of multiprocessing's forkserver,
# and their time does not reach this process's RUSAGE_CHILDREN.
IMPORT_CHILD = """
import json, sys
from pathlib import Path
from resonance.discover.corpus import import_corpus
result = import_corpus([Path(sys.argv[1])], Path(sys.argv[2]))
print(json.dumps({"decode_cpu": result.decode_cpu_seconds, "problems": result.problem_count}))
"""
ALPHABET = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "S1")


def base62_ids(numbers: np.ndarray, salt: int) -> list[str]:
    """22-character Spotify-like ids, distinct per number."""
    values = numbers.astype(np.uint64) * np.uint64(2654435761) + np.uint64(salt)
    digits = []
    for _ in range(22):
        digits.append(ALPHABET[(values % np.uint64(62)).astype(np.int64)])
        values //= np.uint64(62)
        values += numbers.astype(np.uint64)  # keeps the tail digits varied
    chars = np.stack(digits, axis=1).view("S22").ravel()
    return [c.decode() for c in chars]


def popularity(tracks: int, entries: int) -> np.ndarray:
    """Entries per track: 40 % singletons, the rest C / rank^0.8 capped at the MPD's top."""
    singles = int(tracks * 0.4)
    ranks = np.arange(1, tracks - singles + 1, dtype=np.float64)
    cap = max(2, int(TOP_TRACK_PLAYLISTS * entries / FULL_ENTRIES))
    low, high = 1.0, float(entries)
    for _ in range(60):
        c = (low + high) / 2
        total = np.clip(np.floor(c / ranks**0.8), 1, cap).sum() + singles
        low, high = (c, high) if total < entries else (low, c)
    head = np.clip(np.floor(low / ranks**0.8), 1, cap).astype(np.int64)
    return np.concatenate([head, np.ones(singles, np.int64)])


def shape(scale: float, seed: int = 13) -> tuple[np.ndarray, np.ndarray, int]:
    """Playlist lengths, their entries (track numbers, shuffled) and the track count."""
    rng = np.random.default_rng(seed)
    playlists = max(SLICE, int(FULL_PLAYLISTS * scale))
    n_tracks = max(100, int(FULL_TRACKS * scale))
    lengths = np.clip(np.round(rng.lognormal(np.log(49), 0.75, playlists)), 5, 250).astype(np.int64)
    counts = popularity(n_tracks, int(lengths.sum()))
    # Match the entry total exactly: trim or pad the singletons' side.
    entries = np.repeat(np.arange(n_tracks, dtype=np.int32), counts)
    entries = entries[: int(lengths.sum())]
    if len(entries) < lengths.sum():
        extra = rng.integers(0, n_tracks, int(lengths.sum()) - len(entries), dtype=np.int32)
        entries = np.concatenate([entries, extra])
    rng.shuffle(entries)
    return lengths, entries, n_tracks


def write_arrays(root: Path, scale: float) -> None:
    """The corpus layout written straight from the shape, without JSON or the importer:
    for timing lookups at a size whose import does not fit the time at hand."""
    lengths, entries, n_tracks = shape(scale)
    folder = root / "gen-000001"
    folder.mkdir(parents=True)
    ids = np.array([u.encode() for u in base62_ids(np.arange(n_tracks), 7)], "S22")
    ids.tofile(folder / "track_ids.bin")
    np.argsort(ids, kind="stable").astype(np.int32).tofile(folder / "track_sorted.bin")
    texts = [
        f"Track {i}\x1fArtist {i // 9}\x1fAlbum {i // 3}\x1f\x1f".encode() for i in range(n_tracks)
    ]
    np.r_[0, np.cumsum([len(t) for t in texts])].astype(np.int64).tofile(folder / "track_text.off")
    (folder / "track_text.bin").write_bytes(b"".join(texts))
    names = [f"mpd:{p}\x1fPlaylist {p}".encode() for p in range(len(lengths))]
    np.r_[0, np.cumsum([len(t) for t in names])].astype(np.int64).tofile(
        folder / "playlist_text.off"
    )
    (folder / "playlist_text.bin").write_bytes(b"".join(names))
    np.r_[0, np.cumsum(lengths)].astype(np.int64).tofile(folder / "playlist_indptr.bin")
    entries.tofile(folder / "playlist_tracks.bin")
    np.r_[0, np.cumsum(np.bincount(entries, minlength=n_tracks))].astype(np.int64).tofile(
        folder / "track_indptr.bin"
    )
    owner = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
    owner[np.argsort(entries, kind="stable")].tofile(folder / "track_playlists.bin")
    meta = {
        "version": 1,
        "tracks": n_tracks,
        "playlists": len(lengths),
        "entries": len(entries),
        "track_text": sum(len(t) for t in texts),
        "playlist_text": sum(len(t) for t in names),
        "files": [],
    }
    (folder / "meta.json").write_text(json.dumps(meta))
    (root / "CURRENT").write_text("gen-000001\n")


def generate(folder: Path, scale: float) -> dict[str, int]:
    lengths, entries, n_tracks = shape(scale)
    playlists = len(lengths)
    uris = base62_ids(np.arange(n_tracks), 7)
    artists = base62_ids(np.arange(n_tracks) // 9, 11)
    albums = base62_ids(np.arange(n_tracks) // 3, 17)
    fragments = [
        f'"artist_name":"Artist {i // 9}","track_uri":"spotify:track:{uris[i]}",'
        f'"artist_uri":"spotify:artist:{artists[i]}","track_name":"Track {i}",'
        f'"album_uri":"spotify:album:{albums[i]}","duration_ms":{180000 + i % 90000},'
        f'"album_name":"Album {i // 3}"}}'
        for i in range(n_tracks)
    ]
    del uris, artists, albums
    offsets = np.r_[0, np.cumsum(lengths)]
    for first in range(0, playlists, SLICE):
        last = min(first + SLICE, playlists) - 1
        parts = [
            (
                f'{{"info":{{"generated_on":"bench","slice":"{first}-{last}","version":"v1"}},'
                '"playlists":['
            )
        ]
        for pid in range(first, last + 1):
            members = entries[offsets[pid] : offsets[pid + 1]].tolist()
            tracks = ",".join(f'{{"pos":{pos},{fragments[t]}' for pos, t in enumerate(members))
            parts.append(
                f'{{"name":"Playlist {pid}","collaborative":"false","pid":{pid},'
                f'"modified_at":1500000000,"num_tracks":{len(members)},"num_albums":1,'
                f'"num_followers":1,"tracks":[{tracks}],"num_edits":1,'
                f'"duration_ms":1,"num_artists":1}}' + ("," if pid < last else "")
            )
        parts.append("]}")
        (folder / f"mpd.slice.{first}-{last}.json").write_text("".join(parts))
    return {"playlists": playlists, "entries": int(lengths.sum()), "tracks": n_tracks}


def seed_sets(corpus: Corpus, count: int, rng: np.random.Generator) -> list[list[str]]:
    """10 tracks each from random playlists of 10 or more: what a listener's playlist seeds."""
    a = corpus.arrays
    lengths = np.diff(np.asarray(a.playlist_indptr))
    eligible = np.flatnonzero(lengths >= 10)
    out = []
    for pid in rng.choice(eligible, count):
        start = int(a.playlist_indptr[pid])
        picks = rng.choice(int(lengths[pid]), 10, replace=False) + start
        out.append([bytes(a.track_ids[int(a.playlist_tracks[p])]).decode() for p in picks])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workdir", type=Path, default=None, help="kept; default: a temp dir")
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument(
        "--arrays-only",
        action="store_true",
        help="write the layout straight from the shape (no JSON, no import), time lookups",
    )
    parser.add_argument(
        "--lookups-only",
        action="store_true",
        help="time lookups on the corpus in --workdir",
    )
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="corpus-bench-"))
    slices, data = work / "slices", work / "data"
    try:
        if args.arrays_only:
            shutil.rmtree(data, ignore_errors=True)
            started = time.perf_counter()
            write_arrays(data / "corpus", args.scale)
            print(f"arrays written in {time.perf_counter() - started:.0f} s", flush=True)
            args.lookups_only = True
            (slices).mkdir(parents=True, exist_ok=True)
            (slices / "done").write_text("written as arrays, not JSON")
        if not (slices / "done").exists():
            slices.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            shape = generate(slices, args.scale)
            (slices / "done").write_text(repr(shape))
            print(
                f"generated {shape} in {time.perf_counter() - started:.0f} s",
                flush=True,
            )
        shape = (slices / "done").read_text()
        source_bytes = sum(p.stat().st_size for p in slices.glob("*.json"))
        import_seconds = import_cpu = peak_rss = decode_cpu = float("nan")
        if not args.lookups_only:
            shutil.rmtree(data, ignore_errors=True)
            started = time.perf_counter()
            child = subprocess.run(
                [sys.executable, "-c", IMPORT_CHILD, str(slices), str(data / "corpus")],
                env=os.environ | {"PYTHONPATH": str(SRC)},
                check=True,
                capture_output=True,
                text=True,
            )
            import_seconds = time.perf_counter() - started
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            import_cpu = usage.ru_utime + usage.ru_stime
            peak_rss = usage.ru_maxrss * 1024
            decode_cpu = json.loads(child.stdout.strip().splitlines()[-1])["decode_cpu"]
        corpus = Corpus.open(data / "corpus")
        assert corpus is not None
        rng = np.random.default_rng(5)
        sets = seed_sets(corpus, args.lookups + 20, rng)
        started = time.perf_counter()
        corpus.warm()  # one read per page of the arrays lookups read
        warm_seconds = time.perf_counter() - started
        for seeds in sets[:20]:  # warm-up: first calls
            corpus.neighbours(seeds)
        times, cpu = [], []
        for seeds in sets[20:]:
            t0, c0 = time.perf_counter(), time.process_time()
            corpus.neighbours(seeds)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        cpu.sort()
        times.sort()
        p50 = statistics.median(times)
        p99 = times[int(len(times) * 0.99) - 1]
        disk = corpus.arrays.disk_bytes()
        a = corpus.arrays
        print()
        print(
            f"corpus: {a.n_playlists:,} playlists, {a.n_entries:,} entries, "
            f"{a.n_tracks:,} tracks; source {source_bytes / 1e9:.1f} GB of JSON slices"
        )
        print(f"{'measure':<32}{'value':>14}{'bar':>12}  ok")
        rows = [
            ("import, wall (s)", import_seconds, 15 * 60.0),
            ("import, CPU of importing process (s)", import_cpu, 15 * 60.0),
            ("import, CPU of decoding workers (s)", decode_cpu, 15 * 60.0),
            ("peak RSS of the import (GB)", peak_rss / 1e9, 8.0),
            (f"lookup, 10 seeds, p50 (ms, n={len(times)})", p50, 20.0),
            ("lookup, 10 seeds, p99 (ms)", p99, 20.0),
            ("lookup CPU, p50 (ms)", statistics.median(cpu), 20.0),
            ("lookup CPU, p99 (ms)", cpu[int(len(cpu) * 0.99) - 1], 20.0),
        ]
        for name, value, bar in rows:
            print(f"{name:<32}{value:>14.2f}{bar:>12.0f}  {'yes' if value <= bar else 'NO'}")
        print(f"{'on-disk size (GB)':<32}{disk / 1e9:>14.2f}{'-':>12}")
        print(f"{'warm-up of the maps (s)':<32}{warm_seconds:>14.2f}{'-':>12}")
        print(f"shape asked: {shape}; load average {os.getloadavg()}")
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
