"""Saving a list of tracks as a playlist in the user's Spotify, once per list.

Pressing Save twice (or again after a reload) must not make a second, identical playlist:
the playlist made for a user and an ordered list of tracks is remembered in the cache, and
asking again answers it with `already_saved`. A lock per list makes two presses at once
wait for each other instead of racing to Spotify. The in-process cache of the embedded
default ends with its process, so before making a playlist the user's own playlists are
looked through too: one of the same name holding the same tracks in order is the answer
(this is what makes `resonance recommend --save NAME` idempotent from run to run).
"""

from __future__ import annotations

import hashlib

from resonance.cache import Cache
from resonance.catalog import CurrentUserInfo
from resonance.ingest.schemas import PlaylistCreate, PlaylistCreated
from resonance.settings import Settings
from resonance.spotify import SPOTIFY_ERRORS, SpotifyClient, SpotifyNotFound, domain_error

SAVED_TTL = 90 * 24 * 3600.0  # how long a list is remembered as saved
LOCK_TTL = 60.0


def saved_key(user_id: int, track_ids: list[str]) -> str:
    digest = hashlib.sha256("\n".join(track_ids).encode()).hexdigest()[:40]
    return f"saved-playlist:{user_id}:{digest}"


async def save_playlist(
    settings: Settings, cache: Cache, user: CurrentUserInfo, body: PlaylistCreate
) -> PlaylistCreated:
    """The playlist holding `body.track_ids` in this order: made now, or the one made before."""
    key = saved_key(user.id, body.track_ids)
    async with cache.locked(f"{key}:lock", ttl=LOCK_TTL, wait=LOCK_TTL):
        if (known := await cache.get(key)) is not None:
            return PlaylistCreated.model_validate_json(known).model_copy(
                update={"already_saved": True}
            )
        try:
            async with SpotifyClient(settings, user.token, cache=cache) as client:
                found = await saved_before(client, user.spotify_id, body)
                if found is not None:
                    await cache.set(key, found.model_dump_json().encode(), ttl=SAVED_TTL)
                    return found.model_copy(update={"already_saved": True})
                created = await client.create_playlist(
                    body.name, description=body.description, public=body.public
                )
                await client.add_items(
                    created["id"], [f"spotify:track:{t}" for t in body.track_ids]
                )
        except SPOTIFY_ERRORS as error:
            raise domain_error(error) from None
        url = (created.get("external_urls") or {}).get("spotify") or created.get("href", "")
        saved = PlaylistCreated(
            id=created["id"], url=str(url), name=str(created.get("name", body.name))
        )
        await cache.set(key, saved.model_dump_json().encode(), ttl=SAVED_TTL)
        return saved


async def saved_before(
    client: SpotifyClient, owner: str | None, body: PlaylistCreate
) -> PlaylistCreated | None:
    """The user's playlist called `body.name` that holds exactly `body.track_ids`, if any."""
    async for page in client.my_playlists():
        for playlist in page.items:
            if playlist.get("name") != body.name:
                continue
            if (playlist.get("owner") or {}).get("id") not in (None, owner):
                continue
            if (playlist.get("tracks") or playlist.get("items") or {}).get("total") not in (
                None,
                len(body.track_ids),
            ):
                continue
            held: list[str] = []
            async for items in client.playlist_items(str(playlist["id"])):
                for entry in items.items:
                    track = entry.get("track") or entry.get("item") or {}
                    held.append(str(track.get("id")))
            if held == body.track_ids:
                url = (playlist.get("external_urls") or {}).get("spotify") or playlist.get(
                    "href", ""
                )
                return PlaylistCreated(id=str(playlist["id"]), url=str(url), name=body.name)
    return None


async def on_spotify(settings: Settings, cache: Cache, token: str, playlist_id: str) -> bool:
    """Whether Spotify knows a playlist of that id (for this user); other failures raise."""
    try:
        async with SpotifyClient(settings, token, cache=cache) as client:
            await client.playlist(playlist_id)
    except SpotifyNotFound:
        return False
    except SPOTIFY_ERRORS as error:
        raise domain_error(error) from None
    return True
