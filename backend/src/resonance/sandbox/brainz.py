"""ListenBrainz labs similarity and MusicBrainz lookups over the demo world.

- `GET /listenbrainz-labs/similar-artists/json?artist_mbids=…&algorithm=…`
- `GET /listenbrainz-labs/similar-recordings/json?recording_mbids=…&algorithm=…`
- `GET /musicbrainz/ws/2/isrc/{isrc}?fmt=json`, `…/recording/{mbid}?inc=isrcs&fmt=json`,
  `…/artist?query=artist:"…"&fmt=json`

MusicBrainz refuses requests without a meaningful User-Agent (403) and, with the
`min_interval` switch, answers 503 to clients faster than one request a second.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from resonance.sandbox.open_guard import Answered, http_rate_limited, service_guard
from resonance.sandbox.open_index import mbid, plain
from resonance.sandbox.runtime import sandbox_of

SIMILAR_LIMIT = 100  # the published datasets keep 100 neighbours
_ANONYMOUS = re.compile(r"^(python-|curl/|Mozilla/|$)", re.IGNORECASE)

_lb_limited = http_rate_limited(429, {"code": 429, "error": "Too many requests."})
_mb_limited = http_rate_limited(
    503,
    {
        "error": "Your requests are exceeding the allowable rate limit. Please see "
        "https://wiki.musicbrainz.org/MusicBrainz_API/Rate_Limiting for more information."
    },
)
_lb_switches = service_guard("listenbrainz", _lb_limited)
_mb_switches = service_guard("musicbrainz", _mb_limited)


async def _labs_rules(request: Request) -> None:
    if not request.query_params.get("algorithm"):
        raise Answered(JSONResponse({"error": "algorithm is required"}, status_code=400))
    await _lb_switches(request)


async def _musicbrainz_rules(request: Request) -> None:
    if _ANONYMOUS.match(request.headers.get("user-agent", "")):
        message = "Anonymous user agents are blocked: set a meaningful User-Agent."
        raise Answered(JSONResponse({"error": message}, status_code=403))
    if request.query_params.get("fmt") != "json" and "json" not in request.headers.get(
        "accept", ""
    ):
        raise Answered(Response("<metadata/>", media_type="application/xml"))  # its default
    await _mb_switches(request)


labs = APIRouter(prefix="/listenbrainz-labs", dependencies=[Depends(_labs_rules)])
musicbrainz = APIRouter(prefix="/musicbrainz/ws/2", dependencies=[Depends(_musicbrainz_rules)])


def _not_found() -> JSONResponse:
    return JSONResponse({"error": "Not Found", "help": "For usage, please see the docs"}, 404)


def _similar(
    request: Request, param: str, table: dict[str, str], similar: Callable[[str], list[Any]]
) -> list[dict[str, Any]]:
    """Rows for every known MBID in `param`, each with its `reference_mbid`."""
    rows = []
    for reference in request.query_params.get(param, "").split(","):
        found = table.get(reference.strip())
        if found is not None:
            rows += [row | {"reference_mbid": reference.strip()} for row in similar(found)]
    return rows


@labs.get("/similar-artists/json")
async def similar_artists(request: Request) -> Any:
    index = sandbox_of(request).open_index

    def rows(artist_id: str) -> list[dict[str, Any]]:
        similar = index.similar_artists(index.world.artists[artist_id], SIMILAR_LIMIT)
        return [
            {
                "artist_mbid": mbid("artist", other.id),
                "name": other.name,
                "comment": "",
                "type": "Group",
                "gender": None,
                "score": int(score * 10_000),
            }
            for other, score in similar
        ]

    return _similar(request, "artist_mbids", index.artist_by_mbid, rows)


@labs.get("/similar-recordings/json")
async def similar_recordings(request: Request) -> Any:
    index = sandbox_of(request).open_index
    world = index.world

    def rows(track_id: str) -> list[dict[str, Any]]:
        similar = index.similar_tracks(world.tracks[track_id], SIMILAR_LIMIT)
        return [
            {
                "recording_mbid": mbid("recording", other.id),
                "recording_name": other.name,
                "artist_credit_name": world.artists[other.artist_ids[0]].name,
                "artist_credit_mbids": [mbid("artist", a) for a in other.artist_ids],
                "score": int(score * 10_000),
            }
            for other, score in similar
        ]

    return _similar(request, "recording_mbids", index.track_by_mbid, rows)


def _recording(request: Request, track_id: str, *, isrcs: bool) -> dict[str, Any]:
    world = sandbox_of(request).world
    track = world.tracks[track_id]
    body: dict[str, Any] = {
        "id": mbid("recording", track.id),
        "title": track.name,
        "length": track.duration_ms,
        "video": False,
        "disambiguation": "",
        "artist-credit": [
            {
                "name": world.artists[a].name,
                "joinphrase": "",
                "artist": {"id": mbid("artist", a), "name": world.artists[a].name},
            }
            for a in track.artist_ids
        ],
    }
    if isrcs:
        body["isrcs"] = [track.isrc]
    return body


@musicbrainz.get("/isrc/{isrc}")
async def isrc_lookup(request: Request, isrc: str) -> Any:
    track_id = sandbox_of(request).world.by_isrc.get(isrc.upper())
    if track_id is None:
        return _not_found()
    return {"isrc": isrc.upper(), "recordings": [_recording(request, track_id, isrcs=False)]}


@musicbrainz.get("/recording/{recording_mbid}")
async def recording(request: Request, recording_mbid: str) -> Any:
    track_id = sandbox_of(request).open_index.track_by_mbid.get(recording_mbid)
    if track_id is None:
        return _not_found()
    inc = request.query_params.get("inc", "").split("+")
    return _recording(request, track_id, isrcs="isrcs" in inc)


@musicbrainz.get("/artist")
async def artist_search(request: Request) -> Any:
    query = request.query_params.get("query", "")
    match = re.fullmatch(r'\s*artist:\s*"?([^"]*)"?\s*', query)
    if not match:
        return JSONResponse({"error": "Invalid query"}, status_code=400)
    index = sandbox_of(request).open_index
    found = index.artist_by_name.get(plain(match.group(1)))
    artists = []
    if found is not None:
        artist = index.world.artists[found]
        artists.append(
            {
                "id": mbid("artist", artist.id),
                "type": "Group",
                "score": 100,
                "name": artist.name,
                "sort-name": artist.name,
                "tags": [{"count": 1, "name": g} for g in artist.genres],
            }
        )
    return {
        "created": "2026-01-01T00:00:00.000Z",
        "count": len(artists),
        "offset": 0,
        "artists": artists,
    }


router = APIRouter(include_in_schema=False)
router.include_router(labs)
router.include_router(musicbrainz)
