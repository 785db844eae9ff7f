"""analyse_tracks and the `audio` job: source chain → extraction → stored descriptors."""

from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.app import JOB_HANDLERS
from resonance.audio import jobs as audio_jobs
from resonance.audio.descriptors import DESCRIPTOR_VERSION, FEATURE_NAMES
from resonance.audio.service import analyse_tracks
from resonance.cache.memory import MemoryCache
from resonance.catalog.schemas import TrackIn
from resonance.db.models import AudioDescriptors, Track
from resonance.jobs.queue import InProcessQueue
from resonance.jobs.service import Jobs
from resonance.settings import Settings


async def seed(
    db: async_sessionmaker[AsyncSession], http_server: str, tmp_path: Path
) -> dict[str, int]:
    silence = tmp_path / "silence.wav"
    sf.write(silence, np.zeros(22050 * 5, np.float32), 22050)
    tracks = [
        TrackIn("previewed", "s1", preview_url=f"{http_server}/audio/s1"),
        TrackIn("nothing", "s2"),
        TrackIn("html preview", "s3", preview_url=f"{http_server}/html"),
        TrackIn("silent local", "s4"),
        TrackIn("flaky", "s5", preview_url=f"{http_server}/broken"),
    ]
    async with db() as session:
        ids = await catalog.upsert_tracks(session, tracks)
        await catalog.set_local_file(session, ids["s4"], local_path=str(silence), fingerprint="1:1")
        await session.commit()
    return ids


async def states(db: async_sessionmaker[AsyncSession]) -> dict[str | None, tuple[str, str | None]]:
    async with db() as session:
        rows = await session.execute(
            select(Track.spotify_id, Track.audio_status, Track.audio_error)
        )
        return {s: (a, e) for s, a, e in rows.all()}


async def test_analyse_tracks_follows_the_chain_and_is_idempotent(
    db: async_sessionmaker[AsyncSession],
    audio_settings: Settings,
    http_server: str,
    tmp_path: Path,
    inline_pool: Executor,
) -> None:
    ids = await seed(db, http_server, tmp_path)
    seen: list[tuple[int, int, str]] = []

    async def progress(done: int, total: int, stage: str) -> None:
        seen.append((done, total, stage))

    report = await analyse_tracks(db, audio_settings, pool=inline_pool, progress=progress)
    assert (report.total, report.analysed, report.failed, report.no_audio, report.retry_later) == (
        5,
        1,
        1,
        2,
        1,
    )
    assert seen[-1][:2] == (5, 5)
    found = await states(db)
    assert found["s1"] == ("analysed", None)
    assert found["s2"][0] == "no_audio"
    assert found["s3"][0] == "no_audio" and "not audio" in (found["s3"][1] or "")
    assert found["s4"][0] == "failed" and "silent" in (found["s4"][1] or "")
    assert found["s5"][0] == "pending"  # transient: tried again next run
    async with db() as session:
        row = await session.get(AudioDescriptors, ids["s1"])
        assert row is not None and row.source == "preview" and row.version == DESCRIPTOR_VERSION
        assert len(np.frombuffer(row.features, "<f4")) == len(FEATURE_NAMES)
        assert {"energy", "tempo_bpm", "key", "mode"} <= row.summary.keys()

    again = await analyse_tracks(db, audio_settings, pool=inline_pool)
    assert (again.total, again.analysed) == (1, 0)  # only the flaky one is still to do

    async with db() as session:  # an older descriptor version is re-extracted
        await session.execute(update(AudioDescriptors).values(version=DESCRIPTOR_VERSION - 1))
        await session.commit()
    stale = await analyse_tracks(db, audio_settings, pool=inline_pool, track_ids=[ids["s1"]])
    assert (stale.total, stale.analysed) == (1, 1)


async def test_audio_job(
    db: async_sessionmaker[AsyncSession],
    audio_settings: Settings,
    http_server: str,
    tmp_path: Path,
    inline_pool: Executor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = await seed(db, http_server, tmp_path)
    monkeypatch.setattr(audio_jobs, "shared_pool", lambda *args: inline_pool)
    settings = audio_settings.model_copy(
        update={"job_retry_base_seconds": 0.05, "job_max_attempts": 2}
    )
    jobs = Jobs(settings, db, MemoryCache(), InProcessQueue(concurrency=1), handlers=JOB_HANDLERS)
    await jobs.start()
    try:
        job, _ = await jobs.submit(
            kind="audio", target="all", params={"track_ids": [ids["s1"], ids["s2"]]}
        )
        done = await jobs.wait(job.id, timeout=60)
        counters: dict[str, Any] = done.counters
        assert done.state == "done", done.error
        assert (counters["analysed"], counters["no_audio"]) == (1, 1)
        assert done.progress_done == done.progress_total == 2

        flaky, _ = await jobs.submit(
            kind="audio", target="flaky", params={"track_ids": [ids["s5"]]}
        )
        failed = await jobs.wait(flaky.id, timeout=60)
        assert failed.state == "failed" and "transiently" in (failed.error or "")
    finally:
        await jobs.close()
