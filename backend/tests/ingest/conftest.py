"""Sandbox fixtures; and no audio analysis behind the tests' backs (tests/audio covers it)."""

from __future__ import annotations

from resonance.app import JOB_HANDLERS
from tests.spotify.fixtures import sandbox, sandbox_server

# Ingestion hands new tracks to the audio stage; these tests leave that kind out.
NO_AUDIO = JOB_HANDLERS.without("audio")

__all__ = ["NO_AUDIO", "sandbox", "sandbox_server"]
