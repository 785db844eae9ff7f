"""The accounts service: exchanging a PKCE code and refreshing (with rotation)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from resonance.spotify.errors import ReauthorizationRequired, SpotifyServerError, TokenError
from resonance.spotify.transport import error_body


@dataclass(frozen=True, slots=True)
class TokenSet:
    access_token: str
    refresh_token: str | None
    expires_at: float  # epoch seconds
    scope: str

    def __repr__(self) -> str:  # never print tokens, even in a debugger or a traceback
        return f"TokenSet(expires_at={self.expires_at:.0f}, scope={self.scope!r})"

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires_at - 30


class AccountsClient:
    """Token requests against `{accounts_url}/api/token` (form encoded, no client secret)."""

    def __init__(self, accounts_url: str, client_id: str, *, timeout: float = 15.0) -> None:
        self.token_url = f"{accounts_url.rstrip('/')}/api/token"
        self.client_id = client_id
        self.timeout = timeout

    async def exchange_code(self, *, code: str, redirect_uri: str, verifier: str) -> TokenSet:
        """Trade an authorization code for tokens (grant_type=authorization_code)."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": self.client_id,
            "code_verifier": verifier,
        }
        return await self._token(form, previous_refresh=None)

    async def refresh(self, refresh_token: str) -> TokenSet:
        """New tokens; keeps `refresh_token` when Spotify does not rotate it.

        Raises
        ------
        ReauthorizationRequired
            On ``invalid_grant``: the refresh token was used, revoked or has expired.
        """
        form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": self.client_id,
        }
        return await self._token(form, previous_refresh=refresh_token)

    async def _token(self, form: dict[str, str], *, previous_refresh: str | None) -> TokenSet:
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as http:
                response = await http.post(self.token_url, data=form)
        except httpx.HTTPError as error:
            raise SpotifyServerError(
                f"accounts service unreachable: {type(error).__name__}"
            ) from error
        if response.status_code >= 500:
            raise SpotifyServerError(f"accounts service answered {response.status_code}")
        if response.status_code != 200:
            body = response.json() if response.content else {}
            code = str(body.get("error", "")) if isinstance(body, dict) else ""
            description = error_body(response)[0]
            if code == "invalid_grant":
                raise ReauthorizationRequired(
                    f"Spotify no longer accepts this sign-in ({description}); please sign in again."
                )
            raise TokenError(code or str(response.status_code), description)
        body = response.json()
        return TokenSet(
            access_token=body["access_token"],
            # Rotation: store a new refresh token when one comes back, keep the old one otherwise.
            refresh_token=body.get("refresh_token") or previous_refresh,
            expires_at=time.time() + float(body.get("expires_in", 3600)),
            scope=str(body.get("scope", "")),
        )
