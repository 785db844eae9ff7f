"""Async client for Spotify's accounts service and Web API (or the sandbox that mimics them)."""

from resonance.spotify.auth import AccountsClient
from resonance.spotify.client import Page, SpotifyClient
from resonance.spotify.errors import (
    SPOTIFY_ERRORS,
    QuotaExceededError,
    RateLimitedError,
    ReauthorizationRequired,
    SpotifyBadRequest,
    SpotifyError,
    SpotifyForbidden,
    SpotifyNotFound,
    SpotifyServerError,
    domain_error,
)
from resonance.spotify.ids import SPOTIFY_ID_PATTERN, SpotifyId
from resonance.spotify.pkce import challenge_for, is_valid_verifier
from resonance.spotify.prefetch import prefetch

__all__ = [
    "SPOTIFY_ERRORS",
    "SPOTIFY_ID_PATTERN",
    "AccountsClient",
    "Page",
    "QuotaExceededError",
    "RateLimitedError",
    "ReauthorizationRequired",
    "SpotifyBadRequest",
    "SpotifyClient",
    "SpotifyError",
    "SpotifyForbidden",
    "SpotifyId",
    "SpotifyNotFound",
    "SpotifyServerError",
    "challenge_for",
    "domain_error",
    "is_valid_verifier",
    "prefetch",
]
