"""Request ids, one access-log line per request, and the request body limit.

Pure ASGI: no per-request task hop.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Sequence

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from resonance.app.problems import problem_response
from resonance.logging import log_fields, request_id_var

logger = logging.getLogger("resonance.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class HttpMiddleware:
    """An ASGI middleware that acts on HTTP requests and passes anything else through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class ResponseWatch:
    """Wraps ``send`` to note the response's status and the time since the request began.

    The status reads 500 until a response starts, so an exception before that is counted
    as the 500 the client gets. ``headers`` are appended to the response's own.
    """

    def __init__(self, send: Send, headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
        self.send = send
        self.headers = list(headers)
        self.status = 500
        self.started = time.perf_counter()

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            if self.headers:
                message["headers"] = [*message.get("headers", []), *self.headers]
        await self.send(message)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


class RequestIdMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex[:16]
        token = request_id_var.set(request_id)
        watch = ResponseWatch(send, [(b"x-request-id", request_id.encode())])
        try:
            await self.app(scope, receive, watch)
        finally:
            # Path only: query strings can carry user input we do not want in logs.
            logger.info(
                "%s %s %s",
                scope.get("method"),
                scope.get("path"),
                watch.status,
                extra=log_fields(status=watch.status, ms=round(watch.seconds * 1000, 2)),
            )
            request_id_var.reset(token)


class BodyTooLargeError(HTTPException):
    """Raised from ``receive`` once a streamed body passes the limit.

    An ``HTTPException`` on purpose: FastAPI turns any other error while reading the
    body into a 400 "error parsing the body", but re-raises this one, which the problem
    handler answers as a 413.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_detail(limit))


def too_large_detail(limit: int) -> str:
    return f"The request body is larger than the {limit} bytes this API accepts."


class BodyLimitMiddleware(HttpMiddleware):
    """Refuse request bodies over ``max_bytes`` with 413 problem+json.

    A declared Content-Length over the limit is refused before a byte is read. A body
    without one (chunked) or lying about it is counted as it streams in, and refused the
    moment it passes the limit, so no request makes the server buffer more than that.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            detail = (
                too_large_detail(self.max_bytes)
                if declared.isdigit()
                else "The Content-Length header is not a number."
            )
            status = 413 if declared.isdigit() else 400
            response = problem_response(status, detail, instance=scope.get("path"))
            # Close the connection: the client may still be sending the body.
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)
