"""`GET /metrics` and the per-route latency middleware.

The metrics name every route, job state and the index size: operators' business, so
they need the service token unless ``metrics_auth`` is ``none`` (for a deployment that
keeps the port on a private network).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import Receive, Scope, Send

from resonance.app.middleware import HttpMiddleware, ResponseWatch
from resonance.db import JOB_STATES
from resonance.index import ModelHolder
from resonance.jobs import count_jobs_by_state
from resonance.metrics import HTTP_LATENCY, INDEX_ITEMS, INDEX_VERSION, JOBS, REGISTRY
from resonance.runtime import RuntimeDep, SettingsDep, require_service_token


async def metrics_auth(request: Request, settings: SettingsDep) -> None:
    if settings.metrics_auth == "token":
        await require_service_token(request, settings)


router = APIRouter(include_in_schema=True, tags=["operations"])


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    description="Needs the service token unless RESONANCE_METRICS_AUTH=none.",
    response_class=Response,
    dependencies=[Depends(metrics_auth)],
    responses={401: {"description": "Missing or wrong service token (problem+json)"}},
)
async def metrics(runtime: RuntimeDep) -> Response:
    async with runtime.sessionmaker() as session:
        counts = await count_jobs_by_state(session)
    for state in JOB_STATES:
        JOBS.labels(state).set(counts.get(state, 0))
    holder = runtime.peek(ModelHolder)
    model = holder.model if holder is not None else None
    INDEX_ITEMS.set(model.n_items if model is not None else 0)
    INDEX_VERSION.set((holder.loaded_version if holder is not None else None) or 0)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


class LatencyMiddleware(HttpMiddleware):
    """Observe latency under the route *template* (`/v1/tracks/{track_id}`), never the raw
    path, so that ids do not explode the label set."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        watch = ResponseWatch(send)
        try:
            await self.app(scope, receive, watch)
        finally:
            status_class = f"{watch.status // 100}xx"
            HTTP_LATENCY.labels(scope["method"], _route(scope), status_class).observe(watch.seconds)


def _route(scope: Scope) -> str:
    """The path with its parameters put back as `{name}` (independent of how routers nest)."""
    if scope.get("route") is None:
        return "unmatched"
    params = {str(v): k for k, v in (scope.get("path_params") or {}).items()}
    segments = str(scope.get("path", "")).split("/")
    return "/".join(f"{{{params[seg]}}}" if seg in params else seg for seg in segments)
