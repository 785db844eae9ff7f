"""The serving model: loads the newest ready index version, reloads on change."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.index import repository as index_repository
from resonance.index.fitted import FittedIndex
from resonance.index.store import IndexStore
from resonance.index.vector_index import DEFAULT_EF_SEARCH
from resonance.logging import log_fields

logger = logging.getLogger(__name__)


class ServingModel(Protocol):
    @property
    def n_items(self) -> int: ...


M = TypeVar("M", bound=ServingModel)


class ModelHolder(Generic[M]):
    """Holds one model made from the current version; swaps in a newer one without blocking.

    `make` turns a loaded `FittedIndex` into the model served (the recommender).

    Requests call `get()`; at most every `check_interval` seconds it looks up the
    current version in the database, and a newer one is loaded in a thread and
    swapped in whole. Readers keep the object they got, so a swap never changes a
    recommendation half-way.
    """

    def __init__(
        self,
        store: IndexStore,
        make: Callable[[FittedIndex], M],
        *,
        ef_search: int = DEFAULT_EF_SEARCH,
        check_interval: float = 5.0,
    ) -> None:
        self.store = store
        self.make = make
        self.ef_search = ef_search
        self.check_interval = check_interval
        self.model: M | None = None
        self.loaded_version: int | None = None
        self._checked_at = 0.0
        self._refreshing = asyncio.Lock()
        self._background: asyncio.Task[bool] | None = None

    async def refresh(self, sessionmaker: async_sessionmaker[AsyncSession]) -> bool:
        """Load the current version if it is newer than the one held; True if swapped."""
        async with self._refreshing:
            self._checked_at = time.monotonic()
            async with sessionmaker() as session:
                current = await index_repository.current_version(session)
            if current is None or current.id == self.loaded_version:
                return False
            model = await asyncio.to_thread(self._load, current.id)
            self.model, self.loaded_version = model, current.id
            # A catalogue holds millions of small objects (genre lists, names); moving them
            # out of the collector's reach keeps full collections from pausing requests.
            gc.collect()
            gc.freeze()
            logger.info("index loaded", extra=log_fields(version=current.id, items=model.n_items))
            return True

    def _load(self, version: int) -> M:
        return self.make(self.store.load(version, self.ef_search))

    async def preload(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """Load the current version at startup; a failure is logged and left to requests."""
        try:
            await self.refresh(sessionmaker)
        except Exception:
            logger.exception("could not preload the index; the first request will try again")

    async def get(self, sessionmaker: async_sessionmaker[AsyncSession]) -> M | None:
        if self.model is None:
            await self.refresh(sessionmaker)
        elif time.monotonic() - self._checked_at > self.check_interval and (
            self._background is None or self._background.done()
        ):
            self._checked_at = time.monotonic()
            self._background = asyncio.create_task(self.refresh(sessionmaker))
        return self.model
