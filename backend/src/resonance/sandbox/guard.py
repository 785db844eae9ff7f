"""What every Web API request goes through: counting, latency, injected failures, the token."""

from __future__ import annotations

import asyncio

from fastapi import Request
from fastapi.responses import JSONResponse

from resonance.sandbox.runtime import sandbox_of


class SpotifyApiError(Exception):
    """Answered as Spotify's error object `{"error": {"status", "message"[, "reason"]}}`."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        reason: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason
        self.headers = headers

    def response(self) -> JSONResponse:
        error: dict[str, object] = {"status": self.status, "message": self.message}
        if self.reason:
            error["reason"] = self.reason
        return JSONResponse({"error": error}, status_code=self.status, headers=self.headers)


async def api_user(request: Request) -> str:
    """Apply the switches, then authenticate; returns the caller's user id."""
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
            raise SpotifyApiError(429, "API rate limit exceeded", headers={"Retry-After": header})
        if switches.server_errors > 0:
            switches.server_errors -= 1
            raise SpotifyApiError(switches.server_error_status, "Service unavailable")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise SpotifyApiError(401, "No token provided")
    grant, problem = sandbox.access_grant(token.strip())
    if grant is None:
        raise SpotifyApiError(401, problem)
    return grant.user_id


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
    return ids
