"""Decode + extract in worker processes, which load librosa's numba code from a safe cache.

The functions here run in the worker, take and return only plain picklable values,
and never raise for a bad file: a bad file is a result with a reason, not a crash.

Numba cache. By default numba caches librosa's compiled kernels next to librosa's
sources (the venv's ``librosa/__pycache__``), and two workers compiling at the same
moment on a cold cache write index and data files that do not match; every process
that loads them afterwards segfaults (SIGSEGV in the initializer: BrokenProcessPool
for good). So workers never compile into a shared directory: `prepare_numba_cache`
fills ``<numba_cache_dir>/<python+numba+librosa versions>`` once, in one process,
under an inter-process file lock, into a temporary directory renamed into place
when complete; each worker then copies that (about 4 MB, 76 files) into a directory
of its own before importing numba, so whatever it still compiles stays private.
Measured on 2 shared cores: a cold fill takes 40 s of CPU (about a minute of wall
time), a warm worker start 10 s, the copy a few milliseconds.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import types
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from multiprocessing.context import SpawnContext, SpawnProcess
from pathlib import Path
from typing import Any

import numpy as np

COMPLETE = ".complete"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one file: descriptors, or a failure code and reason."""

    features: np.ndarray | None = None
    summary: dict[str, Any] | None = None
    duration: float | None = None
    code: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.features is not None


def warm(numba_cache: str | None = None, parent_pid: int | None = None) -> None:
    """Worker initialiser: a private numba cache, one BLAS thread, then JIT-load by use.

    `numba_cache` (a directory `prepare_numba_cache` filled) is copied to a directory
    of this process's own, set as NUMBA_CACHE_DIR before anything imports numba.

    Multi-threaded BLAS on these small matrix products only adds contention: measured
    on 2 cores, one thread extracts a 30 s clip in half the time of OpenBLAS's default,
    and workers in parallel then scale instead of fighting. The first ``extract`` call
    loads or compiles librosa's numba kernels (seconds): pay that here, not on a track.
    """
    _leave_interrupts_to_the_parent()
    _return_large_blocks_at_once()
    if numba_cache is not None:
        os.environ["NUMBA_CACHE_DIR"] = _private_copy(Path(numba_cache))
    from threadpoolctl import threadpool_limits

    _exit_with_parent(parent_pid)
    threadpool_limits(limits=1)
    from resonance.audio.descriptors import extract

    # Noise with a click every half second: a pulse, so the beat tracker compiles too.
    rng = np.random.default_rng(0)
    y = 0.05 * rng.standard_normal(22050 * 6)
    y[:: 22050 // 2] += 1.0
    extract(y.astype(np.float32), 22050)


# glibc's mallopt parameter, and the size from which a block gets its own mapping.
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 1 << 20


def _return_large_blocks_at_once() -> None:
    """Give every allocation of 1 MiB or more its own mapping, unmapped when freed.

    glibc raises its mmap threshold (up to 32 MiB) each time a large block is freed,
    so after the first file a clip's arrays (0.1–10 MB each) land on the heap, whose
    freed space is kept: a worker measured 273 MB after warming, 295 MB between files
    and a 302 MB peak. With a fixed 1 MiB threshold the same worker stays at 273 MB
    between files and peaks at 292 MB; the extra mmap calls cost nothing measurable
    next to a 100 ms extraction. Not glibc (no mallopt): left as it is.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    except (OSError, AttributeError):
        pass


def _exit_with_parent(parent_pid: int | None = None) -> None:
    """A worker outlives a SIGKILLed parent (blocked on its queue): leave when it goes.

    `parent_pid` is the pool owner's pid, taken before spawning: a parent killed while
    this process was still starting (seconds of imports) must not be mistaken for
    init, which would adopt it and leave this worker blocked on its queue for good.
    """
    parent = parent_pid or os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def analyse_file(path: str, sr: int, excerpt_seconds: float) -> Outcome:
    """Decode the file's excerpt and extract descriptors (runs in a worker)."""
    from resonance.audio.decode import DecodeError, load_clip
    from resonance.audio.descriptors import extract

    try:
        clip = load_clip(path, sr=sr, excerpt_seconds=excerpt_seconds)
    except DecodeError as exc:
        return Outcome(code=exc.code, reason=exc.reason)
    try:
        result = extract(clip.y, clip.sr)
    except Exception as exc:  # a DSP bug must not take the batch down; record it
        return Outcome(code="extract_failed", reason=f"{type(exc).__name__}: {exc}")
    return Outcome(result.features, dict(result.summary), clip.duration)


def worker_count(setting: int) -> int:
    """``audio_workers`` setting: 0 means one per core."""
    return setting if setting > 0 else max(1, os.cpu_count() or 1)


def make_pool(workers: int, numba_cache_dir: Path | None = None) -> Executor:
    """A process pool of warmed workers (spawned: safe next to asyncio and DB threads).

    With `numba_cache_dir` (``Settings.resolved_numba_cache_dir``) the cache is filled
    first if need be (blocking: call from a thread in async code) and each worker
    loads it from a private copy; without, numba's default cache next to librosa.
    """
    context = _BareMainContext()
    cache = str(prepare_numba_cache(numba_cache_dir)) if numba_cache_dir is not None else None
    exit_cleanly_on_sigterm()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=warm,
        initargs=(cache, os.getpid()),
    )
    # A spawn pool starts a worker per submit while none is idle (none is until one has
    # warmed up): one submit per worker starts them all now, not on the first files.
    for _ in range(workers):
        pool.submit(int)
    return pool


