"""Cover images (generated SVG), preview audio (the demo synthesiser) and an ISRC lookup."""

from __future__ import annotations

import asyncio
import hashlib
import html
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from resonance.sandbox.runtime import sandbox_of

router = APIRouter(include_in_schema=False)
_rendered: dict[str, bytes] = {}


def cover_svg(key: str, label: str) -> str:
    """A small deterministic gradient cover with the object's initials."""
    digest = hashlib.sha256(key.encode()).digest()
    hue_a, hue_b = digest[0] * 360 // 256, digest[1] * 360 // 256
    initials = "".join(word[0] for word in label.split()[:2]).upper() or "?"
    return (
        "<svg xmlns='http://www.w3.org/2000/svg' width='300' height='300' viewBox='0 0 300 300'>"
        "<defs><linearGradient id='g' x1='0' y1='0' x2='1' y2='1'>"
        f"<stop offset='0' stop-color='hsl({hue_a},65%,55%)'/>"
        f"<stop offset='1' stop-color='hsl({hue_b},60%,30%)'/></linearGradient></defs>"
        "<rect width='300' height='300' fill='url(#g)'/>"
        "<text x='150' y='170' font-family='sans-serif' font-size='84' fill='white' "
        f"text-anchor='middle' opacity='0.85'>{html.escape(initials)}</text></svg>"
    )


@router.get("/covers/{name}.svg")
async def cover(request: Request, name: str) -> Response:
    world = sandbox_of(request).world
    kind, _, object_id = name.rpartition("-")
    if kind == "artist" and object_id in world.artists:
        label = world.artists[object_id].name
    elif kind == "playlist" and object_id in world.playlists:
        label = world.playlists[object_id].name
    elif not kind and object_id in world.albums:
        label = world.albums[object_id].name
    else:
        return Response(status_code=404)
    return Response(
        cover_svg(name, label),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def _sniff(data: bytes) -> str:
    if data[:4] == b"OggS":
        return "audio/ogg"
    if data[:4] == b"fLaC":
        return "audio/flac"
    if data[:3] == b"ID3" or data[:2] == b"\xff\xfb":
        return "audio/mpeg"
    return "audio/wav"


@router.get("/previews/{track_id}")
async def preview(request: Request, track_id: str) -> Response:
    sandbox = sandbox_of(request)
    track = sandbox.world.tracks.get(track_id)
    if track is None or sandbox.render is None:
        return Response(status_code=404)
    data = _rendered.get(track_id)
    if data is None:
        # Rendering costs CPU; keep recent ones so repeated fetches are cheap and identical.
        # Off the event loop: /api/token and the Web API must not wait behind synthesis.
        data = await asyncio.to_thread(sandbox.render, track_id, track.genre)
        if len(_rendered) >= 256:
            _rendered.pop(next(iter(_rendered)))
        _rendered[track_id] = data
    return Response(
        data, media_type=_sniff(data), headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/provider/track/isrc:{isrc}")
async def provider_lookup(request: Request, isrc: str) -> JSONResponse:
    """Deezer-style `GET /track/isrc:{isrc}` → `{"id", "preview"}` for the preview provider."""
    sandbox = sandbox_of(request)
    track_id = sandbox.world.by_isrc.get(isrc.upper())
    if track_id is None:
        body: dict[str, Any] = {
            "error": {"type": "DataException", "message": "no data", "code": 800}
        }
        return JSONResponse(body, status_code=404)
    base = str(request.base_url).rstrip("/")
    preview_url = f"{base}/previews/{track_id}" if sandbox.render is not None else None
    return JSONResponse({"id": track_id, "isrc": isrc.upper(), "preview": preview_url})
