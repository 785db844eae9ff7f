"""The job service in-process: de-duplication, outcomes, retries and resuming after a crash."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.cache.base import Cache
from resonance.jobs import repository
from resonance.jobs.errors import JobDeferred, JobStopped, TransientJobError
from resonance.jobs.queue import InProcessQueue
from resonance.jobs.registry import JobHandlers
from resonance.jobs.runtime import JobRun
from resonance.jobs.service import Jobs
from resonance.settings import Settings

calls: dict[str, int] = {}


async def count_items(run: JobRun) -> dict[str, Any]:
    calls[run.job_id] = calls.get(run.job_id, 0) + 1
    start = int(run.checkpoint.get("next", 0))
    for item in range(start, int(run.params["items"])):
        await asyncio.sleep(float(run.params.get("pause", 0)))
        if run.params.get("crash_at") == item and calls[run.job_id] == 1:
            raise SystemExit  # stands in for a killed process: nothing below runs
        await run.progress(done=item + 1, checkpoint={"next": item + 1})
    return {"secret_seen": await run.secret() is not None}


async def flaky(run: JobRun) -> None:
    if run.attempts < int(run.params["succeed_on"]):
        raise TransientJobError("the network blinked")


async def outcome(run: JobRun) -> None:
    if run.params["outcome"] == "rate_limited" and run.attempts == 1:
        raise JobDeferred(datetime.now(UTC) + timedelta(seconds=0.3), "429: retry after 0.3 s")
    if run.params["outcome"] == "reauth":
        raise JobStopped("needs_reauth", "The Spotify session was revoked; sign in again.")
    if run.params["outcome"] == "bug":
        raise KeyError("oops")


HANDLERS = JobHandlers({"test-count": count_items, "test-flaky": flaky, "test-outcome": outcome})


def make_settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path, job_retry_base_seconds=0.05, job_max_attempts=3, job_lease_seconds=1.0
    )


@pytest.fixture
async def jobs(tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession], cache: Cache) -> Any:
    service = Jobs(
        make_settings(tmp_path),
        sessionmaker,
        cache,
        InProcessQueue(concurrency=2),
        handlers=HANDLERS,
    )
    await service.start()
    yield service
    await service.close()


async def test_a_job_runs_reports_progress_and_keeps_its_secret_out_of_the_db(
    jobs: Jobs, session: AsyncSession
) -> None:
    job, created = await jobs.submit(
        kind="test-count", target="a", params={"items": 4}, secret="token-abc"
    )
    assert created
    done = await jobs.wait(job.id, timeout=10)
    assert (done.state, done.progress_done, done.error) == ("done", 4, None)
    assert done.counters["secret_seen"] is True
    assert "token-abc" not in repr(done.params) + repr(done.counters) + repr(done.checkpoint)


async def test_a_duplicate_submit_joins_the_unfinished_job(jobs: Jobs) -> None:
    params = {"items": 5, "pause": 0.4}
    results = await asyncio.gather(
        *(jobs.submit(kind="test-count", target="same", params=params) for _ in range(5))
    )
    ids = {job.id for job, _ in results}
    assert len(ids) == 1
    assert sum(created for _, created in results) == 1
    (job_id,) = ids
    await jobs.wait(job_id, timeout=10)
    assert calls[job_id] == 1
    again, created = await jobs.submit(kind="test-count", target="same", params=params)
    assert created and again.id != job_id  # a finished job does not swallow new requests


async def test_transient_errors_are_retried_with_backoff_then_give_up(jobs: Jobs) -> None:
    ok, _ = await jobs.submit(kind="test-flaky", target="ok", params={"succeed_on": 3})
    doomed, _ = await jobs.submit(kind="test-flaky", target="doomed", params={"succeed_on": 9})
    ok_done = await jobs.wait(ok.id, timeout=10)
    assert (ok_done.state, ok_done.attempts) == ("done", 3)
    failed = await jobs.wait(doomed.id, timeout=10)
    assert failed.state == "failed"
    assert failed.error is not None and "Gave up after 3 attempts" in failed.error
    assert "network blinked" in failed.error


@pytest.mark.parametrize(
    ("outcome", "state", "error"),
    [
        ("rate_limited", "done", None),
        ("reauth", "needs_reauth", "sign in again"),
        ("bug", "failed", "KeyError"),
    ],
)
async def test_outcomes_end_in_a_visible_state(
    jobs: Jobs, outcome: str, state: str, error: str | None
) -> None:
    job, _ = await jobs.submit(kind="test-outcome", target=outcome, params={"outcome": outcome})
    if outcome == "rate_limited":
        waiting = await jobs.wait(job.id, timeout=5, states=frozenset({"waiting_rate_limit"}))
        assert waiting.resume_at is not None and "429" in (waiting.error or "")
    finished = await jobs.wait(job.id, timeout=10)
    assert finished.state == state
    assert (finished.error is None) if error is None else (error in (finished.error or ""))


async def test_a_job_killed_halfway_resumes_from_its_checkpoint(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession], cache: Cache
) -> None:
    settings = make_settings(tmp_path)
    async with sessionmaker() as session, session.begin():
        job = await repository.create_job(
            session, kind="test-count", target="k", params={"items": 6, "crash_at": 3}
        )
    first = Jobs(settings, sessionmaker, cache, InProcessQueue(), handlers=HANDLERS)
    with pytest.raises(SystemExit):
        await first.execute(job.id)  # the "process" dies after 3 items
    async with sessionmaker() as session:
        stuck = await repository.get_job(session, job.id)
    assert stuck is not None and (stuck.state, stuck.progress_done) == ("running", 3)

    # A new process resumes unfinished jobs on start; the dead one's lease is gone.
    second = Jobs(settings, sessionmaker, cache, InProcessQueue(), handlers=HANDLERS)
    await second.start()
    try:
        done = await second.wait(job.id, timeout=10)
    finally:
        await second.close()
    assert (done.state, done.progress_done, done.attempts) == ("done", 6, 2)
    assert done.checkpoint == {"next": 6}


async def test_an_unknown_kind_fails_with_a_reason(jobs: Jobs) -> None:
    job, _ = await jobs.submit(kind="no-such-kind")
    failed = await jobs.wait(job.id, timeout=5)
    assert failed.state == "failed" and "no-such-kind" in (failed.error or "")
