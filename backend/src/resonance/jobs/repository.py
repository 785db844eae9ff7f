"""Queries over the `jobs` table."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.db import TERMINAL_STATES, Job, utcnow


async def create_job(
    session: AsyncSession,
    *,
    kind: str,
    target: str | None = None,
    user_id: int | None = None,
    params: dict[str, Any] | None = None,
    job_id: str | None = None,
) -> Job:
    job = Job(
        id=job_id or str(uuid.uuid4()),
        kind=kind,
        target=target,
        user_id=user_id,
        state="queued",
        params=params or {},
        counters={},
        checkpoint={},
    )
    session.add(job)
    await session.flush()
    return job


async def get_job(session: AsyncSession, job_id: str) -> Job | None:
    return await session.scalar(
        select(Job).where(Job.id == job_id).execution_options(populate_existing=True)
    )


async def find_active_job(session: AsyncSession, kind: str, target: str | None) -> Job | None:
    """The newest unfinished job for (kind, target), if any."""
    return await session.scalar(
        select(Job)
        .where(Job.kind == kind, Job.target == target, Job.state.not_in(TERMINAL_STATES))
        .order_by(Job.created_at.desc())
        .limit(1)
    )


async def latest_job(
    session: AsyncSession, kind: str, *, user_id: int, target: str | None = None
) -> Job | None:
    """A user's newest job of this kind (for this target when one is given), any state."""
    stmt = select(Job).where(Job.kind == kind, Job.user_id == user_id)
    if target is not None:
        stmt = stmt.where(Job.target == target)
    return await session.scalar(stmt.order_by(Job.created_at.desc()).limit(1))


async def list_jobs(
    session: AsyncSession,
    *,
    user_id: int | None = None,
    states: list[str] | None = None,
    limit: int = 50,
) -> list[Job]:
    stmt = select(Job).order_by(Job.created_at.desc()).limit(limit)
    if user_id is not None:
        stmt = stmt.where(Job.user_id == user_id)
    if states:
        stmt = stmt.where(Job.state.in_(states))
    return list(await session.scalars(stmt))


async def update_job(session: AsyncSession, job_id: str, **values: Any) -> None:
    values.setdefault("updated_at", utcnow())
    await session.execute(update(Job).where(Job.id == job_id).values(**values))


async def mark_running(session: AsyncSession, job_id: str) -> None:
    job = await get_job(session, job_id)
    if job is None:
        return
    await update_job(
        session,
        job_id,
        state="running",
        attempts=job.attempts + 1,
        started_at=job.started_at or utcnow(),
        resume_at=None,
        error=None,
    )


async def finish_job(
    session: AsyncSession,
    job_id: str,
    *,
    state: str = "done",
    error: str | None = None,
    resume_at: datetime | None = None,
) -> None:
    terminal = state in TERMINAL_STATES
    await update_job(
        session,
        job_id,
        state=state,
        error=error,
        resume_at=resume_at,
        finished_at=utcnow() if terminal else None,
    )


async def count_jobs_by_state(session: AsyncSession) -> dict[str, int]:
    from sqlalchemy import func

    rows = await session.execute(select(Job.state, func.count()).group_by(Job.state))
    return {state: int(n) for state, n in rows.all()}


async def list_unfinished_jobs(session: AsyncSession, limit: int = 1000) -> list[Job]:
    """Jobs that still have work to do: queued, running (maybe orphaned) or waiting."""
    return list(
        await session.scalars(
            select(Job)
            .where(Job.state.not_in(TERMINAL_STATES))
            .order_by(Job.created_at)
            .limit(limit)
        )
    )
