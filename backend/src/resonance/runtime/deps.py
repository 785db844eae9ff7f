"""Request dependencies: the runtime, settings, a committed session, jobs, service auth.

They are all `async def` although none awaits: FastAPI runs a plain `def` dependency
in its thread pool, one hop per dependency per request.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.cache import Cache
from resonance.db import session_scope
from resonance.errors import Unauthorized
from resonance.jobs import Jobs
from resonance.runtime.core import Runtime
from resonance.settings import Settings


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_app_settings(runtime: RuntimeDep) -> Settings:
    return runtime.settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


async def get_cache(runtime: RuntimeDep) -> Cache:
    return runtime.cache


CacheDep = Annotated[Cache, Depends(get_cache)]


async def get_jobs(runtime: RuntimeDep) -> Jobs:
    return runtime.jobs


JobsDep = Annotated[Jobs, Depends(get_jobs)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """One session per request, committed when the endpoint returns without error."""
    async with session_scope(runtime.sessionmaker) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]

_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="resonance"'}


async def require_service_token(request: Request, settings: SettingsDep) -> None:
    """Only the Next.js server (holder of RECOMMENDER_SERVICE_TOKEN) may call /v1."""
    expected = settings.service_token.get_secret_value() if settings.service_token else ""
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    if not expected:
        raise Unauthorized(
            "The service token is not configured on the server (RECOMMENDER_SERVICE_TOKEN).",
            headers=_UNAUTHORIZED,
        )
    if scheme.lower() != "bearer" or not presented:
        raise Unauthorized(
            "Missing bearer service token in the Authorization header.", headers=_UNAUTHORIZED
        )
    if not hmac.compare_digest(presented.strip().encode(), expected.encode()):
        raise Unauthorized("The service token is not valid.", headers=_UNAUTHORIZED)


ServiceAuth = Depends(require_service_token)


async def spotify_access_token(request: Request) -> str | None:
    """The user's Spotify access token, forwarded by the Next.js proxy."""
    token = request.headers.get("x-spotify-access-token", "").strip()
    return token or None


SpotifyTokenDep = Annotated[str | None, Depends(spotify_access_token)]
