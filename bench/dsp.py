"""Audio DSP throughput: decode + descriptors on 30 s clips, one core vs a worker pool.

Usage: .venv/bin/python bench/dsp.py [--clips 24] [--seconds 30] [--workers 2]

Clips are rendered by the demo synthesiser (all eight templates) and written as MP3
(OGG if this libsndfile cannot encode MP3), like the previews the pipeline downloads,
so decoding is measured too. ``--real DIR`` uses real 44.1 kHz recordings instead:
the 30 s FLAC files of the ground-truth set (``scripts/fetch_dsp_truth.py``), every
other one re-encoded as a 44.1 kHz MP3, so both decoders are timed. Prints per-stage
times, throughput in × real time, the pool's speed-up and each worker's peak resident
memory (VmHWM).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf

from resonance.audio import (
    GENRE_TEMPLATES,
    analyse_file,
    extract,
    load_clip,
    make_pool,
    synthesize,
    warm,
)

SR = 22050


def write_clips(folder: Path, n: int, seconds: float) -> list[Path]:
    genres = sorted(GENRE_TEMPLATES)
    paths = []
    for i in range(n):
        y = synthesize(genres[i % len(genres)], f"bench-{i}", seconds)
        path = folder / f"clip{i:03d}.mp3"
        try:
            sf.write(path, y, SR, format="MP3")
        except (sf.LibsndfileError, ValueError, TypeError):
            path = path.with_suffix(".ogg")
            sf.write(path, y, SR, format="OGG", subtype="VORBIS")
        paths.append(path)
    return paths


def real_clips(source: Path, folder: Path, n: int, seconds: float) -> list[Path]:
    """``n`` recorded 44.1 kHz FLACs of at least ``seconds``; every other one as MP3."""
    found = []
    # Recorded loops and LMMS songs, not the set's generated test signals.
    for path in sorted([*source.glob("loop_*.flac"), *source.glob("lmms_*.flac")]):
        info = sf.info(path)
        if info.samplerate == 44100 and info.duration >= seconds - 0.01:
            found.append(path)
    paths = []
    for i, path in enumerate(found[:n]):
        if i % 2:
            y, rate = sf.read(path, dtype="float32")
            mp3 = folder / f"{path.stem}.mp3"
            sf.write(mp3, y, rate, format="MP3")
            paths.append(mp3)
        else:
            paths.append(path)
    return paths


def peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) of a process, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def single_core(paths: list[Path], seconds: float) -> tuple[dict[str, list[float]], float]:
    stages: dict[str, list[float]] = {}
    start = time.perf_counter()
    cpu = time.process_time()
    for path in paths:
        t0 = time.perf_counter()
        clip = load_clip(path, sr=SR, excerpt_seconds=seconds)
        decode = time.perf_counter() - t0
        timings: dict[str, float] = {}
        t1 = time.perf_counter()
        extract(clip.y, clip.sr, timings=timings)
        total = time.perf_counter() - t1
        stages.setdefault("decode + resample", []).append(decode)
        for name, value in timings.items():
            stages.setdefault(f"  {name}", []).append(value)
        stages.setdefault("extract (all stages)", []).append(total)
        stages.setdefault("clip total", []).append(decode + total)
    # CPU seconds of this process: on a machine shared with other work, wall time
    # counts the waits for a core too; CPU time is the better per-core estimate.
    stages.setdefault("cpu", []).append(time.process_time() - cpu)
    return stages, time.perf_counter() - start


def pooled(
    paths: list[Path], seconds: float, workers: int, repeats: int
) -> tuple[list[float], list[float]]:
    pool = make_pool(workers)
    assert isinstance(pool, ProcessPoolExecutor)
    # Workers warm up in their initialiser; make sure all have started before timing.
    for future in [pool.submit(time.sleep, 0.5) for _ in range(workers * 2)]:
        future.result()
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        results = list(
            pool.map(analyse_file, map(str, paths), [SR] * len(paths), [seconds] * len(paths))
        )
        walls.append(time.perf_counter() - start)
        assert all(r.ok for r in results), [r.reason for r in results if not r.ok]
    rss = [peak_rss_mb(pid) for pid in list(pool._processes)]
    pool.shutdown()
    return walls, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each; best and median")
    parser.add_argument("--real", type=Path, default=None, help="folder of real 44.1 kHz FLACs")
    args = parser.parse_args()

    print(
        f"librosa {librosa.__version__}, numpy {np.__version__}, soundfile {sf.__version__}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        if args.real is None:
            paths = write_clips(Path(tmp), args.clips, args.seconds)
            made = "synthesised + encoded"
        else:
            paths = real_clips(args.real, Path(tmp), args.clips, args.seconds)
            args.clips = len(paths)
            made = f"real recordings from {args.real}, half re-encoded as MP3,"
        render = time.perf_counter() - t0
        kinds = sorted({p.suffix[1:] for p in paths})
        print(
            f"{args.clips} clips of {args.seconds:.0f} s ({', '.join(kinds)}), "
            f"{made} in {render:.1f} s"
        )
        t0 = time.perf_counter()
        warm()
        print(f"warm-up (imports + numba JIT) in this process: {time.perf_counter() - t0:.1f} s\n")

        runs = [single_core(paths, args.seconds) for _ in range(args.repeats)]
        stages = {k: [v for run, _ in runs for v in run[k]] for k in runs[0][0]}
        cpu = sorted(stages.pop("cpu"))
        serial = sorted(wall for _, wall in runs)
        print(f"{'stage (one core)':24s} {'mean ms':>8s} {'median ms':>10s} {'max ms':>8s}")
        for name, values in stages.items():
            print(
                f"{name:24s} {1000 * statistics.mean(values):8.1f} "
                f"{1000 * statistics.median(values):10.1f} {1000 * max(values):8.1f}"
            )

        audio = args.clips * args.seconds
        pool_walls, rss = pooled(paths, args.seconds, args.workers, args.repeats)
        pool_walls.sort()
        print(f"\nbest / median of {args.repeats} runs of {args.clips} clips")
        print(f"{'run':24s} {'wall s':>14s} {'s/clip':>14s} {'× real time':>14s}")
        for label, walls in (("one core", serial), (f"{args.workers}-worker pool", pool_walls)):
            best, median = walls[0], statistics.median(walls)
            print(
                f"{label:24s} {best:6.2f} /{median:6.2f} "
                f"{best / args.clips:6.3f} /{median / args.clips:6.3f} "
                f"{audio / best:6.0f} /{audio / median:6.0f}"
            )
        print(
            f"{'one core, CPU time':24s} {cpu[0]:6.2f} /{statistics.median(cpu):6.2f} "
            f"{cpu[0] / args.clips:6.3f} /{statistics.median(cpu) / args.clips:6.3f} "
            f"{audio / cpu[0]:6.0f} /{audio / statistics.median(cpu):6.0f}"
        )
        print(
            f"pool speed-up over one core: {serial[0] / pool_walls[0]:.2f}× (best), "
            f"{statistics.median(serial) / statistics.median(pool_walls):.2f}× (median)"
        )
        print(
            f"peak RSS per worker (MB): {', '.join(f'{r:.0f}' for r in rss)}; "
            f"this process: {peak_rss_mb(os.getpid()):.0f}; "
            f"load average at the end {os.getloadavg()[0]:.2f}"
        )


if __name__ == "__main__":
    main()
