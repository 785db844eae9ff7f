"""Authorization Code with PKCE: verifier, S256 challenge, state and the authorize URL."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import urlencode

VERIFIER_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"
_VERIFIER_RE = re.compile(r"^[A-Za-z0-9_.\-~]{43,128}$")

DEFAULT_SCOPES = (
    "playlist-read-private",
    "playlist-read-collaborative",
    "user-library-read",
    "user-top-read",
    "user-read-recently-played",
    "playlist-modify-private",
    "playlist-modify-public",
)


def make_verifier(length: int = 64) -> str:
    """A random code verifier of `length` (43–128) characters from the allowed set."""
    if not 43 <= length <= 128:
        raise ValueError("a PKCE code verifier has 43 to 128 characters")
    return "".join(secrets.choice(VERIFIER_ALPHABET) for _ in range(length))


def is_valid_verifier(verifier: str) -> bool:
    return bool(_VERIFIER_RE.match(verifier))


def challenge_for(verifier: str) -> str:
    """base64url(SHA-256(verifier)) without padding (method S256)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def make_state() -> str:
    return secrets.token_urlsafe(24)


def authorize_url(
    accounts_url: str,
    *,
    client_id: str,
    redirect_uri: str,
    challenge: str,
    state: str,
    scopes: tuple[str, ...] | list[str] = DEFAULT_SCOPES,
) -> str:
    """The URL to send the browser to; the verifier stays with the caller."""
    query = urlencode(
        {
            "client_id": client_id,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "code_challenge_method": "S256",
            "code_challenge": challenge,
            "state": state,
            "scope": " ".join(scopes),
        }
    )
    return f"{accounts_url.rstrip('/')}/authorize?{query}"
