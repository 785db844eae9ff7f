"""Deezer's public API over the demo world: artists, related artists, top tracks, ISRCs.

- `GET /deezer/search/artist?q=…`, `/deezer/artist/{id}/related`, `/deezer/artist/{id}/top`
- `GET /deezer/search?q=artist:"…" track:"…"` (advanced search, for tracks without an ISRC)
- `GET /deezer/track/isrc:{isrc}`: the track with its 30 s `preview` (the sandbox
  synthesiser's) and `bpm`.

Errors as Deezer sends them: HTTP 200 with `{"error": {"type", "message", "code"}}`,
800 "no data" for an unknown id, 4 "Quota limit exceeded" for the rate limit.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from resonance.sandbox.model import Artist, Track
from resonance.sandbox.open_guard import Answered, service_guard
from resonance.sandbox.open_index import deezer_id, plain
from resonance.sandbox.runtime import sandbox_of


def _error(kind: str, message: str, code: int) -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message, "code": code}})


def _quota(_: float) -> Response:
    return _error("Exception", "Quota limit exceeded", 4)


router = APIRouter(
    prefix="/deezer",
    include_in_schema=False,
    dependencies=[Depends(service_guard("deezer", _quota))],
)


def _no_data() -> JSONResponse:
    return _error("DataException", "no data", 800)


def _artist(artist: Artist) -> dict[str, Any]:
    did = deezer_id(artist.id)
    return {
        "id": did,
        "name": artist.name,
        "link": f"https://www.deezer.com/artist/{did}",
        "nb_fan": 0,
        "radio": True,
        "type": "artist",
    }


def _track(request: Request, track: Track, *, full: bool = False) -> dict[str, Any]:
    sandbox = sandbox_of(request)
    world = sandbox.world
    base = str(request.base_url).rstrip("/")
    album = world.albums[track.album_id]
    body: dict[str, Any] = {
        "id": deezer_id(track.id),
        "readable": True,
        "title": track.name,
        "title_short": track.name,
        "link": f"https://www.deezer.com/track/{deezer_id(track.id)}",
        "duration": track.duration_ms // 1000,
        "rank": 0,
        "explicit_lyrics": track.explicit,
        "preview": f"{base}/previews/{track.id}" if sandbox.render is not None else "",
        "artist": _artist(world.artists[track.artist_ids[0]]),
        "album": {"id": deezer_id(album.id), "title": album.name, "type": "album"},
        "type": "track",
    }
    if full:
        body |= {
            "isrc": track.isrc,
            "track_position": track.track_number,
            "release_date": album.release_date,
            "bpm": round(float(track.features.get("tempo", 0.0)), 1),
        }
    return body


def _limit(request: Request, default: int) -> int:
    try:
        return max(1, min(int(request.query_params.get("limit", default)), 100))
    except ValueError:
        return default


_FIELD = re.compile(r'(artist|track):"([^"]*)"')


@router.get("/search")
async def search_tracks(request: Request) -> Any:
    """Advanced search, `q=artist:"…" track:"…"`: exact (case-blind) title and artist."""
    fields = dict(_FIELD.findall(request.query_params.get("q", "")))
    index = sandbox_of(request).open_index
    artist_id = index.artist_by_name.get(plain(fields.get("artist", "")))
    title = plain(fields.get("track", ""))
    hits = [
        index.world.tracks[t]
        for t in index.tracks_by_artist.get(artist_id or "", [])
        if not title or plain(index.world.tracks[t].name) == title
    ][: _limit(request, 25)]
    return {"data": [_track(request, t) for t in hits], "total": len(hits)}


@router.get("/search/artist")
async def search_artist(request: Request) -> Any:
    index = sandbox_of(request).open_index
    found = index.artist_by_name.get(plain(request.query_params.get("q", "")))
    data = [_artist(index.world.artists[found])] if found else []
    return {"data": data, "total": len(data)}


def _known_artist(request: Request, artist_id: int) -> str:
    """The world's artist behind a Deezer artist id; Deezer's "no data" otherwise."""
    found = sandbox_of(request).open_index.artist_by_deezer.get(artist_id)
    if found is None:
        raise Answered(_no_data())
    return found


@router.get("/artist/{artist_id}/related")
async def related(request: Request, artist_id: int) -> Any:
    index = sandbox_of(request).open_index
    artist = index.world.artists[_known_artist(request, artist_id)]
    similar = index.similar_artists(artist, _limit(request, 20))
    return {"data": [_artist(a) for a, _ in similar], "total": len(similar)}


@router.get("/artist/{artist_id}/top")
async def top(request: Request, artist_id: int) -> Any:
    index = sandbox_of(request).open_index
    tracks = index.top_tracks(_known_artist(request, artist_id), _limit(request, 5))
    return {"data": [_track(request, t) for t in tracks], "total": len(tracks)}


@router.get("/track/isrc:{isrc}")
async def track_by_isrc(request: Request, isrc: str) -> Any:
    world = sandbox_of(request).world
    track_id = world.by_isrc.get(isrc.upper())
    if track_id is None:
        return _no_data()
    return _track(request, world.tracks[track_id], full=True)
