"""Which quota mode the app has, detected once and remembered.

Development-mode apps get 403 on batch reads and audio features; extended-quota
apps get both.  The first batch call decides (no extra probe request); the
answer is kept in this process and in the shared cache for a day, unless
``RESONANCE_SPOTIFY_QUOTA_MODE`` fixes it.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from resonance.cache import Cache, soft_delete, soft_get, soft_set

Mode = Literal["development", "extended"]
REMEMBER_SECONDS = 24 * 3600

_known: dict[str, str] = {}  # process memory: app key → mode / feature flag


class QuotaModes:
    """Remembered facts about the app: its quota mode and whether audio features answer."""

    def __init__(self, app_key: str, *, forced: str = "auto", cache: Cache | None = None) -> None:
        digest = hashlib.sha256(app_key.encode()).hexdigest()[:16]
        self.mode_key = f"spotify:mode:{digest}"
        self.features_key = f"spotify:features:{digest}"
        self.forced = forced
        self.cache = cache

    async def mode(self) -> Mode | None:
        """The app's mode, or None while unknown."""
        if self.forced in ("development", "extended"):
            return self.forced  # type: ignore[return-value]
        value = await self._get(self.mode_key)
        return value if value in ("development", "extended") else None  # type: ignore[return-value]

    async def remember_mode(self, mode: Mode) -> None:
        await self._set(self.mode_key, mode)

    async def features_available(self) -> bool | None:
        if await self.mode() == "development":
            return False
        value = await self._get(self.features_key)
        return None if value is None else value == "yes"

    async def remember_features(self, available: bool) -> None:
        await self._set(self.features_key, "yes" if available else "no")

    async def forget(self) -> None:
        for key in (self.mode_key, self.features_key):
            _known.pop(key, None)
            if self.cache is not None:
                await soft_delete(self.cache, key)

    async def _get(self, key: str) -> str | None:
        if key in _known:
            return _known[key]
        if self.cache is not None:
            raw = await soft_get(self.cache, key)
            if raw is not None:
                _known[key] = raw.decode()
                return _known[key]
        return None

    async def _set(self, key: str, value: str) -> None:
        _known[key] = value
        if self.cache is not None:
            await soft_set(self.cache, key, value.encode(), ttl=REMEMBER_SECONDS)
