"""Queries over `radio_sessions`: one row per radio, its seeds, plays and feedback."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.db import RadioSession


async def create(
    session: AsyncSession, session_id: str, seeds: list[int], expires_at: datetime
) -> RadioSession:
    row = RadioSession(
        id=session_id,
        seed_track_ids=seeds,
        played_track_ids=[],
        feedback=[],
        expires_at=expires_at,
    )
    session.add(row)
    await session.flush()
    return row


async def get(
    session: AsyncSession, session_id: str, *, for_update: bool = False
) -> RadioSession | None:
    query = select(RadioSession).where(RadioSession.id == session_id)
    if for_update:
        # Two feedback requests on one session at once must not lose either (PostgreSQL).
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def save(
    session: AsyncSession,
    row: RadioSession,
    *,
    played: list[int],
    feedback: list[dict[str, object]],
    now: datetime,
    expires_at: datetime,
) -> None:
    # New lists, not mutated ones: plain JSON columns only see assignment.
    row.played_track_ids = list(played)
    row.feedback = list(feedback)
    row.updated_at = now
    row.expires_at = expires_at
    await session.flush()


async def delete_expired(session: AsyncSession, now: datetime) -> int:
    """Drop sessions that expired before `now`; returns how many."""
    result = await session.execute(delete(RadioSession).where(RadioSession.expires_at < now))
    return int(getattr(result, "rowcount", 0) or 0)
