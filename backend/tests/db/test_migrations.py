from __future__ import annotations

import asyncio

from sqlalchemy import inspect

from resonance.db import migrate
from resonance.db.engine import create_engine

EXPECTED_TABLES = {
    "users",
    "artists",
    "albums",
    "tracks",
    "track_artists",
    "genres",
    "artist_genres",
    "track_genres",
    "playlists",
    "playlist_entries",
    "user_playlists",
    "library_items",
    "audio_descriptors",
    "spotify_audio_features",
    "jobs",
    "index_versions",
}


def _tables(url: str) -> set[str]:
    async def read() -> set[str]:
        engine = create_engine(url)
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        await engine.dispose()
        return names

    return asyncio.run(read())


def test_upgrade_from_empty_to_head_then_back(database_url: str) -> None:
    assert _tables(database_url) == set()
    migrate.upgrade(database_url)
    assert _tables(database_url) >= EXPECTED_TABLES
    migrate.downgrade(database_url, "base")
    assert _tables(database_url) <= {"alembic_version"}
    # and up again: a downgrade leaves nothing behind that blocks a fresh upgrade
    migrate.upgrade(database_url)
    assert _tables(database_url) >= EXPECTED_TABLES


def test_models_match_migrations(database_url: str) -> None:
    """Autogenerate finds nothing to do: the models and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from resonance.db.models import Base

    migrate.upgrade(database_url)

    async def diff() -> list[object]:
        engine = create_engine(database_url)
        async with engine.connect() as conn:
            result = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
        await engine.dispose()
        return list(result)

    assert asyncio.run(diff()) == []
