"""HTTP reads for the open providers: cached, budgeted, throttled and backing off.

Every provider speaks JSON over GET. This module owns what they share: the answer cache
(keyed without secrets), the request budget, a minimum interval between requests to one
host (MusicBrainz allows one a second), `Retry-After` on 429 and 503, retries with
backoff on 5xx and timeouts, and the error a job can act on when none of that helps.
Secrets (an API key) travel only as query parameters named in `secret_params`; they are
left out of cache keys, error messages and anything logged here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson

from resonance.cache import Cache
from resonance.discover.budget import Budget
from resonance.discover.providers import ProviderFailed

logger = logging.getLogger(__name__)

RETRIES = 3  # attempts for a 5xx or a timeout before the provider counts as down
BACKOFF_SECONDS = 0.5  # doubled after each failed attempt
RETRY_STATUSES = frozenset({500, 502, 503, 504})

# Last request time per host, shared by every job in this process, so two discovery
# jobs together still keep a host's interval (MusicBrainz counts per client address).
# With Redis, processes (the API and the worker) also share it: see `_wait_for_slot`.
_last_request: dict[str, float] = {}
_host_locks: dict[str, asyncio.Lock] = {}
# How often a process waiting for another's Redis slot asks again: a request comes at
# most this late after the slot frees (5 % of MusicBrainz's 1 s).
SLOT_POLL_SECONDS = 0.05


class ProviderRateLimited(ProviderFailed):
    """The service asked us to wait longer than a job waits in place."""

    def __init__(self, provider: str, retry_after: float) -> None:
        super().__init__(provider, f"rate limited; the service asks to wait {retry_after:.0f} s")
        self.retry_after = retry_after


class ProviderNotFound(Exception):
    """The service has no such item (a 404, or its own "no data" answer)."""


def retry_after_seconds(value: str | None, default: float) -> float:
    """`Retry-After` in seconds (the delta form; an HTTP date or garbage means `default`)."""
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default


@dataclass
class ProviderHttp:
    """One provider's HTTP access for one job.

    Parameters
    ----------
    name
        The provider's name, used in cache keys, budgets and error messages.
    base
        The service's base URL (the public service, a configured one, or the sandbox).
    client
        A shared `httpx.AsyncClient`; its timeout applies to each request.
    budget
        Spent once per request actually sent; cached answers are free.
    min_interval
        Seconds kept between two requests to this host (0 = no throttle).
    max_wait
        The longest `Retry-After` waited out in place; longer raises `ProviderRateLimited`.
    secret_params
        Query parameters that are secrets: never in cache keys or messages.
    """

    name: str
    base: str
    client: httpx.AsyncClient
    cache: Cache
    budget: Budget
    ttl: float
    user_agent: str
    min_interval: float = 0.0
    max_wait: float = 10.0
    secret_params: frozenset[str] = frozenset()
    # Reads a JSON answer before it is cached: returns seconds to wait when the body
    # says "slow down", raises `ProviderNotFound`/`ProviderFailed` for an error body.
    answer_check: Callable[[str, Any], float | None] | None = None
    # The service explains 4xx answers in a JSON body (Last.fm): pass them to the check.
    json_errors: bool = False
    hits: int = 0
    sent: int = 0
    waited: float = 0.0
    extra_headers: dict[str, str] = field(default_factory=dict)

    def _key(self, path: str, params: dict[str, Any]) -> str:
        public = sorted((k, v) for k, v in params.items() if k not in self.secret_params)
        return f"discover:{self.name}:{path}?{urlencode(public)}"

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """The JSON answer for `path` (cached). Raises `ProviderNotFound`, `ProviderFailed`
        (down, garbage) or `ProviderRateLimited`; `BudgetSpent` when no request is left."""
        params = params or {}
        key = self._key(path, params)
        with contextlib.suppress(Exception):  # a cache outage costs requests, not the job
            cached = await self.cache.get(key)
            if cached is not None:
                self.hits += 1
                return orjson.loads(cached)
        body = await self._send(path, params)
        with contextlib.suppress(Exception):
            await self.cache.set(key, orjson.dumps(body), ttl=self.ttl)
        return body

    async def _send(self, path: str, params: dict[str, Any]) -> Any:
        delay = BACKOFF_SECONDS
        problem = "no answer"
        for attempt in range(RETRIES):
            self.budget.spend()
            try:
                response = await self._throttled(path, params)
            except httpx.HTTPError as error:  # timeouts, refused connections
                problem = f"{path} could not be reached ({type(error).__name__})"
            else:
                wait: float | None = None
                if response.status_code in (429, 503) and "retry-after" in response.headers:
                    wait = retry_after_seconds(response.headers["retry-after"], delay)
                elif response.status_code < 400 or (
                    self.json_errors and response.status_code != 404
                ):
                    body = self._json(path, response)
                    wait = self.answer_check(path, body) if self.answer_check else None
                    if wait is None and response.status_code < 400:
                        return body
                    if wait is None:
                        raise ProviderFailed(self.name, f"{path} answered {response.status_code}")
                if wait is not None:
                    if wait > self.max_wait:
                        raise ProviderRateLimited(self.name, wait)
                    self.waited += wait
                    await asyncio.sleep(wait)
                    continue
                if response.status_code == 429:
                    problem = f"{path} answered 429 (rate limited)"
                elif response.status_code in RETRY_STATUSES:
                    problem = f"{path} answered {response.status_code}"
                elif response.status_code == 404:
                    raise ProviderNotFound(path)
                else:
                    raise ProviderFailed(self.name, f"{path} answered {response.status_code}")
            if attempt < RETRIES - 1:
                await asyncio.sleep(delay)
                delay *= 2
        raise ProviderFailed(self.name, f"{problem}, {RETRIES} times; the service looks down")

    async def _throttled(self, path: str, params: dict[str, Any]) -> httpx.Response:
        host = httpx.URL(self.base).host
        lock = _host_locks.setdefault(host, asyncio.Lock())
        async with lock:
            if self.min_interval > 0:
                await self._wait_for_slot(host)
            try:
                self.sent += 1
                return await self.client.get(
                    f"{self.base}{path}",
                    params=params,
                    headers={"User-Agent": self.user_agent, **self.extra_headers},
                    follow_redirects=False,
                )
            finally:
                _last_request[host] = time.monotonic()

    async def _wait_for_slot(self, host: str) -> None:
        """Keep `min_interval` between requests to HOST, across processes when possible.

        With Redis, a request takes the host's slot, a key that lives `min_interval`
        (SET NX PX): whichever process (API or worker) sets it sends, the others wait
        until it expires. Without Redis, or while Redis fails, the interval is kept
        among the jobs of this process. Other processes holding the slot for longer
        than `max_wait` rate-limit this provider as a 429 would.
        """
        if self.cache.backend == "redis":
            try:
                if await self._take_slot(f"discover:slot:{host}"):
                    return
            except Exception:  # an outage: fall back to this process's interval
                logger.warning("discover: no shared interval for %s (Redis failed)", host)
            else:
                raise ProviderRateLimited(self.name, self.max_wait + self.min_interval)
        gap = time.monotonic() - _last_request.get(host, 0.0)
        if gap < self.min_interval:
            await asyncio.sleep(self.min_interval - gap)

    async def _take_slot(self, key: str) -> bool:
        """Whether the slot was taken within `max_wait` plus one interval."""
        poll = min(SLOT_POLL_SECONDS, self.min_interval)
        for _ in range(math.ceil((self.max_wait + self.min_interval) / poll) + 1):
            if await self.cache.set_if_absent(key, b"1", ttl=self.min_interval):
                return True
            await asyncio.sleep(poll)
        return False

    def _json(self, path: str, response: httpx.Response) -> Any:
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError as error:
            raise ProviderFailed(self.name, f"{path} answered something not JSON") from error


def field_list(body: Any, *keys: str) -> list[dict[str, Any]]:
    """`body[k1][k2]…` as a list of objects; a missing level or a non-list is garbage.

    Last.fm answers a single result as an object instead of a one-item list: that object
    comes back as a list of one.
    """
    value = body
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise ValueError(f"no {'.'.join(keys)} in the answer")
        value = value[key]
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"{'.'.join(keys)} is not a list")
    return [item for item in value if isinstance(item, dict)]
