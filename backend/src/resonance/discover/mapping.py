"""Tracks found outside Spotify, mapped back to Spotify ids so they can be saved.

By ISRC first (`search q=isrc:…`); an ISRC can name several Spotify tracks (an album
and its deluxe edition, a single and the album): the pick is deterministic and the
evidence says how many there were. Without an ISRC, or when it maps to nothing, a
`track:"…" artist:"…"` search whose hit has the same title and artist.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from resonance.catalog import TrackIn
from resonance.discover.cached import CachedSpotify
from resonance.discover.providers import Candidate, Provenance
from resonance.discover.spotify_provider import track_in

SEARCH_LIMIT = 10
ISRC_PICK_RULE = "the earliest release, then the album before a single, then the smallest id"


@dataclass(slots=True)
class Mapped:
    """A Spotify track for something another service named, and how it was found."""

    track: TrackIn
    evidence: dict[str, Any] = field(default_factory=dict)


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join("".join(c if c.isalnum() else " " for c in folded.lower()).split())


def _quoted(text: str) -> str:
    return text.replace('"', " ").strip()


def pick_isrc_match(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The one Spotify track an ISRC maps to when it maps to several (`ISRC_PICK_RULE`)."""

    def rank(obj: dict[str, Any]) -> tuple[str, int, str]:
        album = obj.get("album") or {}
        single = 0 if album.get("album_type") == "album" else 1
        return (str(album.get("release_date") or "9999"), single, str(obj.get("id")))

    return min(items, key=rank)


class SpotifyMapper:
    """Maps (ISRC, title, artist) to a Spotify track with Spotify's search."""

    def __init__(self, api: CachedSpotify) -> None:
        self.api = api

    async def _search(self, query: str) -> list[dict[str, Any]]:
        body = await self.api.get(
            "/search", "/search", {"q": query, "type": "track", "limit": SEARCH_LIMIT}
        )
        tracks = body.get("tracks")
        items = tracks.get("items") if isinstance(tracks, dict) else None
        return [i for i in items or [] if isinstance(i, dict) and i.get("id")]

    async def by_isrc(self, isrc: str) -> Mapped | None:
        items = await self._search(f"isrc:{isrc.upper()}")
        if not items:
            return None
        chosen = pick_isrc_match(items)
        track = track_in(chosen)
        if track is None:
            return None
        evidence: dict[str, Any] = {"mapped_by": "isrc", "isrc": isrc.upper()}
        if len(items) > 1:
            evidence |= {
                "isrc_matches": len(items),
                "isrc_candidates": sorted(str(i["id"]) for i in items),
                "isrc_pick": ISRC_PICK_RULE,
            }
        return Mapped(track, evidence)

    async def by_name(self, title: str, artist: str) -> Mapped | None:
        items = await self._search(f'track:"{_quoted(title)}" artist:"{_quoted(artist)}"')
        want_title, want_artist = _plain(title), _plain(artist)
        for obj in items:
            names = [_plain(str(a.get("name") or "")) for a in obj.get("artists") or []]
            if _plain(str(obj.get("name") or "")) == want_title and want_artist in names:
                track = track_in(obj)
                if track is not None:
                    return Mapped(track, {"mapped_by": "title and artist"})
        return None

    async def find(self, isrc: str | None, title: str, artist: str) -> Mapped | None:
        """By ISRC when there is one, else (or when it maps to nothing) by name."""
        if isrc:
            mapped = await self.by_isrc(isrc)
            if mapped is not None:
                return mapped
        return await self.by_name(title, artist) if title and artist else None

    async def candidate(
        self, isrc: str | None, title: str, artist: str, found: Provenance
    ) -> Candidate | None:
        """A recording another service `found`, as a Spotify candidate (None when it maps to
        nothing). Its evidence holds the mapping's, the title and artist, then the finder's."""
        mapped = await self.find(isrc, title, artist)
        if mapped is None:
            return None
        evidence = mapped.evidence | {"title": title, "artist": artist} | found.evidence
        return Candidate(mapped.track, replace(found, evidence=evidence))

    async def artist_tracks(self, artist: str, limit: int) -> list[TrackIn]:
        """Tracks by exactly `artist` (an artist another service says is similar)."""
        items = await self._search(f'artist:"{_quoted(artist)}"')
        want = _plain(artist)
        out = []
        for obj in items:
            if want in [_plain(str(a.get("name") or "")) for a in obj.get("artists") or []]:
                track = track_in(obj)
                if track is not None:
                    out.append(track)
        return out[:limit]
