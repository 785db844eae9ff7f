"""DSP pool workers as `library scan` runs them: memory per worker over many files, and scaling.

Usage: PYTHONPATH=backend/src .venv/bin/python bench/dsp_workers.py [--truth data/dsp-truth]
       [--files 200] [--workers 1,2]

Like ``resonance library scan``, this process imports ``resonance.cli`` first (the console
entry point does) and hands each file to ``scan_file`` (tags, decode, descriptors) on a
`make_pool` pool with its own numba cache. The files are the ground-truth set's 44.1 kHz
recordings (``scripts/fetch_dsp_truth.py``; loops, LMMS songs, renders), every other one
re-encoded as MP3, cycled to ``--files``. For each pool size it prints:

* each worker's resident memory (VmRSS) after warming and after each quarter of the
  files, and its peak (VmHWM): growth between quarters is what a long scan accumulates;
* wall time, the workers' CPU seconds (from /proc, so other processes' load does not
  count) and files per CPU-second per worker: if nothing serialises the workers, that
  rate is the same with one worker and with two, and the wall-clock speed-up then
  follows from how many cores the machine actually gives them (load average printed).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import soundfile as sf

import resonance.cli  # noqa: F401  (as the console entry point: the pool's owner imports it all)
from resonance.audio import make_pool, scan_file
from resonance.audio.workers import imported, pool_processes, prepare_numba_cache

SR, EXCERPT = 22050, 30.0
TICK = os.sysconf("SC_CLK_TCK")
HEAVY = (
    "sklearn",
    "scipy.signal",
    "scipy.sparse",
    "pandas",
    "matplotlib",
    "resonance.cli",
)


def status_mb(pid: int, field: str) -> float:
    """A /proc/<pid>/status memory field (VmRSS, VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def files(truth: Path, folder: Path, n: int) -> list[str]:
    found = sorted(
        p
        for pattern in ("loop_*.flac", "lmms_*.flac", "key_*.flac", "midi_*.flac")
        for p in truth.glob(pattern)
    )
    if not found:
        raise SystemExit(f"no recordings in {truth}: run scripts/fetch_dsp_truth.py first")
    paths = []
    for i, path in enumerate(found):
        if i % 2:
            y, rate = sf.read(path, dtype="float32")
            mp3 = folder / f"{path.stem}.mp3"
            sf.write(mp3, y, rate, format="MP3")
            paths.append(str(mp3))
        else:
            paths.append(str(path))
    return [paths[i % len(paths)] for i in range(n)]


def run(paths: list[str], workers: int, cache: Path) -> None:
    pool = make_pool(workers, cache)
    assert isinstance(pool, ProcessPoolExecutor)
    for future in [pool.submit(time.sleep, 0.3) for _ in range(workers * 2)]:
        future.result()
    heavy = {m for m in HEAVY for _ in range(workers) if pool.submit(imported, m).result()}
    seen: dict[int, float] = {}  # every worker pid ever seen -> its last CPU reading
    start_cpu = {p.pid: cpu_seconds(p.pid) for p in pool_processes(pool)}
    rss = {pid: [status_mb(pid, "VmRSS")] for pid in start_cpu}
    peak: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:  # CPU and peak while the files run (read again at the end)
        while not stop.wait(0.2):
            for p in pool_processes(pool):
                try:
                    seen[p.pid] = cpu_seconds(p.pid)
                    peak[p.pid] = max(peak.get(p.pid, 0.0), status_mb(p.pid, "VmHWM"))
                except (FileNotFoundError, ProcessLookupError):
                    pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0, quarter = time.perf_counter(), max(1, len(paths) // 4)
    failed = 0
    for start in range(0, len(paths), quarter):
        chunk = paths[start : start + quarter]
        for _, outcome in pool.map(scan_file, chunk, [SR] * len(chunk), [EXCERPT] * len(chunk)):
            failed += not outcome.ok
        for p in pool_processes(pool):
            rss.setdefault(p.pid, []).append(status_mb(p.pid, "VmRSS"))
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    for p in pool_processes(pool):
        seen[p.pid] = cpu_seconds(p.pid)
        peak[p.pid] = max(peak.get(p.pid, 0.0), status_mb(p.pid, "VmHWM"))
    pool.shutdown()
    cpu = sum(seen[pid] - start_cpu.get(pid, 0.0) for pid in seen)
    print(
        f"\n{workers} worker(s), {len(paths)} files ({failed} failed); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"  heavy modules in a worker: {', '.join(sorted(heavy)) or 'none'}")
    print(f"  {'worker pid':>10s} {'RSS MB: warm, after each quarter':>40s} {'peak MB':>8s}")
    for pid, values in rss.items():
        row = " ".join(f"{v:5.0f}" for v in values)
        print(f"  {pid:10d} {row:>40s} {peak.get(pid, float('nan')):8.0f}")
    print(
        f"  wall {wall:.1f} s, {len(paths) / wall:.2f} files/s; workers' CPU {cpu:.1f} s, "
        f"{len(paths) / cpu:.2f} files per CPU-second; CPU / wall {cpu / wall:.2f} cores"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, default=Path("data/dsp-truth"))
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--workers", default="1,2", help="pool sizes to run, in order")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        paths = files(args.truth, Path(tmp), args.files)
        cache = Path(tmp) / "numba"
        t0 = time.perf_counter()
        prepare_numba_cache(cache)
        print(f"numba cache filled in {time.perf_counter() - t0:.1f} s (once, not timed below)")
        for workers in (int(w) for w in args.workers.split(",")):
            run(paths, workers, cache)


if __name__ == "__main__":
    main()
