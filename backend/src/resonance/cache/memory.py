"""In-process cache and locks for the embedded default (one API process)."""

from __future__ import annotations

import asyncio
import time

from resonance.cache.base import Cache


class MemoryCache(Cache):
    backend = "memory"

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self._data: dict[str, tuple[bytes, float | None]] = {}
        self._mutex = asyncio.Lock()

    def _live(self, key: str) -> bytes | None:
        item = self._data.get(key)
        if item is None:
            return None
        value, expires = item
        if expires is not None and expires <= time.monotonic():
            del self._data[key]
            return None
        return value

    @staticmethod
    def _expiry(ttl: float | None) -> float | None:
        return None if ttl is None else time.monotonic() + ttl

    async def get(self, key: str) -> bytes | None:
        return self._live(self.prefix + key)

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        self._data[self.prefix + key] = (value, self._expiry(ttl))

    async def delete(self, key: str) -> None:
        self._data.pop(self.prefix + key, None)

    async def set_if_absent(self, key: str, value: bytes, ttl: float | None = None) -> bool:
        async with self._mutex:
            if self._live(self.prefix + key) is not None:
                return False
            self._data[self.prefix + key] = (value, self._expiry(ttl))
            return True

    def _lock_key(self, name: str) -> str:
        return f"{self.prefix}lock:{name}"

    async def _acquire(self, name: str, token: str, ttl: float) -> bool:
        async with self._mutex:
            key = self._lock_key(name)
            if self._live(key) is not None:
                return False
            self._data[key] = (token.encode(), self._expiry(ttl))
            return True

    async def release_lock(self, name: str, token: str) -> bool:
        async with self._mutex:
            key = self._lock_key(name)
            if self._live(key) != token.encode():
                return False
            del self._data[key]
            return True

    async def extend_lock(self, name: str, token: str, ttl: float) -> bool:
        async with self._mutex:
            key = self._lock_key(name)
            if self._live(key) != token.encode():
                return False
            self._data[key] = (token.encode(), self._expiry(ttl))
            return True

    async def lock_owner(self, name: str) -> str | None:
        value = self._live(self._lock_key(name))
        return value.decode() if value is not None else None

    async def ping(self) -> bool:
        return True
