"""Analysis survives dying worker processes: a cold numba cache, a file that kills its worker.

These spawn real process pools (librosa imports in each worker), so they run on SQLite
only: what is under test is the process handling, which is the same on either database.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.audio.service import analyse_tracks
from resonance.audio.workers import WorkerCrashed, cache_key
from resonance.catalog.schemas import TrackIn
from resonance.db import Track
from resonance.db.engine import create_engine, create_sessionmaker
from resonance.settings import Settings
from tests.audio.signals import click_track, tone, white_noise

pytestmark = pytest.mark.slow


@pytest.fixture
async def db(sqlite_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(sqlite_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def seed_local(
    db: async_sessionmaker[AsyncSession], folder: Path, n: int, tag: str = "local"
) -> list[int]:
    """`n` catalogue tracks whose audio is a local file (no download involved)."""
    signals = [tone(330.0, 6), click_track(120, 6), white_noise(6), tone(523.0, 6)]
    os.makedirs(folder, exist_ok=True)
    async with db() as session:
        ids = await catalog.upsert_tracks(
            session, [TrackIn(f"track {i}", f"{tag}{i}") for i in range(n)]
        )
        for i in range(n):
            path = folder / f"{'poison' if i == 0 else 'ok'}-{i}.wav"
            sf.write(path, signals[i % len(signals)], 22050)
            await catalog.set_local_file(
                session, ids[f"{tag}{i}"], local_path=str(path), fingerprint=f"{tag}{i}:1"
            )
        await session.commit()
    return [ids[f"{tag}{i}"] for i in range(n)]


async def states(db: async_sessionmaker[AsyncSession]) -> dict[str, tuple[str, str | None]]:
    async with db() as session:
        rows = await session.execute(
            select(Track.spotify_id, Track.audio_status, Track.audio_error)
        )
        return {str(s): (a, e) for s, a, e in rows.all()}


async def test_a_cold_numba_cache_with_two_workers_three_times_in_a_row(
    db: async_sessionmaker[AsyncSession], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers warming up at once on an empty cache used to corrupt it for good."""
    for attempt in range(3):
        cold = tmp_path / f"numba-{attempt}"
        # Also what numba itself would use: without the fix both workers compile into it.
        monkeypatch.setenv("NUMBA_CACHE_DIR", str(cold))
        settings = Settings(data_dir=tmp_path, audio_workers=2, numba_cache_dir=cold)
        await seed_local(db, tmp_path / f"audio-{attempt}", 4, tag=f"round{attempt}-")
        report = await analyse_tracks(db, settings)
        assert (report.analysed, report.failed, dict(report.reasons)) == (4, 0, {}), attempt
        assert (cold / cache_key() / ".complete").exists()
    assert all(state == "analysed" for state, _ in (await states(db)).values())


class PoisonPool(Executor):
    """A real process pool in which the file named poison-* kills its worker (SIGABRT)."""

    def __init__(self, initializer: Callable[[], Any] | None = None) -> None:
        self.inner = ProcessPoolExecutor(
            max_workers=2, mp_context=multiprocessing.get_context("spawn"), initializer=initializer
        )
        self.submitted = 0

    @property
    def _broken(self) -> Any:
        return self.inner._broken  # type: ignore[attr-defined]

    @property
    def _processes(self) -> Any:
        return self.inner._processes  # type: ignore[attr-defined]

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        if args and "poison-" in str(args[0]):
            return self.inner.submit(os.abort)
        return self.inner.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait, cancel_futures=cancel_futures)


async def test_a_file_that_kills_its_worker_fails_alone_and_the_rest_are_analysed(
    db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await seed_local(db, tmp_path / "audio", 3)
    pools: list[PoisonPool] = []

    def new_pool() -> Executor:
        pools.append(PoisonPool())
        return pools[-1]

    report = await analyse_tracks(db, Settings(data_dir=tmp_path), new_pool=new_pool)

    assert (report.analysed, report.failed) == (2, 1)
    found = await states(db)
    assert found["local1"] == ("analysed", None) and found["local2"] == ("analysed", None)
    status, reason = found["local0"]
    assert status == "failed"
    assert "worker_crashed" in (reason or "") and "SIGABRT" in (reason or "")
    assert len(pools) >= 2  # the broken pool was replaced for the remaining files
    for pool in pools:
        pool.shutdown()


async def test_workers_that_die_on_start_up_are_reported_not_retried_file_by_file(
    db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await seed_local(db, tmp_path / "audio", 3)
    pools: list[PoisonPool] = []

    def new_pool() -> Executor:
        pools.append(PoisonPool(initializer=os.abort))  # e.g. a corrupted numba cache
        return pools[-1]

    # The signal is named when the dead workers can still be read; on a loaded machine the
    # pool may have reaped them first, and the reason then says so rather than guess.
    with pytest.raises(WorkerCrashed, match=r"die on start-up \((killed by SIGABRT|no exit code)"):
        await analyse_tracks(db, Settings(data_dir=tmp_path), new_pool=new_pool)
    # Not the files' fault: they stay pending for the next run rather than "failed".
    assert {state for state, _ in (await states(db)).values()} == {"pending"}
    for pool in pools:
        pool.shutdown()
