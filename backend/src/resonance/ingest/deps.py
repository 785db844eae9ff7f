"""`CurrentUser`: the forwarded Spotify access token resolved to our user row."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from resonance.api.deps import CacheDep, ContextDep, SpotifyTokenDep
from resonance.api.problems import ProblemError
from resonance.cache.soft import soft_get, soft_set
from resonance.catalog import repository as catalog
from resonance.spotify.client import SpotifyClient
from resonance.spotify.errors import (
    QuotaExceededError,
    RateLimitedError,
    ReauthorizationRequired,
    SpotifyError,
    SpotifyServerError,
)

SPOTIFY_ERRORS = (
    SpotifyError,
    ReauthorizationRequired,
    QuotaExceededError,
    RateLimitedError,
    SpotifyServerError,
)
TOKEN_USER_TTL = 60.0  # seconds a token → user mapping is trusted without asking /me again


@dataclass(frozen=True, slots=True)
class CurrentUserInfo:
    id: int
    spotify_id: str | None
    display_name: str | None
    token: str

    def __repr__(self) -> str:  # keeps the token out of logs and tracebacks
        return f"CurrentUserInfo(id={self.id}, spotify_id={self.spotify_id!r})"


def token_key(token: str) -> str:
    """Cache key for a token: its SHA-256, never the token itself."""
    return "spotify:token-user:" + hashlib.sha256(token.encode()).hexdigest()


def spotify_problem(error: Exception) -> ProblemError:
    """Spotify failures as problem details the UI can act on."""
    if isinstance(error, ReauthorizationRequired):
        return ProblemError(
            401, error.reason, title="Spotify sign-in needed", type_="/problems/spotify-reauth"
        )
    if isinstance(error, QuotaExceededError):
        return ProblemError(429, error.reason, type_="/problems/spotify-quota")
    if isinstance(error, RateLimitedError):
        return ProblemError(
            429,
            error.reason,
            type_="/problems/spotify-rate-limit",
            headers={"Retry-After": str(int(error.retry_after) + 1)},
        )
    if isinstance(error, SpotifyServerError):
        return ProblemError(502, error.reason, type_="/problems/spotify-unavailable")
    if isinstance(error, SpotifyError):
        return ProblemError(502, f"Spotify answered {error.status}: {error.message}")
    raise error


async def current_user(
    context: ContextDep, cache: CacheDep, token: SpotifyTokenDep
) -> CurrentUserInfo:
    """Resolve X-Spotify-Access-Token via /me (cached a few minutes by the token's hash)."""
    if token is None:
        raise ProblemError(
            401,
            "Missing the user's Spotify access token (X-Spotify-Access-Token).",
            title="Spotify sign-in needed",
            type_="/problems/spotify-reauth",
        )
    key = token_key(token)
    cached = await soft_get(cache, key)
    if cached is not None:
        data = json.loads(cached)
        return CurrentUserInfo(data["id"], data["spotify_id"], data["display_name"], token)
    try:
        async with SpotifyClient(context.settings, token, cache=cache) as client:
            me = await client.me()
    except SPOTIFY_ERRORS as error:
        raise spotify_problem(error) from None
    async with context.sessionmaker() as session, session.begin():
        user = await catalog.upsert_spotify_user(session, me)
    info = CurrentUserInfo(user.id, user.spotify_user_id, user.display_name, token)
    payload = {"id": info.id, "spotify_id": info.spotify_id, "display_name": info.display_name}
    await soft_set(cache, key, json.dumps(payload).encode(), ttl=TOKEN_USER_TTL)
    return info


CurrentUser = Annotated[CurrentUserInfo, Depends(current_user)]
