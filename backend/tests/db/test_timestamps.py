"""Timestamps come back timezone-aware UTC on SQLite as on PostgreSQL, in rows and the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.app import create_app
from resonance.db import User
from resonance.settings import Settings


async def test_rows_read_back_aware_utc_on_every_backend(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    paris = timezone(timedelta(hours=2))
    async with sessionmaker() as session, session.begin():
        session.add(User(account_id="a1", library_synced_at=datetime(2024, 5, 1, 12, tzinfo=paris)))
    async with sessionmaker() as session:
        user = await session.scalar(select(User))
        synced = await session.scalar(select(User.library_synced_at))
    assert user is not None
    assert user.created_at.tzinfo is not None and user.created_at.utcoffset() == timedelta(0)
    # Same instant, in UTC: SQLite used to keep 12:00 and drop the +02:00.
    assert synced == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert synced is not None and synced.tzinfo is UTC


def test_the_api_answers_timestamps_with_an_offset_on_sqlite(
    sqlite_url: str, tmp_path: Path
) -> None:
    token = "timestamps-test-token-0123"
    settings = Settings(data_dir=tmp_path, database_url=sqlite_url, service_token=token)
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings)) as client:
        job = client.post("/v1/index/rebuild", headers=auth).json()
        again = client.get(f"/v1/jobs/{job['id']}", headers=auth).json()
    # RFC 3339 date-time (the OpenAPI "date-time" format) needs the offset.
    assert again["created_at"].endswith(("Z", "+00:00")), again["created_at"]
