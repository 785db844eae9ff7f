"""Domain errors: what went wrong, in terms a caller can act on.

Services and dependencies raise these; they know nothing of HTTP. The app layer
(`resonance.app.problems`) is the one place that turns each kind into an RFC 9457
problem+json answer with its status code, and the CLI prints their `detail`.
"""

from __future__ import annotations

from typing import Any


class ResonanceError(Exception):
    """Base of every error a caller is meant to see.

    Parameters
    ----------
    detail
        One sentence for the user: what happened and, where possible, what to do.
    title
        A short summary; the app layer picks one per kind when omitted.
    type_
        A URI naming the problem kind (``/problems/…``) for clients that branch on it.
    headers
        Extra response headers (``Retry-After``, ``WWW-Authenticate``).
    extensions
        Extra JSON members of the problem body (``missing``, ``job_id``…).
    """

    def __init__(
        self,
        detail: str,
        *,
        title: str | None = None,
        type_: str = "about:blank",
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.title = title
        self.type = type_
        self.headers = headers
        self.extensions = extensions


class NotFound(ResonanceError):
    """The thing named does not exist (or is not visible to this caller)."""


class InvalidInput(ResonanceError):
    """The request is well-formed but cannot be acted on as asked."""


class Conflict(ResonanceError):
    """The state of the service does not allow it yet (an empty catalogue…)."""


class Unauthorized(ResonanceError):
    """The caller did not prove who it is (service token, Spotify sign-in)."""


class Forbidden(ResonanceError):
    """The caller is known but may not do this."""


class RateLimited(ResonanceError):
    """A quota or rate limit stands in the way; `Retry-After` says when to come back."""


class UpstreamFailure(ResonanceError):
    """A service we depend on (Spotify, a provider) failed to answer usefully."""


class Unavailable(ResonanceError):
    """We cannot answer right now (a dependency is down); try again later."""
