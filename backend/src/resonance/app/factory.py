"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from resonance import __version__
from resonance.app import health, jobs, metrics
from resonance.app.metrics import LatencyMiddleware
from resonance.app.middleware import BodyLimitMiddleware, RequestIdMiddleware
from resonance.app.problems import install_problem_handlers
from resonance.app.wiring import JOB_HANDLERS, open_runtime
from resonance.catalog import router as catalog_router
from resonance.index import serve_single_threaded
from resonance.ingest import router as ingest_router
from resonance.jobs import JobHandlers
from resonance.recommend import holder_of
from resonance.recommend import router as recommend_router
from resonance.runtime import ServiceAuth
from resonance.settings import Settings, get_settings

logger = logging.getLogger(__name__)


def protected_router() -> APIRouter:
    """Every /v1 route except health: feature routers are included here."""
    router = APIRouter(
        dependencies=[ServiceAuth],
        responses={
            401: {
                "description": "Missing or wrong service token (problem+json)",
                "content": {"application/problem+json": {}},
            }
        },
    )
    for feature in (catalog_router, jobs.router, recommend_router, ingest_router):
        router.include_router(feature)
    return router


def create_app(
    settings: Settings | None = None, *, handlers: JobHandlers = JOB_HANDLERS
) -> FastAPI:
    """The API; `handlers` names the job kinds this process runs (tests leave some out)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = open_runtime(settings, handlers=handlers)
        app.state.runtime = runtime
        # In-process jobs die with the process: pick up what the last one left unfinished.
        # With arq, workers do that on their own start.
        await runtime.jobs.start(resume=not settings.uses_arq)
        serve_single_threaded()
        # Load the serving index now rather than on the first request, which would wait
        # for it (about 10 s at a million tracks). Requests meanwhile wait on the same load.
        preload = asyncio.create_task(holder_of(runtime).preload(runtime.sessionmaker))
        if settings.service_token is None:
            logger.warning(
                "RECOMMENDER_SERVICE_TOKEN is not set: every /v1 route except health answers 401"
            )
        try:
            yield
        finally:
            # Settled before the engine closes under it.
            preload.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await preload
            await runtime.close()

    app = FastAPI(
        title="Resonance",
        version=__version__,
        description=(
            "Explainable music recommendations: catalogue, ingestion, audio descriptors,"
            " vectors and recommendations."
        ),
        lifespan=lifespan,
        # The interactive docs and the schema map every route and limit: off outside demo
        # unless enabled. `resonance openapi` calls app.openapi(), which needs no route.
        docs_url="/docs" if settings.serve_docs else None,
        redoc_url="/redoc" if settings.serve_docs else None,
        openapi_url="/openapi.json" if settings.serve_docs else None,
    )
    install_problem_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(LatencyMiddleware)
    app.add_middleware(RequestIdMiddleware)
    app.include_router(metrics.router)

    v1 = APIRouter(prefix="/v1")
    v1.include_router(health.router)
    v1.include_router(protected_router())
    app.include_router(v1)
    return app
