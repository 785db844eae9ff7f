"""Last.fm's web service over the demo world: `GET /lastfm/2.0/?method=…&api_key=…`.

`track.getSimilar`, `artist.getSimilar` and `tag.getTopTracks`, JSON with
`format=json`. Errors as Last.fm sends them: `{"error": code, "message"}` — 10 for a
bad key (403), 6 for an unknown artist or track, 29 for the rate limit (429).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from resonance.sandbox.model import Track
from resonance.sandbox.open_guard import service_guard
from resonance.sandbox.open_index import mbid, plain
from resonance.sandbox.runtime import sandbox_of
from resonance.settings import SANDBOX_LASTFM_KEY

WEB = "https://www.last.fm/music"


def _error(code: int, message: str, status: int = 200) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


def _rate_limited(_: float) -> Response:
    return _error(29, "Rate Limit Exceeded", 429)


router = APIRouter(
    include_in_schema=False, dependencies=[Depends(service_guard("lastfm", _rate_limited))]
)


def _limit(request: Request) -> int:
    try:
        return max(1, min(int(request.query_params.get("limit", 50)), 1000))
    except ValueError:
        return 50


def _track(request: Request, track: Track, **extra: Any) -> dict[str, Any]:
    world = sandbox_of(request).world
    artist = world.artists[track.artist_ids[0]]
    return {
        "name": track.name,
        "mbid": mbid("recording", track.id),
        "url": f"{WEB}/{artist.name.replace(' ', '+')}/_/{track.name.replace(' ', '+')}",
        "duration": track.duration_ms // 1000,
        "artist": {
            "name": artist.name,
            "mbid": mbid("artist", artist.id),
            "url": f"{WEB}/{artist.name.replace(' ', '+')}",
        },
        **extra,
    }


@router.get("/lastfm/2.0/")
async def web_service(request: Request) -> Any:
    params = request.query_params
    if params.get("api_key") != SANDBOX_LASTFM_KEY:
        return _error(10, "Invalid API key - You must be granted a valid key by last.fm", 403)
    index = sandbox_of(request).open_index
    world = index.world
    method = (params.get("method") or "").lower()
    limit = _limit(request)
    artist_id = index.artist_by_name.get(plain(params.get("artist", "")))
    if method == "artist.getsimilar":
        if artist_id is None:
            return _error(6, "The artist you supplied could not be found")
        similar = index.similar_artists(world.artists[artist_id], limit)
        items = [
            {
                "name": a.name,
                "mbid": mbid("artist", a.id),
                "match": f"{score:.6f}",
                "url": f"{WEB}/{a.name.replace(' ', '+')}",
                "streamable": "0",
            }
            for a, score in similar
        ]
        return {
            "similarartists": {"artist": items, "@attr": {"artist": world.artists[artist_id].name}}
        }
    if method == "track.getsimilar":
        wanted = plain(params.get("track", ""))
        track = next(
            (
                world.tracks[t]
                for t in index.tracks_by_artist.get(artist_id or "", [])
                if plain(world.tracks[t].name) == wanted
            ),
            None,
        )
        if track is None:
            return _error(6, "Track not found")
        items = [
            _track(request, t, match=score, playcount=0)
            for t, score in index.similar_tracks(track, limit)
        ]
        return {
            "similartracks": {
                "track": items,
                "@attr": {"artist": world.artists[artist_id or ""].name},
            }
        }
    if method == "tag.gettoptracks":
        tag = params.get("tag", "")
        try:
            page = max(1, int(params.get("page", 1)))
        except ValueError:
            page = 1
        tracks, total = index.tag_tracks(tag, limit, page)
        items = [
            _track(request, t, **{"@attr": {"rank": str((page - 1) * limit + i)}})
            for i, t in enumerate(tracks, start=1)
        ]
        attr = {
            "tag": tag,
            "page": str(page),
            "perPage": str(limit),
            "totalPages": str(-(-total // limit)),
            "total": str(total),
        }
        return {"tracks": {"track": items, "@attr": attr}}
    return _error(3, "Invalid Method - No method with that name in this package", 400)
