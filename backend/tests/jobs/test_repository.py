from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from resonance.jobs import repository as jobs


async def test_job_lifecycle(session: AsyncSession) -> None:
    job = await jobs.create_job(session, kind="playlist", target="pl1", params={"x": 1})
    await session.commit()
    assert (await jobs.find_active_job(session, "playlist", "pl1")) is not None
    await jobs.mark_running(session, job.id)
    await jobs.update_job(session, job.id, progress_done=5, progress_total=10, checkpoint={"o": 5})
    await session.commit()
    stored = await jobs.get_job(session, job.id)
    assert stored is not None
    assert (stored.state, stored.attempts, stored.progress_done) == ("running", 1, 5)
    assert stored.checkpoint == {"o": 5}
    await jobs.finish_job(session, job.id, state="failed", error="boom")
    await session.commit()
    assert await jobs.find_active_job(session, "playlist", "pl1") is None
    assert (await jobs.count_jobs_by_state(session)) == {"failed": 1}
