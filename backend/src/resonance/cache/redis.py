"""Redis cache and locks (redis-py asyncio): SET NX PX to acquire, Lua to release safely."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis

from resonance.cache.base import Cache

# Compare-and-delete / compare-and-extend: a holder whose lease expired and was
# taken over by someone else must not release or extend the new owner's lock.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
_EXTEND = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""


class RedisCache(Cache):
    backend = "redis"

    def __init__(self, url: str, prefix: str = "resonance:") -> None:
        self.prefix = prefix
        self.client: aioredis.Redis = aioredis.Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=5
        )
        self._release: Any = self.client.register_script(_RELEASE)
        self._extend: Any = self.client.register_script(_EXTEND)

    def _key(self, key: str) -> str:
        return self.prefix + key

    def _lock_key(self, name: str) -> str:
        return f"{self.prefix}lock:{name}"

    @staticmethod
    def _px(ttl: float | None) -> int | None:
        return None if ttl is None else max(1, int(ttl * 1000))

    async def get(self, key: str) -> bytes | None:
        value: bytes | None = await self.client.get(self._key(key))
        return value

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        await self.client.set(self._key(key), value, px=self._px(ttl))

    async def delete(self, key: str) -> None:
        await self.client.delete(self._key(key))

    async def set_if_absent(self, key: str, value: bytes, ttl: float | None = None) -> bool:
        return bool(await self.client.set(self._key(key), value, px=self._px(ttl), nx=True))

    async def _acquire(self, name: str, token: str, ttl: float) -> bool:
        return bool(await self.client.set(self._lock_key(name), token, px=self._px(ttl), nx=True))

    async def release_lock(self, name: str, token: str) -> bool:
        return bool(await self._release(keys=[self._lock_key(name)], args=[token]))

    async def extend_lock(self, name: str, token: str, ttl: float) -> bool:
        return bool(await self._extend(keys=[self._lock_key(name)], args=[token, self._px(ttl)]))

    async def lock_owner(self, name: str) -> str | None:
        value = await self.client.get(self._lock_key(name))
        return value.decode() if value is not None else None

    async def ping(self) -> bool:
        try:
            return bool(await self.client.ping())
        except (aioredis.RedisError, OSError):
            return False

    async def close(self) -> None:
        await self.client.aclose()
