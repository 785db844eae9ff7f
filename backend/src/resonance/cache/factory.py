"""Pick the cache backend from settings: Redis when a URL is set, else in-process."""

from __future__ import annotations

from resonance.cache.base import Cache
from resonance.cache.memory import MemoryCache
from resonance.settings import Settings


def create_cache(settings: Settings) -> Cache:
    if settings.redis_url:
        from resonance.cache.redis import RedisCache

        return RedisCache(settings.redis_url, prefix=settings.cache_prefix)
    return MemoryCache(prefix=settings.cache_prefix)
