"""`resonance recommend --save NAME`: the list saved as a playlist in the user's Spotify.

Idempotent as the web app's Save is: the same name and the same tracks answer the
playlist made before (`resonance.ingest.save_playlist`), from one run to the next.
The user is whoever SPOTIFY_ACCESS_TOKEN belongs to; in demo mode without one, the
sandbox's "demo" listener.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import httpx

from resonance.catalog import current_user
from resonance.errors import Unauthorized
from resonance.ingest import PlaylistCreate, PlaylistCreated, save_playlist

if TYPE_CHECKING:
    from resonance.runtime import Runtime

WHO_IS_LISTENING = (
    "--save needs the listener's Spotify access token: set SPOTIFY_ACCESS_TOKEN"
    " (in demo mode the sandbox's demo listener is used without one)"
)


async def listener_token(runtime: Runtime) -> str:
    """SPOTIFY_ACCESS_TOKEN, or in demo mode a sandbox token for the demo listener."""
    token = os.environ.get("SPOTIFY_ACCESS_TOKEN", "").strip()
    if token:
        return token
    settings = runtime.settings
    if not settings.demo_mode:
        raise Unauthorized(WHO_IS_LISTENING, title="Spotify sign-in needed")
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{settings.accounts_url}/_sandbox/token", json={"user": "demo"}
        )
        response.raise_for_status()
        return str(response.json()["access_token"])


async def save_list(runtime: Runtime, name: str, spotify_ids: list[str]) -> PlaylistCreated:
    """Save `spotify_ids` in order as the playlist `name` (or find the one saved before)."""
    token = await listener_token(runtime)
    user = await current_user(runtime, runtime.cache, token)
    body = PlaylistCreate(name=name, description="Recommended by Resonance", track_ids=spotify_ids)
    return await save_playlist(runtime.settings, runtime.cache, user, body)
