"""Deezer: related artists and their top tracks, found from a seed artist or track.

Deezer's public API needs no key: `GET /search/artist?q=` finds a seed artist by name,
`GET /track/isrc:{isrc}` a seed track (with its 30 s `preview` and `bpm`), then
`GET /artist/{id}/related` and `GET /artist/{id}/top`. Errors arrive as HTTP 200 with
`{"error": {"type", "message", "code"}}`: code 4 is its quota (50 requests per 5 s),
800 "no data". Tracks map back to Spotify by title and artist.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from resonance.discover.http import ProviderHttp, ProviderNotFound
from resonance.discover.mapping import SpotifyMapper
from resonance.discover.providers import Candidate, Provenance, ProviderFailed, Seed

QUOTA_CODE = 4
NO_DATA_CODE = 800
QUOTA_WINDOW_SECONDS = 5.0  # Deezer's quota: 50 requests per 5 seconds
TOP_TRACKS_PER_ARTIST = 2


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


class DeezerProvider:
    """Candidates from Deezer's related artists (artist and track seeds)."""

    name = "deezer"

    def __init__(self, http: ProviderHttp, mapper: SpotifyMapper, *, per_seed: int) -> None:
        self.http = http
        http.answer_check = self.check
        self.mapper = mapper
        self.per_seed = per_seed

    def accepts(self, seed: Seed) -> bool:
        return seed.kind == "artist" or (seed.kind == "track" and bool(seed.isrc))

    def check(self, path: str, body: Any) -> float | None:
        """Deezer's errors come as 200 with an error object (`ProviderHttp.answer_check`)."""
        if not isinstance(body, dict):
            raise ProviderFailed(self.name, f"{path} answered {type(body).__name__}, not an object")
        error = body.get("error")
        if not isinstance(error, dict):
            return None
        if error.get("code") == QUOTA_CODE:
            return QUOTA_WINDOW_SECONDS
        if error.get("code") == NO_DATA_CODE:
            raise ProviderNotFound(path)
        raise ProviderFailed(self.name, f"{path}: {error.get('message') or 'an error'}")

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = await self.http.get(path, params)
        return body

    def _data(self, body: dict[str, Any], path: str) -> list[dict[str, Any]]:
        data = body.get("data")
        if not isinstance(data, list):
            raise ProviderFailed(self.name, f"{path} answered without a data list")
        return [d for d in data if isinstance(d, dict) and d.get("id") is not None]

    async def _seed_artist(self, seed: Seed) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """The seed's Deezer artist, and what the seed lookup told about it."""
        if seed.kind == "track" and seed.isrc:
            track = await self._get(f"/track/isrc:{seed.isrc.upper()}")
            artist = track.get("artist")
            evidence = {"seed_track": track.get("title"), "seed_bpm": track.get("bpm")}
            return (artist if isinstance(artist, dict) else None), evidence
        found = self._data(
            await self._get("/search/artist", {"q": seed.label, "limit": 5}), "search"
        )
        exact = [a for a in found if _plain(str(a.get("name") or "")) == _plain(seed.label)]
        return (exact[0] if exact else None), {}

    async def candidates(self, seed: Seed) -> AsyncIterator[list[Candidate]]:
        try:
            artist, seen = await self._seed_artist(seed)
        except ProviderNotFound:
            return
        if artist is None or artist.get("id") is None:
            return
        path = f"/artist/{int(artist['id'])}/related"
        try:
            related = self._data(await self._get(path, {"limit": self.per_seed}), path)
        except ProviderNotFound:
            return
        for rank, other in enumerate(related[: self.per_seed], start=1):
            top_path = f"/artist/{int(other['id'])}/top"
            try:
                body = await self._get(top_path, {"limit": TOP_TRACKS_PER_ARTIST})
            except ProviderNotFound:
                continue
            batch = []
            for item in self._data(body, top_path)[:TOP_TRACKS_PER_ARTIST]:
                title = str(item.get("title") or "")
                mapped = await self.mapper.find(None, title, str(other.get("name") or ""))
                if mapped is None:
                    continue
                evidence = (
                    seen
                    | mapped.evidence
                    | {
                        "related_artist": other.get("name"),
                        "related_rank": rank,
                        "seed_artist": artist.get("name"),
                        "deezer_track_id": item.get("id"),
                        "has_preview": bool(item.get("preview")),
                    }
                )
                batch.append(
                    Candidate(mapped.track, Provenance(self.name, seed, "related_artist", evidence))
                )
            yield batch