class _BareMainProcess(SpawnProcess):
    """A spawned process that starts without re-running the parent's ``__main__``."""

    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        with _main_module_hidden():
            return SpawnProcess._Popen(process_obj)


class _BareMainContext(SpawnContext):
    """The spawn start method with a bare ``__main__`` for every worker the pool starts.

    A spawn pool starts a worker on a submit that finds none idle, so when it starts
    them is the pool's business: hiding ``__main__`` only around `make_pool`'s first
    submit left the second worker to a later submit, which imported the whole CLI
    (measured: 377 MB against 279 MB for the first, in the same pool).
    """

    Process = _BareMainProcess


_MAIN_SWAP = threading.Lock()


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Spawned children do not re-run the parent's ``__main__`` while this is open.

    multiprocessing's spawn re-imports the parent's main script in every child so
    that functions defined there can be unpickled. For ``resonance library scan``
    that script is the console entry point, which imports the whole CLI and app:
    a worker started that way peaked at 353–380 MB against 294 MB. Workers only run
    this module's functions, so they need none of it: a bare ``__main__`` during the
    start makes the children skip that import. The lock keeps two starts in different
    threads (a submit, the pool's manager thread replacing a worker) from restoring
    each other's stand-in.
    """
    with _MAIN_SWAP:
        real = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = real


def imported(module: str) -> bool:
    """Whether this process has imported ``module`` (asked of a worker, in tests)."""
    return module in sys.modules


def exit_cleanly_on_sigterm() -> None:
    """Make SIGTERM end this process through Python's shutdown, not the default action.

    A pool's queues hold five POSIX semaphores, registered with multiprocessing's
    resource tracker and unregistered when the pool is shut down. A process that dies
    of SIGTERM's default action never shuts its pool down, so the tracker, outliving
    it, warns "There appear to be 5 leaked semaphore objects to clean up at shutdown"
    (seen when `make demo` stops its processes). Raising SystemExit instead runs the
    pool's own exit hook, which joins the workers and releases the semaphores.
    Servers that handle SIGTERM themselves (uvicorn, arq) keep their handler.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _exit_on_sigterm)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _leave_interrupts_to_the_parent() -> None:
    """Ctrl-C in a terminal interrupts the whole process group, workers included: a
    worker ignores it, so the pool's owner shuts the pool down in order instead of every
    worker dying with a KeyboardInterrupt traceback and breaking the pool under it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def cache_key() -> str:
    """Compiled kernels are only valid for the same Python, numba and librosa."""
    python = f"py{sys.version_info.major}{sys.version_info.minor}"
    return f"{python}-numba{version('numba')}-librosa{version('librosa')}"


def prepare_numba_cache(base: Path) -> Path:
    """The complete shared cache for this environment, compiled once if missing.

    Any number of processes may call this at once: one compiles (in a fresh child
    process, into a temporary directory renamed into place), the others wait on the
    lock and find it done. Private copies of workers that are gone are removed.
    """
    base.mkdir(parents=True, exist_ok=True)
    final = base / cache_key()
    if (final / COMPLETE).exists():
        _remove_stale(base, fills=False)  # private copies of workers that are gone (4 MB each)
        return final
    with (base / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (final / COMPLETE).exists():
            return final
        _remove_stale(base)
        scratch = base / f".fill-{os.getpid()}-{secrets.token_hex(4)}"
        env = {**os.environ, "NUMBA_CACHE_DIR": str(scratch)}
        fill = subprocess.run(
            [sys.executable, "-c", "from resonance.audio.workers import warm; warm()"],
            env=env,
            capture_output=True,
            check=False,
        )
        if fill.returncode != 0:
            shutil.rmtree(scratch, ignore_errors=True)
            tail = fill.stderr.decode(errors="replace").strip().splitlines()[-3:]
            raise WorkerCrashed(
                f"compiling the audio kernels failed ({describe_exit(fill.returncode)}): "
                + " / ".join(tail)
            )
        (scratch / COMPLETE).touch()
        shutil.rmtree(final, ignore_errors=True)  # an incomplete one from a killed filler
        os.rename(scratch, final)
    return final


def _private_copy(shared: Path) -> str:
    private = shared.parent / f"proc-{os.getpid()}"
    shutil.rmtree(private, ignore_errors=True)
    shutil.copytree(shared, private)
    return str(private)


def _remove_stale(base: Path, *, fills: bool = True) -> None:
    for entry in base.iterdir():
        if fills and entry.name.startswith(".fill-"):
            shutil.rmtree(entry, ignore_errors=True)  # we hold the lock: no fill is running
        elif entry.name.startswith("proc-") and not _alive(entry.name.removeprefix("proc-")):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: str) -> bool:
    return pid.isdigit() and Path(f"/proc/{pid}").exists()


class WorkerCrashed(RuntimeError):
    """Audio worker processes die before doing any work (a broken environment)."""


def describe_exit(code: int | None) -> str:
    """A worker's exit code in words: "killed by SIGSEGV", "exit code 1"."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def exit_reasons(processes: Iterable[Any]) -> str:
    """Why the processes of a broken pool ended, the crash first (the pool SIGTERMs the rest).

    Waits up to two seconds in all. The pool's manager thread reaps the processes too, and a
    process it reaped first reads "no exit code" here until that thread has stored the code,
    so this polls rather than joining once.
    """
    processes = list(processes)
    deadline = time.monotonic() + 2.0
    for process in processes:
        while process.exitcode is None and time.monotonic() < deadline:
            process.join(timeout=0.05)
    codes = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
    codes.sort(key=lambda code: code == -signal.SIGTERM)
    described = list(dict.fromkeys(describe_exit(code) for code in codes))
    return ", ".join(described) or "no exit code"


def pool_processes(pool: Executor) -> list[Any]:
    """The pool's worker processes (to read their exit codes once the pool broke)."""
    processes = getattr(pool, "_processes", None) or {}
    return list(processes.values())


def scan_file(path: str, sr: int, excerpt_seconds: float) -> tuple[Any, Outcome]:
    """Tags and descriptors of one library file (runs in a worker)."""
    from resonance.audio.tags import read_tags

    return read_tags(path), analyse_file(path, sr, excerpt_seconds)
