"""Index builds against a real database: versions, the rebuild lock, and killed builds."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.cache.base import Cache
from resonance.cache.memory import MemoryCache
from resonance.db.engine import create_engine, create_sessionmaker
from resonance.db.models import IndexVersion
from resonance.index import repository as index_repository
from resonance.index.build import build_index
from resonance.index.holder import ModelHolder
from resonance.index.store import IndexStore
from resonance.recommend import Recommender
from resonance.settings import Settings
from tests.recommend.seed_catalogue import seed_catalogue


async def _states(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[int, str]]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(IndexVersion.id, IndexVersion.state).order_by(IndexVersion.id)
        )
        return [(int(i), str(s)) for i, s in rows.all()]


async def test_build_serve_and_reload(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    row_to_id, _ = await seed_catalogue(sessionmaker, 300)
    settings = Settings(data_dir=tmp_path)
    first = await build_index(sessionmaker, MemoryCache(), settings)
    assert (first.version, first.n_items, first.kind, first.skipped) == (1, 300, "flat", False)
    holder = ModelHolder(IndexStore(settings.index_dir), Recommender.from_index, check_interval=0.0)
    model = await holder.get(sessionmaker)
    assert model is not None and holder.loaded_version == 1
    assert model.recommend([row_to_id[0]], n=5)
    second = await build_index(sessionmaker, MemoryCache(), settings)
    assert second.version == 2
    assert await holder.refresh(sessionmaker)
    assert holder.loaded_version == 2
    assert await _states(sessionmaker) == [(1, "ready"), (2, "ready")]


async def test_concurrent_rebuilds_make_one_build(
    sessionmaker: async_sessionmaker[AsyncSession], cache: Cache, tmp_path: Path
) -> None:
    await seed_catalogue(sessionmaker, 200)
    settings = Settings(data_dir=tmp_path)
    results = await asyncio.gather(*(build_index(sessionmaker, cache, settings) for _ in range(4)))
    built = [r for r in results if not r.skipped]
    assert len(built) == 1
    assert sum(r.skipped for r in results) == 3
    assert await _states(sessionmaker) == [(1, "ready")]
    assert await cache.lock_owner("index:rebuild") is None


KILLER = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from resonance.cache.memory import MemoryCache
    from resonance.db.engine import create_engine, create_sessionmaker
    from resonance.settings import Settings
    from resonance.index import build, persist, store

    real_save = persist.save_index

    def save_then_die(model, directory):
        real_save(model, directory)  # every file written and fsynced...
        os.kill(os.getpid(), signal.SIGKILL)  # ...and the process dies before the rename

    store.save_index = save_then_die
    settings = Settings(data_dir=sys.argv[2])
    engine = create_engine(sys.argv[1])
    asyncio.run(build.build_index(create_sessionmaker(engine), MemoryCache(), settings))
    """
)


async def test_killed_rebuild_keeps_serving_the_old_version(
    sqlite_url: str, tmp_path: Path
) -> None:
    engine = create_engine(sqlite_url)
    sessionmaker = create_sessionmaker(engine)
    row_to_id, _ = await seed_catalogue(sessionmaker, 300)
    settings = Settings(data_dir=tmp_path)
    await build_index(sessionmaker, MemoryCache(), settings)
    holder = ModelHolder(IndexStore(settings.index_dir), Recommender.from_index, check_interval=0.0)
    model = await holder.get(sessionmaker)
    assert model is not None
    before = [i.track_id for i in model.recommend([row_to_id[5]], n=10)]

    proc = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", KILLER, sqlite_url, str(tmp_path)],
        capture_output=True,
    )
    assert proc.returncode == -signal.SIGKILL
    assert await _states(sessionmaker) == [(1, "ready"), (2, "building")]
    assert any(".tmp-" in p.name for p in settings.index_dir.iterdir()), (
        "debris of the killed build"
    )
    # The server keeps serving version 1, unchanged.
    assert not await holder.refresh(sessionmaker)
    assert holder.loaded_version == 1
    model = await holder.get(sessionmaker)
    assert model is not None
    assert [i.track_id for i in model.recommend([row_to_id[5]], n=10)] == before
    async with sessionmaker() as session:
        current = await index_repository.current_version(session)
        assert current is not None and current.id == 1

    # The next build notices the interrupted one, cleans up and becomes current.
    result = await build_index(sessionmaker, MemoryCache(), settings)
    assert result.version == 3
    assert await _states(sessionmaker) == [(1, "ready"), (2, "failed"), (3, "ready")]
    assert not any(".tmp-" in p.name for p in settings.index_dir.iterdir())
    assert await holder.refresh(sessionmaker)
    assert holder.loaded_version == 3
    await engine.dispose()
