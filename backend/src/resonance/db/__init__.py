"""Database engine, sessions, typed models and migrations (SQLite or PostgreSQL).

Every table type of `resonance.db.models` is part of this package's public API.
"""

from resonance.db import models
from resonance.db.base import Base, TimestampMixin, utcnow
from resonance.db.engine import (
    create_engine,
    create_sessionmaker,
    is_sqlite,
    ping,
    session_scope,
)
from resonance.db.migrate import downgrade, upgrade
from resonance.db.models import *  # noqa: F403 - the tables, listed in models.__all__
from resonance.db.upsert import insert_ignore, upsert_many, upsert_returning

__all__ = [
    "Base",
    "TimestampMixin",
    "create_engine",
    "create_sessionmaker",
    "downgrade",
    "insert_ignore",
    "is_sqlite",
    "ping",
    "session_scope",
    "upgrade",
    "upsert_many",
    "upsert_returning",
    "utcnow",
    *models.__all__,
]
