"""`GET /v1/health`: database, cache and index status; no token needed."""

from __future__ import annotations

import time
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from resonance.db import ping
from resonance.index import ModelHolder, current_version
from resonance.runtime import RuntimeDep

router = APIRouter(tags=["health"])


class ComponentStatus(BaseModel):
    ok: bool
    backend: str
    latency_ms: float | None = None
    error: str | None = None


class IndexStatus(BaseModel):
    ok: bool
    version: int | None = None
    items: int = 0
    kind: str | None = None
    loaded_version: int | None = None


class Health(BaseModel):
    """Each dependency's state; "degraded" while one is down (the API still answers)."""

    status: Literal["ok", "degraded"]
    version: str
    database: ComponentStatus
    cache: ComponentStatus
    index: IndexStatus


@router.get("/health", summary="Service health", response_model=Health)
async def health(runtime: RuntimeDep) -> Health:
    from resonance import __version__

    db_backend = runtime.engine.dialect.name
    started = time.perf_counter()
    index = IndexStatus(ok=False)
    try:
        async with runtime.sessionmaker() as session:
            await ping(session)
            current = await current_version(session)
        database = ComponentStatus(ok=True, backend=db_backend, latency_ms=_ms(started))
        if current is not None:
            index = IndexStatus(
                ok=True, version=current.id, items=current.n_items, kind=current.index_kind
            )
    except Exception as exc:
        database = ComponentStatus(ok=False, backend=db_backend, error=type(exc).__name__)
    started = time.perf_counter()
    cache_ok = await runtime.cache.ping()
    cache = ComponentStatus(
        ok=cache_ok,
        backend=runtime.cache.backend,
        latency_ms=_ms(started) if cache_ok else None,
        error=None if cache_ok else "unreachable",
    )
    holder = runtime.peek(ModelHolder)
    if holder is not None:
        index.loaded_version = holder.loaded_version
    status = "ok" if database.ok and cache.ok else "degraded"
    return Health(status=status, version=__version__, database=database, cache=cache, index=index)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
