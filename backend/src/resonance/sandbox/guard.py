"""What every Web API request goes through: counting, latency, injected failures, the token."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import JSONResponse

from resonance.sandbox.runtime import sandbox_of
from resonance.sandbox.state import AccessGrant

SPOTIFY_ID = re.compile(r"[0-9A-Za-z]{22}")


class SpotifyApiError(Exception):
    """Answered as Spotify's error object `{"error": {"status", "message"[, "reason"]}}`."""

    def __init__(
        self, status: int, message: str, *, reason: str | None = None, **headers: str
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.reason = status, message, reason
        self.headers = {k.replace("_", "-"): v for k, v in headers.items()} or None

    def response(self) -> JSONResponse:
        error: dict[str, object] = {"status": self.status, "message": self.message}
        if self.reason:
            error["reason"] = self.reason
        return JSONResponse({"error": error}, status_code=self.status, headers=self.headers)


async def api_grant(request: Request) -> AccessGrant:
    """Apply the switches, then authenticate; returns the caller's grant."""
    sandbox = sandbox_of(request)
    route = request.scope.get("route")
    sandbox.stats.count(getattr(route, "path", request.url.path))
    switches = sandbox.switches
    if switches.latency_ms > 0:
        await asyncio.sleep(switches.latency_ms / 1000)
    if switches.fail_after > 0:
        switches.fail_after -= 1
    else:
        if switches.quota_exceeded:
            raise SpotifyApiError(
                429, "Quota exceeded for this development-mode app", reason="QUOTA_EXCEEDED"
            )
        if switches.rate_limit_count > 0:
            switches.rate_limit_count -= 1
            retry_after = switches.retry_after
            header = str(int(retry_after)) if retry_after == int(retry_after) else str(retry_after)
            raise SpotifyApiError(429, "API rate limit exceeded", Retry_After=header)
        if switches.server_errors > 0:
            switches.server_errors -= 1
            raise SpotifyApiError(switches.server_error_status, "Service unavailable")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise SpotifyApiError(401, "No token provided")
    grant, problem = sandbox.access_grant(token.strip())
    if grant is None:
        raise SpotifyApiError(401, problem)
    return grant


async def api_user(request: Request) -> str:
    """The caller's user id, for routes any valid token may call."""
    return (await api_grant(request)).user_id


def needs_scope(*any_of: str) -> Callable[[Request], Awaitable[str]]:
    """A dependency for routes that need one of `any_of` scopes: 403 without it."""

    async def scoped_user(request: Request) -> str:
        grant = await api_grant(request)
        if not set(grant.scope.split()) & set(any_of):
            raise SpotifyApiError(403, "Insufficient client scope")
        return grant.user_id

    return scoped_user


def check_id(object_id: str) -> str:
    """Spotify ids are 22 base-62 characters; anything else is a 400, not a 404."""
    if not SPOTIFY_ID.fullmatch(object_id):
        raise SpotifyApiError(400, "Invalid base62 id")
    return object_id


def page_args(request: Request, *, max_limit: int = 50, default: int = 20) -> tuple[int, int]:
    """`limit` and `offset` from the query, validated like Spotify does."""
    try:
        limit = int(request.query_params.get("limit", default))
        offset = int(request.query_params.get("offset", 0))
    except ValueError as error:
        raise SpotifyApiError(400, "Invalid limit or offset") from error
    if not 0 < limit <= max_limit:
        raise SpotifyApiError(400, f"Invalid limit: must be between 1 and {max_limit}")
    if offset < 0:
        raise SpotifyApiError(400, "Invalid offset")
    return limit, offset


def require_extended(request: Request) -> None:
    if sandbox_of(request).switches.mode != "extended":
        raise SpotifyApiError(403, "Forbidden: not available to development-mode apps")


def ids_arg(request: Request, most: int) -> list[str]:
    ids = [i for i in request.query_params.get("ids", "").split(",") if i]
    if not ids or len(ids) > most:
        raise SpotifyApiError(400, f"Invalid ids: between 1 and {most} are allowed")
    return [check_id(i) for i in ids]
