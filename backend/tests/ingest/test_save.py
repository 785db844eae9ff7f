"""Saving a list as a playlist is idempotent from one process to the next.

Each `MemoryCache` here stands for a new process (a second `resonance recommend
--save` run, an API restart): the remembered answer is gone, and the user's own
playlists on Spotify (the sandbox) are what show the list was saved before.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from resonance.cache import MemoryCache
from resonance.catalog import CurrentUserInfo
from resonance.ingest import PlaylistCreate, save_playlist
from tests.spotify.fixtures import sandbox_settings
from tests.spotify.sandbox_server import SandboxServer


async def test_a_second_run_finds_the_playlist_the_first_run_made(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    settings = sandbox_settings(sandbox, tmp_path)
    token = sandbox.token("demo")
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as spotify:
        me = (await spotify.get(f"{sandbox.api}/me")).json()
        saved = (await spotify.get(f"{sandbox.api}/me/tracks", params={"limit": 30})).json()
    user = CurrentUserInfo(1, me["id"], me.get("display_name"), token)
    track_ids = [item["track"]["id"] for item in saved["items"]]
    body = PlaylistCreate(name="Resonance · Jazz mix", track_ids=track_ids)

    first = await save_playlist(settings, MemoryCache(), user, body)
    count = len(sandbox.stats()["playlists"])
    second = await save_playlist(settings, MemoryCache(), user, body)
    assert first.already_saved is False and second.already_saved is True
    assert second.id == first.id
    assert len(sandbox.stats()["playlists"]) == count

    # Same name, other tracks (or the same tracks in another order): a new playlist.
    reordered = body.model_copy(update={"track_ids": track_ids[::-1]})
    third = await save_playlist(settings, MemoryCache(), user, reordered)
    assert third.already_saved is False and third.id != first.id
