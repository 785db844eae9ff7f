"""Annotated dependencies: context, settings, a committed session per request, service auth.

They are all `async def` although none awaits: FastAPI runs a plain `def` dependency
in its thread pool, one hop per dependency per request.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.api.context import AppContext
from resonance.api.problems import ProblemError
from resonance.cache import Cache
from resonance.settings import Settings


async def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]


async def get_app_settings(context: ContextDep) -> Settings:
    return context.settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


async def get_cache(context: ContextDep) -> Cache:
    return context.cache


CacheDep = Annotated[Cache, Depends(get_cache)]


async def get_session(context: ContextDep) -> AsyncIterator[AsyncSession]:
    """One session per request, committed when the endpoint returns without error."""
    async with context.sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


SessionDep = Annotated[AsyncSession, Depends(get_session)]

_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="resonance"'}


async def require_service_token(request: Request, settings: SettingsDep) -> None:
    """Only the Next.js server (holder of RECOMMENDER_SERVICE_TOKEN) may call /v1."""
    expected = settings.service_token.get_secret_value() if settings.service_token else ""
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    if not expected:
        raise ProblemError(
            401,
            "The service token is not configured on the server (RECOMMENDER_SERVICE_TOKEN).",
            headers=_UNAUTHORIZED,
        )
    if scheme.lower() != "bearer" or not presented:
        raise ProblemError(
            401, "Missing bearer service token in the Authorization header.", headers=_UNAUTHORIZED
        )
    if not hmac.compare_digest(presented.strip().encode(), expected.encode()):
        raise ProblemError(401, "The service token is not valid.", headers=_UNAUTHORIZED)


ServiceAuth = Depends(require_service_token)


async def spotify_access_token(request: Request) -> str | None:
    """The user's Spotify access token, forwarded by the Next.js proxy."""
    token = request.headers.get("x-spotify-access-token", "").strip()
    return token or None


SpotifyTokenDep = Annotated[str | None, Depends(spotify_access_token)]
