"""Async client for Spotify's accounts service and Web API (or the sandbox that mimics them)."""

from resonance.spotify.client import SpotifyClient
from resonance.spotify.errors import (
    QuotaExceededError,
    RateLimitedError,
    ReauthorizationRequired,
    SpotifyError,
    SpotifyForbidden,
    SpotifyNotFound,
    SpotifyServerError,
)

__all__ = [
    "QuotaExceededError",
    "RateLimitedError",
    "ReauthorizationRequired",
    "SpotifyClient",
    "SpotifyError",
    "SpotifyForbidden",
    "SpotifyNotFound",
    "SpotifyServerError",
]
