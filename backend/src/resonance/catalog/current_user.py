"""`CurrentUser`: the forwarded Spotify access token resolved to our user row."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from resonance.cache import soft_get, soft_set
from resonance.catalog import users
from resonance.errors import Unauthorized
from resonance.runtime import CacheDep, RuntimeDep, SpotifyTokenDep
from resonance.spotify import SPOTIFY_ERRORS, SpotifyClient, domain_error

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


async def current_user(
    runtime: RuntimeDep, cache: CacheDep, token: SpotifyTokenDep
) -> CurrentUserInfo:
    """Resolve X-Spotify-Access-Token via /me (cached a few minutes by the token's hash)."""
    if token is None:
        raise Unauthorized(
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
        async with SpotifyClient(runtime.settings, token, cache=cache) as client:
            me = await client.me()
    except SPOTIFY_ERRORS as error:
        raise domain_error(error) from None
    async with runtime.sessionmaker() as session, session.begin():
        user = await users.upsert_spotify_user(session, me)
    info = CurrentUserInfo(user.id, user.spotify_user_id, user.display_name, token)
    payload = {"id": info.id, "spotify_id": info.spotify_id, "display_name": info.display_name}
    await soft_set(cache, key, json.dumps(payload).encode(), ttl=TOKEN_USER_TTL)
    return info


CurrentUser = Annotated[CurrentUserInfo, Depends(current_user)]
