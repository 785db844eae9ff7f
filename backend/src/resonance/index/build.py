"""Index builds: one at a time under a lock, written aside and recorded as a new version."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.cache import Cache, Lock
from resonance.db import session_scope
from resonance.index import repository as index_repository
from resonance.index.fitted import FittedIndex
from resonance.index.layouts import start_layout
from resonance.index.store import IndexStore
from resonance.index.vector_index import IndexConfig
from resonance.logging import log_fields
from resonance.settings import Settings
from resonance.vectors import VectorConfig, load_catalogue

logger = logging.getLogger(__name__)

REBUILD_LOCK = "index:rebuild"


@dataclass
class BuildResult:
    version: int | None  # None when another build held the lock
    n_items: int = 0
    kind: str | None = None
    seconds: float = 0.0
    skipped: bool = False
    # The map's layout of this version, computed after it is ready (True once written).
    # A process about to exit awaits it; a server lets it run (resonance.index.layouts).
    layout: asyncio.Task[bool] | None = None


def vector_config(settings: Settings) -> VectorConfig:
    return VectorConfig(
        weights=tuple(settings.block_weights.items()), playlist_weight=settings.weight_playlists
    )


def index_config(settings: Settings) -> IndexConfig:
    return IndexConfig(
        exact_threshold=settings.index_exact_threshold,
        hnsw_m=settings.index_hnsw_m,
        ef_construction=settings.index_hnsw_ef_construction,
        ef_search=settings.index_hnsw_ef_search,
        ivf_threshold=settings.index_ivf_threshold,
        ivf_nprobe=settings.index_ivf_nprobe,
    )


async def build_index(
    sessionmaker: async_sessionmaker[AsyncSession],
    cache: Cache,
    settings: Settings,
    *,
    owner: str | None = None,
    wait: float = 0.0,
) -> BuildResult:
    """Build a new index version from the catalogue, unless a build is already running.

    Concurrent callers (API replicas, workers) race for one lock; losers return
    `skipped=True` after waiting up to `wait` seconds for it.

    The lock is a lease of ``job_lease_seconds``, renewed every third of it, exactly like a
    job's run lease: a builder that dies frees it within one lease, not after minutes.
    `owner` (an index job passes its job id) is the lock's token, so the re-delivery of a
    job whose worker died while building takes its own lock over at once instead of
    finding it "held" and dropping the rebuild.
    """
    ttl = settings.job_lease_seconds
    lock = await cache.acquire_lock(REBUILD_LOCK, ttl=ttl, wait=wait, token=owner)
    if lock is None and owner is not None and await cache.lock_owner(REBUILD_LOCK) == owner:
        lock = Lock(cache, REBUILD_LOCK, owner, ttl)  # our own dead attempt's lease: take over
        logger.warning("taking over the rebuild lock of this job's previous attempt")
    if lock is None:
        return BuildResult(version=None, skipped=True)
    keeper = asyncio.create_task(_keep_extending(lock.extend, ttl / 3))
    started = time.perf_counter()
    version_id: int | None = None
    try:
        async with session_scope(sessionmaker) as session:
            await index_repository.fail_interrupted_builds(session)
            version = await index_repository.start_version(
                session, block_weights=settings.block_weights
            )
            version_id = version.id
        async with sessionmaker() as session:
            catalogue = await load_catalogue(session)
        if catalogue.n_items == 0:
            raise EmptyCatalogue("nothing to index: ingest a playlist or scan a music folder first")
        model = await asyncio.to_thread(
            partial(
                FittedIndex.fit,
                catalogue,
                vector_config=vector_config(settings),
                index_config=index_config(settings),
            )
        )
        store = IndexStore(settings.index_dir)
        path = await asyncio.to_thread(store.write, version_id, model)
        async with session_scope(sessionmaker) as session:
            await index_repository.mark_ready(
                session,
                version_id,
                path=str(path),
                index_kind=model.index.kind,
                n_items=model.n_items,
                dim=model.vectors.dim,
                stats=model.vectors.stats,
            )
        store.cleanup(current=version_id)
        # Laid out now, so the first map view need not wait (16-22 s on the demo catalogue).
        laying_out = start_layout(store, cache, version_id)
        seconds = time.perf_counter() - started
        logger.info(
            "index built",
            extra=log_fields(version=version_id, items=model.n_items, seconds=round(seconds, 2)),
        )
        return BuildResult(version_id, model.n_items, model.index.kind, seconds, layout=laying_out)
    except BaseException as exc:
        if version_id is not None:
            with contextlib.suppress(Exception):
                async with session_scope(sessionmaker) as session:
                    await index_repository.mark_failed(
                        session, version_id, f"{type(exc).__name__}: {exc}"
                    )
        raise
    finally:
        keeper.cancel()
        await lock.release()


class EmptyCatalogue(RuntimeError):
    pass


async def _keep_extending(extend: Callable[[], Awaitable[bool]], every: float) -> None:
    # A long build keeps its lease; if the process dies, the lease simply expires.
    while True:
        await asyncio.sleep(every)
        await extend()
