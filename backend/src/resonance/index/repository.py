"""Queries over `index_versions`: one row per build, ready or failed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.db import (
    IndexVersion,
    utcnow,
)


async def start_version(session: AsyncSession, *, block_weights: dict[str, float]) -> IndexVersion:
    version = IndexVersion(state="building", block_weights=block_weights, stats={})
    session.add(version)
    await session.flush()
    return version


async def mark_ready(
    session: AsyncSession,
    version_id: int,
    *,
    path: str,
    index_kind: str,
    n_items: int,
    dim: int,
    stats: dict[str, Any],
) -> None:
    await session.execute(
        update(IndexVersion)
        .where(IndexVersion.id == version_id)
        .values(
            state="ready",
            path=path,
            index_kind=index_kind,
            n_items=n_items,
            dim=dim,
            stats=stats,
            ready_at=utcnow(),
        )
    )


async def mark_failed(session: AsyncSession, version_id: int, error: str) -> None:
    await session.execute(
        update(IndexVersion)
        .where(IndexVersion.id == version_id)
        .values(state="failed", error=error)
    )


async def current_version(session: AsyncSession) -> IndexVersion | None:
    """The newest ready version: the one every API process should serve."""
    return await session.scalar(
        select(IndexVersion)
        .where(IndexVersion.state == "ready")
        .order_by(IndexVersion.id.desc())
        .limit(1)
    )


async def list_versions(session: AsyncSession, limit: int = 20) -> list[IndexVersion]:
    return list(
        await session.scalars(select(IndexVersion).order_by(IndexVersion.id.desc()).limit(limit))
    )


async def fail_interrupted_builds(session: AsyncSession, *, except_id: int | None = None) -> int:
    """Mark builds left in 'building' by a killed process as failed (call while holding
    the rebuild lock, when no other build can be running)."""
    stmt = (
        update(IndexVersion)
        .where(IndexVersion.state == "building")
        .values(state="failed", error="interrupted: the build process stopped before finishing")
    )
    if except_id is not None:
        stmt = stmt.where(IndexVersion.id != except_id)
    result = await session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


# --- catalogue snapshot for an index build --------------------------------------------
