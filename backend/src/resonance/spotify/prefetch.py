"""Fetch the next page while the caller is still storing the current one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TypeVar

T = TypeVar("T")


async def prefetch(source: AsyncIterator[T]) -> AsyncIterator[T]:
    """Yield from `source`, keeping one `__anext__` in flight (network overlaps DB writes)."""
    pending: asyncio.Task[T] | None = asyncio.ensure_future(anext(source))
    try:
        while pending is not None:
            try:
                item = await pending
            except StopAsyncIteration:
                return
            pending = asyncio.ensure_future(anext(source))
            yield item
    finally:
        if pending is not None and not pending.done():
            pending.cancel()
            await asyncio.gather(pending, return_exceptions=True)
