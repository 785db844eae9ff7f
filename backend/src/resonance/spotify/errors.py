"""Typed Spotify failures.

The ones a job cannot fix by itself subclass the job system's outcomes, so the
runner turns them into visible job states without knowing about Spotify.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from resonance.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    ResonanceError,
    Unauthorized,
    UpstreamFailure,
)
from resonance.jobs import JobDeferred, JobStopped, TransientJobError


class SpotifyError(Exception):
    """Any answer from Spotify we cannot use (status and Spotify's message).

    Spotify's 4xx answers are about what was asked (an id that does not exist, a malformed
    one, someone else's private playlist), not an outage: their subclasses pass them on as
    the client's problem. `UpstreamFailure` stays for answers we could not use at all.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"Spotify answered {status}: {message}")
        self.status = status
        self.message = message

    def as_domain(self) -> ResonanceError:
        return UpstreamFailure(f"Spotify answered {self.status}: {self.message}")


class SpotifyForbidden(SpotifyError):
    """403: the app or user may not read this (development mode, someone else's playlist)."""

    def as_domain(self) -> ResonanceError:
        return Forbidden(
            f"Spotify does not allow this: {self.message}", type_="/problems/spotify-forbidden"
        )


class SpotifyNotFound(SpotifyError):
    """404: no such object (or an editorial playlist hidden from new apps)."""

    def as_domain(self) -> ResonanceError:
        return NotFound(
            f"Not found on Spotify: {self.message}",
            title="Not found on Spotify",
            type_="/problems/spotify-not-found",
        )


class SpotifyBadRequest(SpotifyError):
    """400 from the Web API (a bug on our side or a malformed id; never retried)."""

    def as_domain(self) -> ResonanceError:
        return InvalidInput(
            f"Spotify refused the request: {self.message}", type_="/problems/spotify-bad-request"
        )


class RateLimitedError(JobDeferred):
    """429 whose Retry-After exceeds the cap: the job resumes at `resume_at` instead of hanging."""

    def __init__(self, retry_after: float) -> None:
        resume_at = datetime.now(UTC) + timedelta(seconds=retry_after)
        super().__init__(
            resume_at, f"Spotify rate limit: retry after {retry_after:.0f} s (job rescheduled)"
        )
        self.retry_after = retry_after


class QuotaExceededError(JobStopped):
    """429 with reason QUOTA_EXCEEDED: the development-mode quota is used up."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            "quota_exceeded",
            "Spotify quota exceeded for this app (development mode); try again later "
            "or ask Spotify for extended quota." + (f" ({message})" if message else ""),
        )


class ReauthorizationRequired(JobStopped):
    """The user must sign in again: invalid_grant, or a revoked/expired access token."""

    def __init__(
        self, reason: str = "The Spotify session has ended; please sign in again."
    ) -> None:
        super().__init__("needs_reauth", reason)


class SpotifyServerError(TransientJobError):
    """5xx or timeouts that outlasted the client's own bounded retries."""


class TokenError(Exception):
    """The accounts service refused a token request for a reason other than invalid_grant."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


SPOTIFY_ERRORS: tuple[type[Exception], ...] = (
    SpotifyError,
    ReauthorizationRequired,
    QuotaExceededError,
    RateLimitedError,
    SpotifyServerError,
)


def domain_error(error: Exception) -> ResonanceError:
    """A Spotify failure as the domain error a caller can act on (sign in, wait, retry)."""
    if isinstance(error, ReauthorizationRequired):
        return Unauthorized(
            error.reason, title="Spotify sign-in needed", type_="/problems/spotify-reauth"
        )
    if isinstance(error, QuotaExceededError):
        return RateLimited(error.reason, type_="/problems/spotify-quota")
    if isinstance(error, RateLimitedError):
        return RateLimited(
            error.reason,
            type_="/problems/spotify-rate-limit",
            headers={"Retry-After": str(int(error.retry_after) + 1)},
        )
    if isinstance(error, SpotifyServerError):
        return UpstreamFailure(error.reason, type_="/problems/spotify-unavailable")
    if isinstance(error, SpotifyError):
        return error.as_domain()
    raise error
