"""Cache and lock semantics, on the in-process backend and on real Redis."""

from __future__ import annotations

import asyncio

import pytest

from resonance.cache.base import Cache, LockNotAcquired


async def test_get_set_ttl_and_set_if_absent(cache: Cache) -> None:
    assert await cache.get("k") is None
    await cache.set("k", b"v", ttl=0.15)
    assert await cache.get("k") == b"v"
    assert not await cache.set_if_absent("k", b"other")
    await asyncio.sleep(0.25)
    assert await cache.get("k") is None
    assert await cache.set_if_absent("k", b"other")
    await cache.delete("k")
    assert await cache.get("k") is None
    assert await cache.ping()


async def test_two_concurrent_acquirers_one_wins(cache: Cache) -> None:
    results = await asyncio.gather(*(cache.acquire_lock("rebuild", ttl=5) for _ in range(10)))
    winners = [lock for lock in results if lock is not None]
    assert len(winners) == 1
    assert await cache.lock_owner("rebuild") == winners[0].token
    assert await winners[0].release()
    assert await cache.lock_owner("rebuild") is None


async def test_lock_expires_and_can_be_taken_over(cache: Cache) -> None:
    first = await cache.acquire_lock("ingest:pl1", ttl=0.2)
    assert first is not None
    assert await cache.acquire_lock("ingest:pl1", ttl=0.2) is None
    second = await cache.acquire_lock("ingest:pl1", ttl=5, wait=2.0)
    assert second is not None, "the expired lease should be taken over"
    # the first holder's lease is gone: it can neither release nor extend the new owner's lock
    assert not await first.release()
    assert not await first.extend(10)
    assert await cache.lock_owner("ingest:pl1") == second.token
    assert await second.release()


async def test_holder_cannot_release_someone_elses_lock(cache: Cache) -> None:
    lock = await cache.acquire_lock("x", ttl=5)
    assert lock is not None
    assert not await cache.release_lock("x", "not-the-owner")
    assert await cache.lock_owner("x") == lock.token
    assert await lock.extend(5)
    assert await lock.release()


async def test_locked_context_manager(cache: Cache) -> None:
    async with cache.locked("job", ttl=5):
        with pytest.raises(LockNotAcquired):
            async with cache.locked("job", ttl=5, wait=0.05):
                pass
    async with cache.locked("job", ttl=5):
        pass
