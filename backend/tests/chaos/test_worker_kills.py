"""kill -9 of a worker during an index build and during audio analysis: the job resumes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
import soundfile as sf
from sqlalchemy import func, select

from resonance import catalog
from resonance.audio.workers import prepare_numba_cache
from resonance.catalog.schemas import TrackIn
from resonance.db import AudioDescriptors, IndexVersion, Track
from resonance.jobs.service import Jobs
from tests.audio.signals import click_track, tone
from tests.chaos.conftest import Workers, wait_for
from tests.recommend.seed_catalogue import seed_catalogue

pytestmark = pytest.mark.slow

# Compiled librosa kernels, shared by every run on this machine: filling them takes a
# minute of CPU, and the cache is built to be shared safely (see audio/workers.py).
NUMBA_CACHE = str(Path(tempfile.gettempdir()) / "resonance-test-numba-cache")


def kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait()


async def version_states(jobs: Jobs) -> list[str]:
    async with jobs.sessionmaker() as session:
        return list(await session.scalars(select(IndexVersion.state).order_by(IndexVersion.id)))


async def test_a_worker_killed_during_an_index_build_is_resumed_and_a_version_ready(
    workers: Workers, jobs: Jobs
) -> None:
    await seed_catalogue(jobs.sessionmaker, 2000)
    victim = workers.start()
    job, _ = await jobs.submit(kind="index", target="catalogue")
    while "building" not in await version_states(jobs):
        current = await jobs.get(job.id)
        assert current is not None and current.state != "done", "built before the kill"
        await asyncio.sleep(0.01)
    kill(victim)  # mid-build: its lock and its `building` row stay behind

    workers.start()
    done = await wait_for(jobs, job.id, lambda j: j.state in ("done", "failed"), 120)
    assert (done.state, done.error, done.attempts) == ("done", None, 2)
    assert done.counters["items"] == 2000
    assert await version_states(jobs) == ["failed", "ready"]


async def test_a_worker_killed_during_audio_analysis_is_resumed_and_nothing_is_lost(
    workers: Workers, jobs: Jobs, tmp_path: Path
) -> None:
    folder = tmp_path / "music"
    folder.mkdir()
    signals = [
        tone(220.0 * (1 + i % 4), 5) if i % 2 else click_track(90 + 10 * i, 5) for i in range(6)
    ]
    async with jobs.sessionmaker() as session:
        ids = await catalog.upsert_tracks(
            session, [TrackIn(f"song {i}", f"song{i}") for i in range(6)]
        )
        for i, y in enumerate(signals):
            path = folder / f"song{i}.wav"
            sf.write(path, y, 22050)
            await catalog.set_local_file(
                session, ids[f"song{i}"], local_path=str(path), fingerprint=f"{i}:1"
            )
        await session.commit()
    # Filled beforehand (once per machine): the kill should hit analysis, not compilation.
    await asyncio.to_thread(prepare_numba_cache, Path(NUMBA_CACHE))
    env = {"RESONANCE_NUMBA_CACHE_DIR": NUMBA_CACHE, "RESONANCE_AUDIO_WORKERS": "1"}
    victim = workers.start(**env)
    job, _ = await jobs.submit(kind="audio")
    while not (dsp := children(victim.pid)):  # the victim's DSP pool is up...
        assert victim.poll() is None, workers.log()
        await asyncio.sleep(0.1)
    await asyncio.sleep(3.0)  # ...and warming up or analysing
    kill(victim)

    workers.start(**env)
    done = await wait_for(jobs, job.id, lambda j: j.state in ("done", "failed"), 180)
    assert (done.state, done.error, done.attempts) == ("done", None, 2), workers.log()[-3000:]
    async with jobs.sessionmaker() as session:
        statuses = list(await session.scalars(select(Track.audio_status)))
        descriptors = await session.scalar(select(func.count()).select_from(AudioDescriptors))
    assert statuses == ["analysed"] * 6 and descriptors == 6
    # The killed worker's DSP processes went too, even those killed while starting up.
    for _ in range(100):
        if not [pid for pid in dsp if alive(pid)]:
            break
        await asyncio.sleep(0.1)
    assert not [pid for pid in dsp if alive(pid)]


def children(pid: int) -> list[str]:
    """The DSP worker processes of `pid` (not multiprocessing's resource tracker)."""
    found = subprocess.run(
        ["pgrep", "-P", str(pid), "-f", "multiprocessing.spawn"],
        capture_output=True,
        check=False,
        text=True,
    )
    return found.stdout.split()


def alive(pid: str) -> bool:
    return os.path.exists(f"/proc/{pid}")
