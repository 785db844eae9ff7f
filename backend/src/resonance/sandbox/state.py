"""Mutable sandbox state: switches that inject failures, and the accounts service's grants."""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal


class Settable:
    """Switches set from JSON: known names only, each coerced to its field's type."""

    def update(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            if not hasattr(self, key):
                raise KeyError(key)
            setattr(self, key, type(getattr(self, key))(value) if key != "mode" else value)

    def as_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = asdict(self)  # type: ignore[call-overload]
        return values


@dataclass
class Switches(Settable):
    """Behaviour of the Web API routes; set by CLI flags or POST /_sandbox/switches."""

    mode: Literal["development", "extended"] = "development"
    latency_ms: float = 0.0
    # The next `rate_limit_count` requests answer 429 with `Retry-After: retry_after`.
    rate_limit_count: int = 0
    retry_after: float = 1.0
    quota_exceeded: bool = False
    # The next `server_errors` requests answer `server_error_status`.
    server_errors: int = 0
    server_error_status: int = 503
    # Inject only after this many further Web API requests succeeded (a failure halfway).
    fail_after: int = 0
    access_token_ttl: float = 3600.0


@dataclass
class ServiceSwitches(Settable):
    """Faults of one open service the sandbox plays (`resonance.sandbox.open_guard`)."""

    down: bool = False  # every request answers 503 without Retry-After
    rate_limit_count: int = 0  # the next N requests are rate limited
    retry_after: float = 1.0
    garbage: int = 0  # the next N requests answer HTML instead of JSON
    latency_ms: float = 0.0
    # MusicBrainz's rule: at most one request per this many seconds per client (0 = off).
    min_interval: float = 0.0


OPEN_SERVICES = ("listenbrainz", "musicbrainz", "lastfm", "deezer")


def service_switches() -> dict[str, ServiceSwitches]:
    return {name: ServiceSwitches() for name in OPEN_SERVICES}


@dataclass
class Grant:
    """An authorization code waiting to be exchanged."""

    user_id: str
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str
    expires_at: float
    used: bool = False


@dataclass
class RefreshGrant:
    user_id: str
    client_id: str
    scope: str
    consented_at: float
    expires_at: float
    used: bool = False
    revoked: bool = False


@dataclass
class AccessGrant:
    user_id: str
    scope: str
    expires_at: float


@dataclass
class AuthStore:
    codes: dict[str, Grant] = field(default_factory=dict)
    refresh: dict[str, RefreshGrant] = field(default_factory=dict)
    access: dict[str, AccessGrant] = field(default_factory=dict)
    refresh_ttl: float = 182 * 24 * 3600.0  # six months after consent; refreshing doesn't extend

    def issue(
        self, user_id: str, client_id: str, scope: str, ttl: float, consented_at: float
    ) -> dict[str, Any]:
        access = f"sbx_at_{secrets.token_urlsafe(24)}"
        refresh = f"sbx_rt_{secrets.token_urlsafe(24)}"
        self.access[access] = AccessGrant(user_id, scope, time.time() + ttl)
        self.refresh[refresh] = RefreshGrant(
            user_id, client_id, scope, consented_at, consented_at + self.refresh_ttl
        )
        return {
            "access_token": access,
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": int(ttl) if ttl >= 1 else ttl,
            "refresh_token": refresh,
        }

    def revoke_user(self, user_id: str, *, access: bool = True) -> int:
        """Revoke every refresh token (and, with `access`, access token) of `user_id`."""
        count = 0
        for grant in self.refresh.values():
            if grant.user_id == user_id and not grant.revoked:
                grant.revoked = True
                count += 1
        if access:
            for token in [t for t, g in self.access.items() if g.user_id == user_id]:
                del self.access[token]
        return count

    def expire_user(self, user_id: str) -> int:
        """Make the user's refresh tokens expired (six months after consent have passed)."""
        count = 0
        for grant in self.refresh.values():
            if grant.user_id == user_id:
                grant.expires_at = time.time() - 1
                count += 1
        return count


@dataclass
class Stats:
    requests: int = 0
    by_route: dict[str, int] = field(default_factory=dict)

    def count(self, route: str) -> None:
        self.requests += 1
        self.by_route[route] = self.by_route.get(route, 0) + 1
