"""Queries over provenance and discovery usage (the only place discovery touches SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.db import DiscoveryUsage, TrackProvenance, insert_ignore, utcnow


async def add_provenance(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert provenance rows; one already recorded (same user, track, provider, seed) stays."""
    now = utcnow()
    await insert_ignore(
        session,
        TrackProvenance,
        [{"found_at": now} | row for row in rows],
        keys=["user_id", "track_id", "provider", "seed_ref"],
    )


async def provenance_for(
    session: AsyncSession, user_id: int, track_ids: Sequence[int]
) -> dict[int, list[TrackProvenance]]:
    """Provenance of each track for the user, oldest find first."""
    out: dict[int, list[TrackProvenance]] = {}
    for start in range(0, len(track_ids), 500):
        rows = await session.scalars(
            select(TrackProvenance)
            .where(
                TrackProvenance.user_id == user_id,
                TrackProvenance.track_id.in_(list(track_ids[start : start + 500])),
            )
            .order_by(TrackProvenance.id)
        )
        for row in rows:
            out.setdefault(row.track_id, []).append(row)
    return out


async def discovered_track_ids(session: AsyncSession, user_id: int) -> list[int]:
    rows = await session.scalars(
        select(TrackProvenance.track_id).where(TrackProvenance.user_id == user_id).distinct()
    )
    return sorted(rows)


async def count_provenance(session: AsyncSession, user_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(TrackProvenance)
            .where(TrackProvenance.user_id == user_id)
        )
        or 0
    )


async def usage_today(session: AsyncSession, user_id: int, provider: str, day: str) -> int:
    value = await session.scalar(
        select(DiscoveryUsage.requests).where(
            DiscoveryUsage.user_id == user_id,
            DiscoveryUsage.provider == provider,
            DiscoveryUsage.day == day,
        )
    )
    return int(value or 0)


async def add_usage(
    session: AsyncSession, user_id: int, provider: str, day: str, requests: int
) -> None:
    if requests <= 0:
        return
    await insert_ignore(
        session,
        DiscoveryUsage,
        [{"user_id": user_id, "provider": provider, "day": day, "requests": 0}],
        keys=["user_id", "provider", "day"],
    )
    await session.execute(
        update(DiscoveryUsage)
        .where(
            DiscoveryUsage.user_id == user_id,
            DiscoveryUsage.provider == provider,
            DiscoveryUsage.day == day,
        )
        .values(requests=DiscoveryUsage.requests + requests)
    )
