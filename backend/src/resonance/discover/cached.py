"""A provider's HTTP reads: cached answers first, then a budgeted request."""

from __future__ import annotations

import contextlib
import json
from typing import Any
from urllib.parse import urlencode

import orjson

from resonance.cache import Cache
from resonance.discover.budget import Budget
from resonance.discover.providers import ProviderFailed
from resonance.spotify import SpotifyClient


class CachedSpotify:
    """GETs through the Spotify client (429 and 5xx handling included), cached by URL.

    Catalogue reads (discographies, album tracks, search) are the same for every user,
    so one cache entry serves all of them; only requests actually sent are budgeted.
    """

    def __init__(
        self, client: SpotifyClient, cache: Cache, budget: Budget, *, ttl: float, name: str
    ) -> None:
        self.client = client
        self.cache = cache
        self.budget = budget
        self.ttl = ttl
        self.name = name
        self.hits = 0
        self.garbage = 0

    async def get(self, path: str, endpoint: str, params: dict[str, Any]) -> dict[str, Any]:
        key = f"discover:{self.name}:{path}?{urlencode(sorted(params.items()))}"
        try:
            cached = await self.cache.get(key)
        except Exception:  # a cache outage costs requests, not the job
            cached = None
        if cached is not None:
            self.hits += 1
            body: Any = orjson.loads(cached)
            return dict(body)
        self.budget.spend()
        try:
            body = await self.client.get(path, endpoint, params)
        except (ValueError, json.JSONDecodeError) as error:  # not JSON at all
            self.garbage += 1
            raise ProviderFailed(self.name, f"{endpoint} answered something not JSON") from error
        if not isinstance(body, dict):
            self.garbage += 1
            raise ProviderFailed(
                self.name, f"{endpoint} answered {type(body).__name__}, not an object"
            )
        with contextlib.suppress(Exception):  # caching is an optimisation
            await self.cache.set(key, orjson.dumps(body), ttl=self.ttl)
        return body
