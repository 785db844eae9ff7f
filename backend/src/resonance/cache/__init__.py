"""Cache and distributed locks: one interface, Redis or in-process."""

from resonance.cache.base import Cache, Lock, LockNotAcquired
from resonance.cache.factory import create_cache
from resonance.cache.memory import MemoryCache
from resonance.cache.soft import soft_delete, soft_get, soft_set

__all__ = [
    "Cache",
    "Lock",
    "LockNotAcquired",
    "MemoryCache",
    "create_cache",
    "soft_delete",
    "soft_get",
    "soft_set",
]
