"""One HTTP request to the Web API with Spotify's failure modes handled.

- 429: wait `Retry-After` when it is within the cap (and make every other
  request of this app wait too), otherwise raise `RateLimitedError` so the
  job is rescheduled instead of sleeping for hours; `QUOTA_EXCEEDED` stops.
- 5xx and timeouts: bounded retries with exponential backoff and full jitter.
- A semaphore per app and event loop bounds concurrent requests.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

import httpx

from resonance.metrics import SPOTIFY_RATE_LIMITED, SPOTIFY_REQUESTS
from resonance.spotify import errors

logger = logging.getLogger(__name__)


class AppLimiter:
    """Per-app shared state: the concurrency semaphore and a 'paused until' instant."""

    def __init__(self, concurrency: int) -> None:
        self.semaphore = asyncio.Semaphore(concurrency)
        self.paused_until = 0.0  # time.monotonic() before which no request is sent

    async def wait_pause(self) -> None:
        delay = self.paused_until - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)


_limiters: dict[tuple[int, str], AppLimiter] = {}


def limiter_for(app_key: str, concurrency: int) -> AppLimiter:
    """The limiter of this app in the running event loop (semaphores belong to one loop)."""
    key = (id(asyncio.get_running_loop()), app_key)
    limiter = _limiters.get(key)
    if limiter is None:
        if len(_limiters) > 64:  # loops of finished tests; drop them
            _limiters.clear()
        limiter = _limiters[key] = AppLimiter(concurrency)
    return limiter


def error_body(response: httpx.Response) -> tuple[str, str | None]:
    """Spotify's error message and `reason` from `{"error": {"status", "message", "reason"}}`."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase, None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("message", "")), error.get("reason") or body.get("reason")
    if isinstance(body, dict):
        return str(body.get("error_description") or error or ""), body.get("reason")
    return str(body), None


def retry_after_seconds(response: httpx.Response, default: float = 1.0) -> float:
    try:
        return max(0.0, float(response.headers.get("retry-after", default)))
    except ValueError:
        return default


@dataclass
class Transport:
    """Sends authorised requests; owns retries, rate-limit handling and counting."""

    http: httpx.AsyncClient
    limiter: AppLimiter
    _: KW_ONLY
    max_retry_after: float
    max_retries: int
    backoff_base: float
    requests: int = field(default=0, init=False)  # requests actually sent (benchmarks, tests)

    async def send(
        self,
        method: str,
        url: str,
        *,
        endpoint: str,
        token: str,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """Send and return the decoded JSON body (None for an empty body)."""
        failures = limited = 0
        waited = 0.0
        headers = {"Authorization": f"Bearer {token}"}
        while True:
            await self.limiter.wait_pause()
            try:
                async with self.limiter.semaphore:
                    self.requests += 1
                    response = await self.http.request(
                        method, url, params=params, json=json, headers=headers
                    )
            except (httpx.TimeoutException, httpx.TransportError) as error:
                SPOTIFY_REQUESTS.labels(endpoint=endpoint, status="error").inc()
                failures += 1
                if failures > self.max_retries:
                    raise errors.SpotifyServerError(
                        f"Spotify unreachable after {failures} tries: {type(error).__name__}"
                    ) from error
                await asyncio.sleep(self._backoff(failures))
                continue
            status = response.status_code
            SPOTIFY_REQUESTS.labels(endpoint=endpoint, status=str(status)).inc()
            if status < 300:
                return response.json() if response.content else None
            message, reason = error_body(response)
            if status == 429:
                if reason == "QUOTA_EXCEEDED" or "QUOTA_EXCEEDED" in message:
                    SPOTIFY_RATE_LIMITED.labels(outcome="quota_exceeded").inc()
                    raise errors.QuotaExceededError(message)
                delay = retry_after_seconds(response)
                limited += 1
                # Beyond the cap, or 429 after 429 with tiny waits: reschedule, don't spin.
                if waited + delay > self.max_retry_after or limited > 2 * self.max_retries + 2:
                    SPOTIFY_RATE_LIMITED.labels(outcome="rescheduled").inc()
                    self.limiter.pause(min(delay, self.max_retry_after))
                    raise errors.RateLimitedError(max(delay, 1.0))
                SPOTIFY_RATE_LIMITED.labels(outcome="waited").inc()
                logger.info("Spotify rate limit: waiting %.1f s", delay)
                self.limiter.pause(delay)
                waited += delay
                continue
            if status >= 500:
                failures += 1
                if failures > self.max_retries:
                    raise errors.SpotifyServerError(f"Spotify answered {status} {failures} times")
                await asyncio.sleep(self._backoff(failures))
                continue
            raise self._client_error(status, message)

    def _backoff(self, failures: int) -> float:
        # Full jitter: spreads the retries of many clients hit by the same outage.
        return random.uniform(0, self.backoff_base * 2 ** (failures - 1))

    @staticmethod
    def _client_error(status: int, message: str) -> Exception:
        if status == 401:
            return errors.ReauthorizationRequired(
                f"Spotify refused the access token ({message or 'unauthorised'}); "
                "please sign in again."
            )
        if status == 403:
            return errors.SpotifyForbidden(status, message)
        if status == 404:
            return errors.SpotifyNotFound(status, message)
        if status == 400:
            return errors.SpotifyBadRequest(status, message)
        return errors.SpotifyError(status, message)
