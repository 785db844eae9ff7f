"""Best-effort cache reads and writes for request paths: an unreachable cache is a miss.

What request paths cache (token → user, the detected quota mode) can always be
recomputed, so a Redis outage must cost speed, not every signed-in request's 500.
The outage is logged once when it starts and once when it ends, and calls skip the
cache for `BACKOFF` seconds after a failure: a refused connection fails in well under
a millisecond, but a black-holed host costs ``socket_connect_timeout`` (2 s) a call.
"""

from __future__ import annotations

import logging
import time

from redis.exceptions import RedisError

from resonance.cache.base import Cache

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisError, OSError, TimeoutError)
BACKOFF = 5.0

_skip_until = 0.0
_down = False


def _failed(error: BaseException) -> None:
    global _skip_until, _down
    _skip_until = time.monotonic() + BACKOFF
    if not _down:
        _down = True
        logger.warning(
            "cache unreachable; serving without it until it is back (%s)", type(error).__name__
        )


def _succeeded() -> None:
    global _down
    if _down:
        _down = False
        logger.warning("cache reachable again")


def _skipping() -> bool:
    return _down and time.monotonic() < _skip_until


async def soft_get(cache: Cache, key: str) -> bytes | None:
    """`cache.get`, or None when the cache cannot be reached."""
    if _skipping():
        return None
    try:
        value = await cache.get(key)
    except UNAVAILABLE as error:
        _failed(error)
        return None
    _succeeded()
    return value


async def soft_set(cache: Cache, key: str, value: bytes, ttl: float | None = None) -> None:
    """`cache.set`, or nothing when the cache cannot be reached."""
    if _skipping():
        return
    try:
        await cache.set(key, value, ttl=ttl)
    except UNAVAILABLE as error:
        _failed(error)
        return
    _succeeded()


async def soft_delete(cache: Cache, key: str) -> None:
    """`cache.delete`, or nothing when the cache cannot be reached."""
    if _skipping():
        return
    try:
        await cache.delete(key)
    except UNAVAILABLE as error:
        _failed(error)
        return
    _succeeded()
