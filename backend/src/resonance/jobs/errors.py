"""How a job function tells the runner what happened when it cannot simply finish.

Feature packages subclass these (the Spotify client's rate-limit and
re-authorisation errors do), so the runner maps them to visible job states
without knowing about Spotify.
"""

from __future__ import annotations

from datetime import datetime


class JobDeferred(Exception):
    """Stop now and resume at `resume_at` (state ``waiting_rate_limit`` unless told otherwise).

    A deferral is not a failed attempt: it never uses up ``job_max_attempts``.
    """

    def __init__(
        self, resume_at: datetime, reason: str, *, state: str = "waiting_rate_limit"
    ) -> None:
        super().__init__(reason)
        self.resume_at = resume_at
        self.reason = reason
        self.state = state


class JobStopped(Exception):
    """End the job in a terminal state other than ``done``; never retried."""

    def __init__(self, state: str, reason: str) -> None:
        super().__init__(reason)
        self.state = state
        self.reason = reason


class TransientJobError(Exception):
    """A failure worth retrying with backoff (network, a 5xx after the client's own retries)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
