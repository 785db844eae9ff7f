"""Dialect-aware INSERT … ON CONFLICT, identical on SQLite and PostgreSQL.

Rows go as executemany parameters, never baked into the statement, so each
statement compiles once and is cached however many rows a call brings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.db.base import Base

CHUNK = 500


def table_of(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def insert_for(session: AsyncSession, table: Table) -> Any:
    """The dialect's INSERT construct, which has `on_conflict_do_*`."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def chunks(rows: Sequence[dict[str, Any]], size: int = CHUNK) -> Iterable[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def upsert_returning(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    *,
    key: str,
    update: Sequence[str],
    keep_existing: Sequence[str] = (),
) -> dict[Any, int]:
    """Insert or update rows matched on the unique column `key`; return {key: id}.

    Columns in `keep_existing` keep a stored non-null value when the new one is null
    (an ISRC once learnt is not forgotten by a source that lacks it).
    """
    table = table_of(model)
    stmt = insert_for(session, table)
    excluded = stmt.excluded
    values: dict[str, Any] = {col: excluded[col] for col in update}
    for col in keep_existing:
        values[col] = _coalesce(excluded[col], table.c[col])
    stmt = stmt.on_conflict_do_update(index_elements=[key], set_=values).returning(
        table.c[key], table.c.id
    )
    ids: dict[Any, int] = {}
    for chunk in chunks(_dedupe(rows, key)):
        for row in (await session.execute(stmt, list(chunk))).all():
            ids[row[0]] = row[1]
    return ids


async def insert_ignore(
    session: AsyncSession, model: type[Base], rows: Sequence[dict[str, Any]], *, keys: Sequence[str]
) -> None:
    stmt = insert_for(session, table_of(model)).on_conflict_do_nothing(index_elements=list(keys))
    for chunk in chunks(list(rows)):
        await session.execute(stmt, list(chunk))


async def upsert_many(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    stmt = insert_for(session, table_of(model))
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={col: stmt.excluded[col] for col in update}
    )
    rows = _dedupe_on(rows, keys)
    for chunk in chunks(rows):
        await session.execute(stmt, list(chunk))


def _coalesce(new: Any, old: Any) -> Any:
    return func.coalesce(new, old)


def _dedupe(rows: Sequence[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return _dedupe_on(rows, [key])


def _dedupe_on(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> list[dict[str, Any]]:
    # ON CONFLICT cannot touch the same row twice in one statement; the last record wins.
    by_key: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        by_key[tuple(row[k] for k in keys)] = row
    return list(by_key.values())
