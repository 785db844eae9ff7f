"""Test-only controls: switches, token shortcuts, revocation and request counters."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from resonance.sandbox.runtime import sandbox_of
from resonance.sandbox.state import Stats, Switches, service_switches
from resonance.sandbox.world import build_world

router = APIRouter(prefix="/_sandbox", include_in_schema=False)


@router.get("/switches")
async def get_switches(request: Request) -> dict[str, Any]:
    return sandbox_of(request).switches.as_dict()


@router.post("/switches")
async def set_switches(request: Request) -> JSONResponse:
    """Change some switches, e.g. `{"mode": "extended", "rate_limit_count": 2}`."""
    body = await request.json()
    switches = sandbox_of(request).switches
    try:
        switches.update(dict(body))
    except (KeyError, TypeError, ValueError) as error:
        return JSONResponse({"error": f"unknown or invalid switch: {error}"}, status_code=400)
    return JSONResponse(switches.as_dict())


@router.post("/providers/{service}")
async def set_service_switches(request: Request, service: str) -> JSONResponse:
    """Faults of an open service, e.g. `{"rate_limit_count": 1, "retry_after": 86400}`."""
    switches = sandbox_of(request).services.get(service)
    if switches is None:
        return JSONResponse({"error": f"unknown service {service!r}"}, status_code=404)
    try:
        switches.update(dict(await request.json()))
    except (KeyError, TypeError, ValueError) as error:
        return JSONResponse({"error": f"unknown or invalid switch: {error}"}, status_code=400)
    return JSONResponse(switches.as_dict())


@router.post("/reissue")
async def reissue(request: Request) -> JSONResponse:
    """Put recordings out again under new ids, same ISRCs (undone by `/reset`):
    `{"reissues": [{"track_id", "album_type": "single" | "album", "release_date"}]}`."""
    sandbox = sandbox_of(request)
    try:
        items = list((await request.json())["reissues"])
        made = [
            sandbox.world.reissue(i["track_id"], i["album_type"], i["release_date"]).id
            for i in items
        ]
    except (KeyError, TypeError, ValueError) as error:
        return JSONResponse({"error": f"invalid reissue: {error}"}, status_code=400)
    sandbox.dirty = True
    return JSONResponse({"track_ids": made})


@router.post("/reset")
async def reset(request: Request) -> dict[str, Any]:
    """Default switches and zero counters; rebuild the world after writes or on request."""
    sandbox = sandbox_of(request)
    body = await request.json() if await request.body() else {}
    sandbox.switches = Switches(mode=body.get("mode", "development"))
    sandbox.stats = Stats()
    sandbox.services = service_switches()
    sandbox.last_seen.clear()
    if body.get("world") or sandbox.dirty:  # playlist writes are undone
        sandbox.world = build_world(sandbox.world.seed)
        sandbox.dirty = False
    return sandbox.switches.as_dict()


@router.post("/token")
async def token(request: Request) -> dict[str, Any]:
    """Tokens for a demo user without the browser dance (tests, bench, CLI)."""
    sandbox = sandbox_of(request)
    body = await request.json() if await request.body() else {}
    user = body.get("user", sandbox.default_user)
    if user not in sandbox.world.users:
        return {"error": "unknown user"}
    client_id = body.get("client_id") or next(iter(sorted(sandbox.client_ids)))
    scope = body.get(
        "scope",
        "playlist-read-private playlist-read-collaborative "
        "user-library-read user-top-read user-read-recently-played "
        "playlist-modify-private playlist-modify-public",
    )
    ttl = float(body.get("ttl", sandbox.switches.access_token_ttl))
    return sandbox.auth.issue(user, client_id, scope, ttl, time.time())


@router.post("/revoke")
async def revoke(request: Request) -> dict[str, Any]:
    """Revoke (`{"user": "demo"}`) or expire (`{"user": "demo", "expire": true}`) sign-ins."""
    sandbox = sandbox_of(request)
    body = await request.json()
    user = str(body.get("user", sandbox.default_user))
    if body.get("expire"):
        return {"expired": sandbox.auth.expire_user(user)}
    return {"revoked": sandbox.auth.revoke_user(user, access=bool(body.get("access", True)))}


@router.get("/stats")
async def stats(request: Request) -> dict[str, Any]:
    sandbox = sandbox_of(request)
    world = sandbox.world
    return {
        "requests": sandbox.stats.requests,
        "by_route": sandbox.stats.by_route,
        "users": sorted(world.users),
        "artists": len(world.artists),
        "albums": len(world.albums),
        "tracks": len(world.tracks),
        "playlists": {
            p.id: {"name": p.name, "owner": p.owner, "tracks": len(p.track_ids)}
            for p in world.playlists.values()
        },
        "previews": sandbox.render is not None,
    }
