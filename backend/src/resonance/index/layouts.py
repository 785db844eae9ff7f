"""The catalogue map's layout of each index version: computed when the version is built,
written beside it, with its progress in the shared cache.

The layout takes seconds to minutes (8 s for 2,000 tracks, 22 s for 10,000 at a load
of 4–10; docs/benchmarks.md), far too long for the first map request to wait for. So
the build starts it as soon as its version is ready (`start_layout`), and a child
process reads the version from disk, lays it out and writes ``layout.npz`` (track ids
and coordinates) beside it. A child, not a thread: the layout's thousands of small
numpy calls hold the GIL, and in a thread of the API they slowed every request of the
process (a 0.2 s map answer took 3.5 s while a 1,251-track layout ran beside it).
Meanwhile any process can say how far it got (`layout_progress`), and an earlier
version's layout serves the map with the newer tracks placed beside their neighbours
(`latest_layout` + `resonance.index.projection.place_missing`).

One layout runs at a time per index directory, and a running layout is never stopped
for a newer version: when builds follow each other faster than layouts finish (the
audio stage builds every few seconds while a library is analysed), stopping would mean
no layout ever finishes. The newest version asked for meanwhile is laid out next; the
versions between are skipped, and their maps come from the last layout written.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import multiprocessing
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from resonance.cache import Cache
from resonance.index.persist import load_index
from resonance.index.projection import layout
from resonance.index.store import LAYOUT_FILE, LAYOUT_PROGRESS_FILE, IndexStore
from resonance.index.vector_index import serve_single_threaded
from resonance.logging import log_fields

logger = logging.getLogger(__name__)

# A progress entry outlives its last report by this much: a builder that died stops
# claiming the layout within it, and the API then computes the layout itself.
PROGRESS_TTL = 30.0
_POLL = 0.25  # seconds between looks at the child's progress

# This process's layouts, by (index directory, version); the newest version asked for
# and the last layout queued, by index directory.
_running: dict[tuple[Path, int], asyncio.Task[bool]] = {}
_newest: dict[Path, int] = {}
_last: dict[Path, asyncio.Task[bool]] = {}


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    version: int = 0  # the version being laid out (perhaps older than the one served)


@dataclass(frozen=True)
class SavedLayout:
    version: int
    track_ids: NDArray[np.int64]
    coordinates: NDArray[np.float32]


def _progress_key(store: IndexStore) -> str:
    return f"index:layout:{store.directory}"


def save_layout(
    directory: Path, track_ids: NDArray[np.int64], coordinates: NDArray[np.float32]
) -> None:
    """Write the layout atomically: a reader sees the whole file or none."""
    staging = directory / f".{LAYOUT_FILE}.{uuid.uuid4().hex[:8]}.npz"
    np.savez(staging, track_ids=track_ids, coordinates=coordinates)
    os.replace(staging, directory / LAYOUT_FILE)


def load_layout(store: IndexStore, version: int) -> SavedLayout | None:
    """The layout written for `version`, or None when there is none (yet)."""
    path = store.path(version) / LAYOUT_FILE
    try:
        with np.load(path) as saved:
            return SavedLayout(version, saved["track_ids"], saved["coordinates"])
    except (FileNotFoundError, OSError, KeyError, ValueError):
        return None


def latest_layout(store: IndexStore, before: int) -> SavedLayout | None:
    """The newest layout of a version older than `before` still on disk."""
    if not store.directory.exists():
        return None
    versions = sorted(
        (int(entry.name[1:]) for entry in store.directory.iterdir() if entry.name[1:].isdigit()),
        reverse=True,
    )
    for version in versions:
        if version < before and (found := load_layout(store, version)) is not None:
            return found
    return None


async def layout_progress(cache: Cache, store: IndexStore) -> Progress | None:
    """How far the layout under way for this index has got, in whichever process runs it."""
    with contextlib.suppress(Exception):  # the cache is a nicety here: no answer is "unknown"
        raw = await cache.get(_progress_key(store))
        if raw is not None:
            value = json.loads(raw)
            return Progress(int(value["done"]), int(value["total"]), int(value["version"]))
    return None


def is_running(store: IndexStore, version: int) -> bool:
    """Whether this process has the layout of `version` under way or queued."""
    task = _running.get((store.directory, version))
    return task is not None and not task.done()


def start_layout(store: IndexStore, cache: Cache, version: int) -> asyncio.Task[bool]:
    """Compute and save the layout of the stored `version` in the background, after the
    layout this process has under way (once per version).

    The task answers True when the layout was written, False when a newer version was
    asked for while it waited or the child failed. Callers about to exit (the CLI) await
    it; the API and workers do not.
    """
    directory = store.directory
    _newest[directory] = max(_newest.get(directory, 0), version)
    key = (directory, version)
    if (task := _running.get(key)) is not None:
        return task
    task = asyncio.create_task(_after(_last.get(directory), store, cache, version))
    _running[key] = task
    _last[directory] = task
    task.add_done_callback(lambda _: _running.pop(key, None))
    return task


async def _after(
    previous: asyncio.Task[bool] | None, store: IndexStore, cache: Cache, version: int
) -> bool:
    if previous is not None and not previous.done():
        with contextlib.suppress(Exception):
            await asyncio.shield(previous)
    if version < _newest.get(store.directory, 0):
        return False  # a newer version is queued behind this one: it is laid out instead
    return await _lay_out(store, cache, version)


def _child(directory: str) -> None:
    """The child process: load the version, lay it out, write the layout beside it."""
    # A good neighbour on a small machine: one thread, and the lowest claim on the CPU,
    # so that the API (and the listener's map) go first while a layout runs.
    serve_single_threaded()
    with contextlib.suppress(OSError):
        os.nice(10)
    path = Path(directory)
    model = load_index(path)
    progress = path / LAYOUT_PROGRESS_FILE

    def report(done: int, total: int) -> None:
        staging = path / f"{LAYOUT_PROGRESS_FILE}.{os.getpid()}"
        staging.write_text(json.dumps({"done": done, "total": total}))
        os.replace(staging, progress)

    coordinates = layout(model.vectors.vectors, model.index, None, report)
    save_layout(path, model.catalogue.track_ids, coordinates)


def _read_progress(directory: Path) -> bytes | None:
    with contextlib.suppress(OSError):
        return (directory / LAYOUT_PROGRESS_FILE).read_bytes()
    return None


async def _lay_out(store: IndexStore, cache: Cache, version: int) -> bool:
    directory = store.path(version)
    key = _progress_key(store)
    started = time.perf_counter()

    def claim(raw: bytes | None) -> bytes:
        value = json.loads(raw) if raw else {"done": 0, "total": 0}
        return json.dumps({**value, "version": version}).encode()

    # Spawned, not forked: a fork of a process with threads (the event loop's executor,
    # FAISS's OpenMP pool) can deadlock in the child.
    child = multiprocessing.get_context("spawn").Process(
        target=_child, args=(str(directory),), name=f"layout-v{version}", daemon=True
    )
    try:
        await cache.set(key, claim(None), ttl=PROGRESS_TTL)
        try:
            # Also tells `IndexStore.cleanup` to keep the version while it is laid out.
            (directory / LAYOUT_PROGRESS_FILE).write_text('{"done": 0, "total": 0}')
            child.start()
        except (OSError, RuntimeError) as error:  # no processes left, or a bad __main__
            logger.warning("map layout not started: %s", error, extra=log_fields(version=version))
            return False
        while child.is_alive():
            # Also keeps the claim alive while the child starts (imports, loading the version).
            await cache.set(key, claim(_read_progress(directory)), ttl=PROGRESS_TTL)
            await asyncio.sleep(_POLL)
        await asyncio.to_thread(child.join)
        if child.exitcode != 0:
            logger.warning(
                "map layout failed", extra=log_fields(version=version, exitcode=child.exitcode)
            )
            return False
    finally:
        if child.is_alive():  # cancelled (shutdown): do not leave it running
            child.terminate()
        with contextlib.suppress(OSError):
            (directory / LAYOUT_PROGRESS_FILE).unlink()
        with contextlib.suppress(Exception):
            await cache.delete(key)
    logger.info(
        "map layout written",
        extra=log_fields(version=version, seconds=round(time.perf_counter() - started, 2)),
    )
    return True
