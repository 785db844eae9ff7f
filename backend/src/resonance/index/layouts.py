"""The catalogue map's layout of each index version: computed when the version is built,
written beside it, with its progress in the shared cache.

The layout takes seconds to minutes (8 s for 2,000 tracks, 22 s for 10,000 at a load
of 4–10; docs/benchmarks.md), far too long for the first map request to wait for. So
the build starts it as soon as its version is ready (`start_layout`), in a thread,
and writes ``layout.npz`` (track ids and coordinates) into the version's directory.
Meanwhile any process can say how far it got (`layout_progress`), and an earlier
version's layout serves the map with the newer tracks placed beside their neighbours
(`latest_layout` + `resonance.index.projection.place_missing`).

Only the newest version's layout is worth finishing: a layout whose version has been
overtaken by a newer build in this process stops at its next progress report.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from resonance.cache import Cache
from resonance.index.projection import LayoutConfig, layout
from resonance.index.store import IndexStore
from resonance.index.vector_index import VectorIndex
from resonance.logging import log_fields
from resonance.vectors import FloatMatrix

logger = logging.getLogger(__name__)

LAYOUT_FILE = "layout.npz"
# A progress entry outlives its last report by this much: a builder that died stops
# claiming the layout within it, and the API then computes the layout itself.
PROGRESS_TTL = 30.0
_REPORT_EVERY = 0.5  # seconds between progress writes to the cache

# This process's layouts under way, by (index directory, version), and the newest
# version asked for in each index directory.
_running: dict[tuple[Path, int], asyncio.Task[bool]] = {}
_newest: dict[Path, int] = {}


class Superseded(Exception):
    """A newer index version was built: this layout would never be shown."""


@dataclass(frozen=True)
class Progress:
    done: int
    total: int


@dataclass(frozen=True)
class SavedLayout:
    version: int
    track_ids: NDArray[np.int64]
    coordinates: NDArray[np.float32]


def _progress_key(version: int) -> str:
    return f"index:layout:{version}"


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


async def layout_progress(cache: Cache, version: int) -> Progress | None:
    """How far the layout of `version` has got, in whichever process computes it."""
    with contextlib.suppress(Exception):  # the cache is a nicety here: no answer is "unknown"
        raw = await cache.get(_progress_key(version))
        if raw is not None:
            value = json.loads(raw)
            return Progress(int(value["done"]), int(value["total"]))
    return None


def is_running(store: IndexStore, version: int) -> bool:
    task = _running.get((store.directory, version))
    return task is not None and not task.done()


def start_layout(
    store: IndexStore,
    cache: Cache,
    version: int,
    vectors: FloatMatrix,
    index: VectorIndex,
    track_ids: NDArray[np.int64],
) -> asyncio.Task[bool]:
    """Compute and save the layout of `version` in the background (once per process).

    The task answers True when the layout was written, False when a newer version
    overtook it. Callers about to exit (the CLI) await it; the API and workers do not.
    """
    _newest[store.directory] = max(_newest.get(store.directory, 0), version)
    key = (store.directory, version)
    if (task := _running.get(key)) is not None:
        return task
    task = asyncio.create_task(_lay_out(store, cache, version, vectors, index, track_ids))
    _running[key] = task
    task.add_done_callback(lambda _: _running.pop(key, None))
    return task


async def _lay_out(
    store: IndexStore,
    cache: Cache,
    version: int,
    vectors: FloatMatrix,
    index: VectorIndex,
    track_ids: NDArray[np.int64],
) -> bool:
    loop = asyncio.get_running_loop()
    key = _progress_key(version)
    reported = 0.0

    def report(done: int, total: int) -> None:
        # Runs in the layout's thread: check for a newer version, hand progress to the loop.
        nonlocal reported
        newest = _newest.get(store.directory, 0)
        if version < newest:
            raise Superseded(f"index version {newest} was built")
        now = time.monotonic()
        if now - reported >= _REPORT_EVERY or done == total:
            reported = now
            value = json.dumps({"done": done, "total": total}).encode()
            asyncio.run_coroutine_threadsafe(cache.set(key, value, ttl=PROGRESS_TTL), loop)

    started, cpu = time.perf_counter(), time.process_time()
    try:
        epochs = LayoutConfig().epochs_for(len(vectors))
        await cache.set(key, json.dumps({"done": 0, "total": epochs}).encode(), ttl=PROGRESS_TTL)
        coordinates = await asyncio.to_thread(layout, vectors, index, None, report)
        await asyncio.to_thread(save_layout, store.path(version), track_ids, coordinates)
    except Superseded:
        logger.info("map layout skipped", extra=log_fields(version=version))
        return False
    except FileNotFoundError:  # the version was cleaned up while it was laid out
        return False
    finally:
        with contextlib.suppress(Exception):
            await cache.delete(key)
    logger.info(
        "map layout written",
        extra=log_fields(
            version=version,
            items=len(vectors),
            seconds=round(time.perf_counter() - started, 2),
            cpu_seconds=round(time.process_time() - cpu, 2),
        ),
    )
    return True
