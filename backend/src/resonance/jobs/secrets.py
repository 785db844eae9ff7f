"""Credentials handed to a job (a Spotify access token, maybe a refresh token), sealed at rest.

They live only in the cache, never in the job row; in Redis they are Fernet tokens
(AES-128-CBC + HMAC-SHA256) so that a Redis dump, a replica or `MONITOR` shows no
usable Spotify token. The key is derived from RESONANCE_SECRET_KEY, else from the
service token, else from a random key file in the data directory (enough for one
host; several hosts must share RESONANCE_SECRET_KEY).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from resonance.settings import Settings

# Refresh a little early: a token that expires mid-request is as bad as an expired one.
EXPIRY_MARGIN = 60.0


@dataclass(frozen=True, slots=True)
class JobSecret:
    """What a job calls Spotify with; `expires_at` (epoch seconds) when known."""

    access_token: str
    refresh_token: str | None = None
    expires_at: float | None = None

    def __repr__(self) -> str:  # never print tokens
        return f"JobSecret(expires_at={self.expires_at}, refresh={self.refresh_token is not None})"

    def expires_within(self, seconds: float) -> bool:
        return self.expires_at is not None and time.time() >= self.expires_at - seconds

    def to_json(self) -> bytes:
        return json.dumps(
            {"a": self.access_token, "r": self.refresh_token, "e": self.expires_at}
        ).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> JobSecret:
        data = json.loads(raw)
        return cls(data["a"], data.get("r"), data.get("e"))


class SecretBox:
    """Seals and opens job secrets with a key derived from the settings."""

    def __init__(self, material: bytes) -> None:
        digest = hashlib.sha256(b"resonance/job-secrets/v1\0" + material).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, secret: JobSecret) -> bytes:
        return self._fernet.encrypt(secret.to_json())

    def open(self, sealed: bytes) -> JobSecret | None:
        """The secret, or None if it was sealed with another key (a rotated one)."""
        try:
            return JobSecret.from_json(self._fernet.decrypt(sealed))
        except (InvalidToken, ValueError, KeyError):
            return None


def secret_box(settings: Settings) -> SecretBox:
    for configured in (settings.secret_key, settings.service_token):
        if configured is not None and configured.get_secret_value():
            return SecretBox(configured.get_secret_value().encode())
    return SecretBox(_key_file(settings.data_dir / "secret.key"))


def _key_file(path: Path) -> bytes:
    """A random key kept in the data directory (created once, readable by us only)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_bytes(32))
    try:
        os.link(scratch, path)  # first writer wins; a concurrent one reads the winner's key
    except FileExistsError:
        pass
    finally:
        scratch.unlink()
    return path.read_bytes()
