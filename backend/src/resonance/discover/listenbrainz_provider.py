"""ListenBrainz similar artists and recordings (CC0), keyed by MusicBrainz ids.

MusicBrainz turns seeds into MBIDs: `GET /ws/2/isrc/{isrc}?fmt=json` for a track seed,
`GET /ws/2/artist?query=artist:"…"&fmt=json` for an artist seed, and
`GET /ws/2/recording/{mbid}?inc=isrcs&fmt=json` gives a similar recording's ISRCs for
the way back to Spotify. MusicBrainz allows one request per second per client and
refuses anonymous ones: the `ProviderHttp` for it keeps the interval and sends the
configured User-Agent. The ListenBrainz labs API answers
`GET /similar-artists/json?artist_mbids=…&algorithm=…` and
`GET /similar-recordings/json?recording_mbids=…&algorithm=…` with a list of rows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from resonance.discover.http import ProviderHttp, ProviderNotFound
from resonance.discover.mapping import SpotifyMapper
from resonance.discover.providers import Candidate, Provenance, ProviderFailed, Seed

# The labs API's published session-based similarity datasets.
ARTIST_ALGORITHM = (
    "session_based_days_7500_session_300_contribution_5_threshold_10_limit_100_filter_True_skip_30"
)
RECORDING_ALGORITHM = (
    "session_based_days_9000_session_300_contribution_5_threshold_15_limit_50_skip_30"
)
TRACKS_PER_SIMILAR_ARTIST = 2


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass(eq=False)  # a provider is one service client: compared by identity
class ListenBrainzProvider:
    """Candidates from ListenBrainz similarity for artist and track (ISRC) seeds."""

    name = "listenbrainz"

    labs: ProviderHttp
    musicbrainz: ProviderHttp  # ISRC → recording lookups, at MusicBrainz's 1 request/s
    mapper: SpotifyMapper
    per_seed: int = field(kw_only=True)

    def accepts(self, seed: Seed) -> bool:
        return seed.kind == "artist" or (seed.kind == "track" and bool(seed.isrc))

    async def _rows(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The labs API's rows: a plain list, or result blocks holding `data` lists."""
        try:
            body = await self.labs.get(path, params)
        except ProviderNotFound:
            return []
        if not isinstance(body, list):
            raise ProviderFailed(self.name, f"{path} answered {type(body).__name__}, not a list")
        rows: list[dict[str, Any]] = []
        for item in body:
            if isinstance(item, dict) and isinstance(item.get("data"), list):
                rows += [r for r in item["data"] if isinstance(r, dict)]
            elif isinstance(item, dict):
                rows.append(item)
        return sorted(rows, key=lambda r: -float(r.get("score") or 0))

    async def _mb(self, path: str, params: dict[str, Any]) -> dict[str, Any] | None:
        try:
            body = await self.musicbrainz.get(path, params | {"fmt": "json"})
        except ProviderNotFound:
            return None
        if not isinstance(body, dict):
            raise ProviderFailed(self.name, f"MusicBrainz {path} answered something not an object")
        return body

    async def candidates(self, seed: Seed) -> AsyncIterator[list[Candidate]]:
        if seed.kind == "artist":
            async for batch in self._similar_artists(seed):
                yield batch
        elif seed.kind == "track" and seed.isrc:
            yield await self._similar_recordings(seed, seed.isrc)

    async def _artist_mbid(self, name: str) -> str | None:
        quoted = name.replace('"', " ")
        body = await self._mb("/artist", {"query": f'artist:"{quoted}"', "limit": 5})
        for artist in (body or {}).get("artists") or []:
            if isinstance(artist, dict) and _plain(str(artist.get("name") or "")) == _plain(name):
                return str(artist["id"])
        return None

    async def _similar_artists(self, seed: Seed) -> AsyncIterator[list[Candidate]]:
        mbid = await self._artist_mbid(seed.label)
        if mbid is None:
            return
        rows = await self._rows(
            "/similar-artists/json", {"artist_mbids": mbid, "algorithm": ARTIST_ALGORITHM}
        )
        for rank, row in enumerate(
            [r for r in rows if r.get("artist_mbid") != mbid][: self.per_seed], start=1
        ):
            name = str(row.get("name") or "")
            evidence = {
                "similar_artist": name,
                "artist_mbid": row.get("artist_mbid"),
                "seed_artist_mbid": mbid,
                "score": row.get("score"),
                "rank": rank,
            }
            tracks = await self.mapper.artist_tracks(name, TRACKS_PER_SIMILAR_ARTIST)
            yield [
                Candidate(t, Provenance(self.name, seed, "similar_artist", evidence))
                for t in tracks
            ]

    async def _similar_recordings(self, seed: Seed, isrc: str) -> list[Candidate]:
        found = await self._mb(f"/isrc/{isrc.upper()}", {})
        recordings = [r for r in (found or {}).get("recordings") or [] if isinstance(r, dict)]
        if not recordings:
            return []
        mbid = str(recordings[0]["id"])
        rows = await self._rows(
            "/similar-recordings/json", {"recording_mbids": mbid, "algorithm": RECORDING_ALGORITHM}
        )
        out = []
        for rank, row in enumerate(rows[: self.per_seed], start=1):
            recording = str(row.get("recording_mbid") or "")
            if not recording or recording == mbid:
                continue
            details = await self._mb(f"/recording/{recording}", {"inc": "isrcs"})
            isrcs = sorted(str(i) for i in (details or {}).get("isrcs") or [])
            title = str(row.get("recording_name") or "")
            artist = str(row.get("artist_credit_name") or "")
            evidence = {
                "recording_mbid": recording,
                "seed_recording_mbid": mbid,
                "score": row.get("score"),
                "rank": rank,
            }
            source = Provenance(self.name, seed, "similar_track", evidence)
            first_isrc = isrcs[0] if isrcs else None
            candidate = await self.mapper.candidate(first_isrc, title, artist, source)
            if candidate is not None:
                out.append(candidate)
        return out
