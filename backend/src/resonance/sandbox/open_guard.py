"""Fault switches for the open services the sandbox plays (ListenBrainz, MusicBrainz,
Last.fm, Deezer), each failing in its own service's way.

`POST /_sandbox/providers/{name}` sets them, e.g. `{"rate_limit_count": 1,
"retry_after": 86400}`; a reset clears them. What a rate limit looks like is each
service's own: 503 + Retry-After (MusicBrainz), 429 + Retry-After (ListenBrainz),
error 29 (Last.fm), error code 4 in a 200 (Deezer).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from resonance.sandbox.runtime import sandbox_of
from resonance.sandbox.state import ServiceSwitches

HTML = "text/html"
RateLimitAnswer = Callable[[float], Response]


def _retry_after(seconds: float) -> str:
    return str(int(seconds)) if seconds == int(seconds) else str(seconds)


class Answered(Exception):
    """A switch decided the answer; the app's handler sends `response` as it is."""

    def __init__(self, response: Response) -> None:
        super().__init__("answered by a sandbox switch")
        self.response = response


async def _switched(
    request: Request, service: str, rate_limited: RateLimitAnswer
) -> Response | None:
    sandbox = sandbox_of(request)
    sandbox.stats.count(f"/{service}{request.url.path.split(service, 1)[-1]}")
    switches: ServiceSwitches = sandbox.services[service]
    if switches.latency_ms > 0:
        await asyncio.sleep(switches.latency_ms / 1000)
    if switches.down:
        return Response("<html><body>Service Unavailable</body></html>", 503, media_type=HTML)
    if switches.min_interval > 0:
        client = request.client.host if request.client else "?"
        now = time.monotonic()
        last = sandbox.last_seen.get((service, client))
        sandbox.last_seen[(service, client)] = now
        if last is not None and now - last < switches.min_interval * 0.9:
            return rate_limited(switches.min_interval)
    if switches.rate_limit_count > 0:
        switches.rate_limit_count -= 1
        return rate_limited(switches.retry_after)
    if switches.garbage > 0:
        switches.garbage -= 1
        return Response("<html><body>Oops</body></html>", 200, media_type=HTML)
    return None


def service_guard(
    service: str, rate_limited: RateLimitAnswer
) -> Callable[[Request], Awaitable[None]]:
    """A router dependency applying `service`'s switches before every route of it."""

    async def apply(request: Request) -> None:
        answer = await _switched(request, service, rate_limited)
        if answer is not None:
            raise Answered(answer)

    return apply


def http_rate_limited(status: int, body: Any) -> RateLimitAnswer:
    """A rate limit answered as `status` with `Retry-After` and a JSON body."""

    def answer(seconds: float) -> Response:
        return JSONResponse(
            body, status_code=status, headers={"Retry-After": _retry_after(seconds)}
        )

    return answer
