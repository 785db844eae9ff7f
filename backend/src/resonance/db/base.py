"""Declarative base shared by every feature package's models, and ``UTCDateTime``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, ForeignKey, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Stable constraint names so Alembic migrations behave the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that is timezone-aware UTC on every backend.

    PostgreSQL keeps the offset; SQLite has no timestamp type and SQLAlchemy's SQLite
    dialect stores the wall time, dropping the offset, and reads it back naive. Naive
    datetimes then broke the API's documented ``date-time`` format (no offset) and
    compared wrongly with aware ones. Values are stored as UTC and read back as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # Naive values are taken to be UTC already (as everything we write is).
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


def owned_by(table: str, *, indexed: bool = False) -> Any:
    """A primary-key column referencing `table`.id, whose rows go when the owner goes.

    Link tables (a track's artists, a user's library) are keyed by the rows they join.
    """
    return mapped_column(
        ForeignKey(f"{table}.id", ondelete="CASCADE"),
        primary_key=True,
        index=True if indexed else None,
    )
