"""Last.fm: similar tracks, similar artists and a tag's top tracks.

`GET {base}/?method=track.getSimilar|artist.getSimilar|tag.getTopTracks&api_key=…&
format=json`. The key is a secret of the operator: it goes only into the request's
query, never into cache keys, messages or provenance. Errors come as
`{"error": code, "message"}` (often with HTTP 4xx): 29 is the rate limit, 10 and 26 a
bad or suspended key, 6 "not found", 11 and 16 a temporary outage. Attribution: the
evidence keeps each item's Last.fm URL, which the explanation can link.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from resonance.discover.http import ProviderHttp, ProviderNotFound, field_list
from resonance.discover.mapping import SpotifyMapper
from resonance.discover.providers import Candidate, Provenance, ProviderFailed, Seed

RATE_LIMIT = 29
BAD_KEY = frozenset({10, 26})
NOT_FOUND = 6
TEMPORARY = frozenset({11, 16})
# Last.fm publishes no Retry-After; its guidance is a few requests a second, so a
# rate-limited answer waits this long (more than the default job wait: it stops).
RATE_LIMIT_WAIT_SECONDS = 60.0
TRACKS_PER_SIMILAR_ARTIST = 2


class LastfmProvider:
    """Candidates from Last.fm for track, artist and genre (tag) seeds."""

    name = "lastfm"

    def __init__(
        self, http: ProviderHttp, mapper: SpotifyMapper, *, api_key: str, per_seed: int
    ) -> None:
        self.http = http
        http.answer_check = self.check
        http.json_errors = True
        http.secret_params = frozenset({"api_key"})
        self.mapper = mapper
        self.api_key = api_key
        self.per_seed = per_seed

    def accepts(self, seed: Seed) -> bool:
        return seed.kind in ("artist", "genre") or (seed.kind == "track" and bool(seed.artist))

    def check(self, path: str, body: Any) -> float | None:
        if not isinstance(body, dict):
            raise ProviderFailed(self.name, "an answer that is not an object")
        code = body.get("error")
        if code is None:
            return None
        if code == RATE_LIMIT:
            return RATE_LIMIT_WAIT_SECONDS
        if code == NOT_FOUND:
            raise ProviderNotFound(path)
        if code in BAD_KEY:
            raise ProviderFailed(self.name, "the Last.fm API key is invalid or suspended")
        if code in TEMPORARY:
            raise ProviderFailed(self.name, "Last.fm is temporarily unavailable")
        raise ProviderFailed(self.name, f"Last.fm error {code}: {body.get('message', '')}"[:200])

    async def _call(self, method: str, **params: Any) -> Any:
        query = {"method": method, "format": "json", "api_key": self.api_key, **params}
        try:
            return await self.http.get("/", query)
        except ProviderNotFound:
            return None

    def _list(self, body: Any, *keys: str) -> list[dict[str, Any]]:
        if body is None:
            return []
        try:
            return field_list(body, *keys)
        except ValueError as error:
            raise ProviderFailed(self.name, str(error)) from error

    async def candidates(self, seed: Seed) -> AsyncIterator[list[Candidate]]:
        if seed.kind == "track" and seed.artist:
            body = await self._call(
                "track.getSimilar", artist=seed.artist, track=seed.label, limit=self.per_seed
            )
            items = self._list(body, "similartracks", "track")
            yield await self._tracks(seed, items, "similar_track")
        elif seed.kind == "genre":
            body = await self._call("tag.getTopTracks", tag=seed.ref, limit=self.per_seed)
            yield await self._tracks(seed, self._list(body, "tracks", "track"), "tag_top_track")
        elif seed.kind == "artist":
            body = await self._call("artist.getSimilar", artist=seed.label, limit=self.per_seed)
            for item in self._list(body, "similarartists", "artist")[: self.per_seed]:
                name = str(item.get("name") or "")
                evidence = {"similar_artist": name, "match": _number(item.get("match"))}
                evidence["url"] = item.get("url")
                batch = [
                    Candidate(
                        track,
                        Provenance(self.name, seed, "similar_artist", evidence | {"artist": name}),
                    )
                    for track in await self.mapper.artist_tracks(name, TRACKS_PER_SIMILAR_ARTIST)
                ]
                yield batch

    async def _tracks(
        self, seed: Seed, items: list[dict[str, Any]], relation: str
    ) -> list[Candidate]:
        out = []
        for rank, item in enumerate(items[: self.per_seed], start=1):
            artist = item.get("artist")
            artist_name = str((artist or {}).get("name") or "") if isinstance(artist, dict) else ""
            title = str(item.get("name") or "")
            evidence = {"rank": rank, "match": _number(item.get("match")), "url": item.get("url")}
            found = Provenance(self.name, seed, relation, evidence)
            candidate = await self.mapper.candidate(None, title, artist_name, found)
            if candidate is not None:
                out.append(candidate)
        return out


def _number(value: Any) -> float | None:
    try:
        return round(float(value), 4)
    except (TypeError, ValueError):
        return None
