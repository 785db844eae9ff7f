"""The cache/lock interface shared by the Redis and in-process backends."""

from __future__ import annotations

import abc
import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class LockNotAcquired(Exception):
    """Raised by `Cache.locked` when another owner holds the lock past the wait time."""

    def __init__(self, name: str) -> None:
        super().__init__(f"lock {name!r} is held by another owner")
        self.name = name


class Lock:
    """A held lock: its name and the owner token that alone can release or extend it."""

    def __init__(self, cache: Cache, name: str, token: str, ttl: float) -> None:
        self.cache = cache
        self.name = name
        self.token = token
        self.ttl = ttl

    async def release(self) -> bool:
        return await self.cache.release_lock(self.name, self.token)

    async def extend(self, ttl: float | None = None) -> bool:
        return await self.cache.extend_lock(self.name, self.token, ttl or self.ttl)


class Cache(abc.ABC):
    """Key/value cache with TTLs and owner-token locks.

    Locks are leases: a holder that dies simply stops extending, and the lock
    expires after its TTL so that another worker can take over.
    """

    backend: str

    @abc.abstractmethod
    async def get(self, key: str) -> bytes | None: ...

    @abc.abstractmethod
    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None: ...

    @abc.abstractmethod
    async def delete(self, key: str) -> None: ...

    @abc.abstractmethod
    async def set_if_absent(self, key: str, value: bytes, ttl: float | None = None) -> bool:
        """Atomically set `key` only if it does not exist; True if this call set it."""

    @abc.abstractmethod
    async def _acquire(self, name: str, token: str, ttl: float) -> bool: ...

    @abc.abstractmethod
    async def release_lock(self, name: str, token: str) -> bool:
        """Release only if `token` still owns the lock; True if released."""

    @abc.abstractmethod
    async def extend_lock(self, name: str, token: str, ttl: float) -> bool:
        """Push the expiry of a lock this token owns; False if it no longer owns it."""

    @abc.abstractmethod
    async def lock_owner(self, name: str) -> str | None: ...

    @abc.abstractmethod
    async def ping(self) -> bool: ...

    async def close(self) -> None:  # noqa: B027 - optional hook
        pass

    async def acquire_lock(
        self, name: str, ttl: float, *, wait: float = 0.0, token: str | None = None
    ) -> Lock | None:
        """Try to take the lock, polling up to `wait` seconds; None when someone else holds it."""
        token = token or secrets.token_hex(16)
        deadline = time.monotonic() + wait
        delay = 0.02
        while True:
            if await self._acquire(name, token, ttl):
                return Lock(self, name, token, ttl)
            if time.monotonic() >= deadline:
                return None
            await asyncio.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 0.5)

    @asynccontextmanager
    async def locked(self, name: str, ttl: float, *, wait: float = 0.0) -> AsyncIterator[Lock]:
        lock = await self.acquire_lock(name, ttl, wait=wait)
        if lock is None:
            raise LockNotAcquired(name)
        try:
            yield lock
        finally:
            await lock.release()
