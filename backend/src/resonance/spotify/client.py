"""The Web API client: endpoints, paging, batch reads by quota mode."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from resonance.cache import Cache
from resonance.settings import Settings
from resonance.spotify.errors import SpotifyForbidden, SpotifyNotFound
from resonance.spotify.mode import Mode, QuotaModes
from resonance.spotify.transport import Transport, limiter_for

PAGE = 50  # the most Spotify allows per page on every paged endpoint we use
ADD_CHUNK = 100  # items per POST /playlists/{id}/items
BATCH = {"tracks": 50, "artists": 50, "audio-features": 100}


@dataclass(slots=True)
class Page:
    """One page of an offset-paged list."""

    items: list[dict[str, Any]]
    offset: int
    total: int | None
    next_url: str | None

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.items)


class SpotifyClient:
    """Calls the Web API as one user (their access token) for one app.

    Parameters
    ----------
    settings
        Base URLs, retry and rate-limit caps, the concurrency limit, the quota mode.
    access_token
        The user's token; it is sent in the Authorization header only.
    cache
        Where the detected quota mode is remembered across processes (optional).
    """

    def __init__(
        self,
        settings: Settings,
        access_token: str,
        *,
        cache: Cache | None = None,
        http: httpx.AsyncClient | None = None,
        backoff_base: float = 0.5,
    ) -> None:
        self.api_url = settings.api_url
        self._token = access_token
        app_key = f"{self.api_url}|{settings.spotify_client_id or ''}"
        self.modes = QuotaModes(app_key, forced=settings.spotify_quota_mode, cache=cache)
        self._detect = asyncio.Lock()
        self._own_http = http is None
        self.http = http or httpx.AsyncClient(
            timeout=settings.spotify_timeout,
            limits=httpx.Limits(max_connections=settings.spotify_max_concurrency * 2),
        )
        self.transport = Transport(
            self.http,
            limiter_for(app_key, settings.spotify_max_concurrency),
            max_retry_after=settings.spotify_max_retry_after,
            max_retries=settings.spotify_max_retries,
            backoff_base=backoff_base,
        )

    def __repr__(self) -> str:
        return f"SpotifyClient(api_url={self.api_url!r})"

    async def __aenter__(self) -> SpotifyClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_http:
            await self.http.aclose()

    @property
    def requests(self) -> int:
        return self.transport.requests

    # --- plumbing ----------------------------------------------------------

    async def get(self, path: str, endpoint: str, params: dict[str, Any] | None = None) -> Any:
        url = path if path.startswith("http") else f"{self.api_url}{path}"
        return await self.transport.send(
            "GET", url, endpoint=endpoint, token=self._token, params=params
        )

    async def post(self, path: str, endpoint: str, body: Any) -> Any:
        return await self.transport.send(
            "POST", f"{self.api_url}{path}", endpoint=endpoint, token=self._token, json=body
        )

    async def pages(
        self, path: str, endpoint: str, *, offset: int = 0, limit: int = PAGE
    ) -> AsyncIterator[Page]:
        """Offset pages from `offset` on, following `next` until it is null."""
        body = await self.get(path, endpoint, {"limit": limit, "offset": offset})
        while True:
            page = Page(
                items=list(body.get("items") or []),
                offset=int(body.get("offset", offset)),
                total=body.get("total"),
                next_url=body.get("next"),
            )
            yield page
            if not page.next_url or not page.items:
                return
            offset = page.next_offset
            body = await self.get(page.next_url, endpoint)

    # --- the user and their library ---------------------------------------

    async def me(self) -> dict[str, Any]:
        """The current user; link accounts on `account_id`, not `id`."""
        result: dict[str, Any] = await self.get("/me", "/me")
        return result

    def my_playlists(self, offset: int = 0) -> AsyncIterator[Page]:
        return self.pages("/me/playlists", "/me/playlists", offset=offset)

    def saved_tracks(self, offset: int = 0) -> AsyncIterator[Page]:
        return self.pages("/me/tracks", "/me/tracks", offset=offset)

    def top_tracks(self, offset: int = 0) -> AsyncIterator[Page]:
        return self.pages("/me/top/tracks", "/me/top/tracks", offset=offset)

    async def recently_played(self, limit: int = PAGE) -> list[dict[str, Any]]:
        """Play history, newest first, following the `before` cursor while `next` is given."""
        out: list[dict[str, Any]] = []
        endpoint = "/me/player/recently-played"
        body = await self.get(endpoint, endpoint, {"limit": limit})
        while True:
            out.extend(body.get("items") or [])
            if not body.get("next") or not body.get("items"):
                return out
            body = await self.get(body["next"], endpoint)

    # --- playlists --------------------------------------------------------

    async def playlist(self, playlist_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/playlists/{playlist_id}", "/playlists/{id}")
        return result

    def playlist_items(self, playlist_id: str, offset: int = 0) -> AsyncIterator[Page]:
        """Entries (`item` holds the track); 403 → `SpotifyForbidden` (not owned/collaborative)."""
        return self.pages(f"/playlists/{playlist_id}/items", "/playlists/{id}/items", offset=offset)

    async def create_playlist(
        self, name: str, *, description: str | None = None, public: bool = False
    ) -> dict[str, Any]:
        body = {"name": name, "public": public, "description": description or ""}
        result: dict[str, Any] = await self.post("/me/playlists", "/me/playlists", body)
        return result

    async def add_items(self, playlist_id: str, uris: Sequence[str]) -> str | None:
        """Append `uris` in requests of at most 100; returns the last snapshot id."""
        snapshot: str | None = None
        for start in range(0, len(uris), ADD_CHUNK):
            body = {"uris": list(uris[start : start + ADD_CHUNK])}
            result = await self.post(
                f"/playlists/{playlist_id}/items", "/playlists/{id}/items:add", body
            )
            snapshot = (result or {}).get("snapshot_id", snapshot)
        return snapshot

    # --- single objects and search ----------------------------------------

    async def track(self, track_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/tracks/{track_id}", "/tracks/{id}")
        return result

    async def artist(self, artist_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/artists/{artist_id}", "/artists/{id}")
        return result

    async def album(self, album_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.get(f"/albums/{album_id}", "/albums/{id}")
        return result

    async def search(self, query: str, kind: str = "track", limit: int = 10) -> dict[str, Any]:
        """Search (Spotify caps `limit` at 10 since February 2026)."""
        params = {"q": query, "type": kind, "limit": min(limit, 10)}
        result: dict[str, Any] = await self.get("/search", "/search", params)
        return result

    # --- many objects: batch where the mode allows, one by one otherwise --

    async def mode(self) -> Mode | None:
        return await self.modes.mode()

    async def tracks(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        return await self._many("tracks", ids, self.track)

    async def artists(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        return await self._many("artists", ids, self.artist)

    async def _many(self, kind: str, ids: Sequence[str], single: Any) -> list[dict[str, Any]]:
        ids = list(dict.fromkeys(ids))
        out: list[dict[str, Any]] = []
        size = BATCH[kind]
        mode = await self.modes.mode()
        if mode is None and ids:
            # Detect once: concurrent callers wait for the first batch answer instead of
            # each spending a request on a 403.
            async with self._detect:
                mode = await self.modes.mode()
                if mode is None:
                    try:
                        out.extend(await self._batch(kind, ids[:size]))
                        mode = "extended"
                        ids = ids[size:]
                    except SpotifyForbidden:
                        mode = "development"
                    await self.modes.remember_mode(mode)
        if mode == "extended":
            for start in range(0, len(ids), size):
                out.extend(await self._batch(kind, ids[start : start + size]))
            return out

        async def one(object_id: str) -> dict[str, Any] | None:
            try:
                result: dict[str, Any] = await single(object_id)
                return result
            except SpotifyNotFound:
                return None

        # The semaphore in the transport bounds how many of these are in flight.
        results = await asyncio.gather(*(one(i) for i in ids))
        return out + [r for r in results if r]

    async def _batch(self, kind: str, ids: list[str]) -> list[dict[str, Any]]:
        body = await self.get(f"/{kind}", f"/{kind}?ids", {"ids": ",".join(ids)})
        return [obj for obj in body.get(kind) or [] if obj]

    async def audio_features(self, ids: Sequence[str]) -> dict[str, dict[str, Any]] | None:
        """Features by track id, or None where the app does not get them (development mode)."""
        if await self.modes.features_available() is False:
            return None
        out: dict[str, dict[str, Any]] = {}
        ids = list(dict.fromkeys(ids))
        try:
            for start in range(0, len(ids), BATCH["audio-features"]):
                chunk = ids[start : start + BATCH["audio-features"]]
                body = await self.get(
                    "/audio-features", "/audio-features?ids", {"ids": ",".join(chunk)}
                )
                for item in body.get("audio_features") or []:
                    if item and item.get("id"):
                        out[item["id"]] = item
        except SpotifyForbidden:
            await self.modes.remember_features(False)
            return None
        if ids:
            await self.modes.remember_features(True)
        return out
