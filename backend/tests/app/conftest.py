"""Sandbox fixtures (the schemathesis run puts the sandbox behind the API)."""

from tests.spotify.fixtures import sandbox, sandbox_server

__all__ = ["sandbox", "sandbox_server"]
