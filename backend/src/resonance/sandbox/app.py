"""The sandbox's ASGI application."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from resonance.sandbox import accounts, admin, brainz, deezer, lastfm, media, webapi
from resonance.sandbox.guard import SpotifyApiError
from resonance.sandbox.open_guard import Answered
from resonance.sandbox.runtime import DEFAULT_CLIENT_ID, Sandbox
from resonance.sandbox.state import Switches
from resonance.sandbox.world import DEFAULT_SEED


def create_sandbox_app(
    *,
    base_url: str = "http://127.0.0.1:8765",
    seed: int = DEFAULT_SEED,
    client_ids: set[str] | None = None,
    redirect_uris: set[str] | None = None,
    switches: Switches | None = None,
) -> FastAPI:
    """A Spotify-compatible server: accounts, the Web API subset, media and test controls."""
    app = FastAPI(
        title="Resonance Spotify sandbox", docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.sandbox = Sandbox.create(
        base_url,
        seed=seed,
        client_ids=client_ids or {DEFAULT_CLIENT_ID},
        redirect_uris=redirect_uris or {"http://127.0.0.1:3000/callback"},
        switches=switches,
    )

    @app.exception_handler(SpotifyApiError)
    async def _spotify_error(request: Request, exc: SpotifyApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(Answered)
    async def _switched(request: Request, exc: Answered) -> Response:
        return exc.response

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "Error"
        return SpotifyApiError(exc.status_code, message).response()

    @app.get("/", include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(
            "<!doctype html><title>Resonance sandbox</title><h1>Resonance Spotify sandbox</h1>"
            "<p>Accounts at /authorize and /api/token, the Web API at /v1.</p>"
        )

    for feature in (accounts, webapi, admin, media, brainz, lastfm, deezer):
        app.include_router(feature.router)
    return app
