"""Process-wide resources shared by requests: settings, database, cache."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from resonance.cache import Cache, create_cache
from resonance.db.engine import create_engine, create_sessionmaker
from resonance.settings import Settings


@dataclass
class AppContext:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    cache: Cache
    # Feature packages hang their long-lived services here (index holder, job runner…).
    services: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> AppContext:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(settings.resolved_database_url)
        return cls(
            settings=settings,
            engine=engine,
            sessionmaker=create_sessionmaker(engine),
            cache=create_cache(settings),
        )

    async def close(self) -> None:
        await self.cache.close()
        await self.engine.dispose()
