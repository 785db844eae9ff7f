"""Sandbox fixtures; and no audio analysis behind the tests' backs (tests/audio covers it)."""

from __future__ import annotations

from resonance.app import JOB_HANDLERS
from tests.spotify.fixtures import sandbox, sandbox_server

# Ingestion hands new tracks to the audio stage and chains discovery; these tests leave
# both kinds out (tests/audio and tests/discover cover them).
NO_AUDIO = JOB_HANDLERS.without("audio", "discover")

__all__ = ["NO_AUDIO", "sandbox", "sandbox_server"]
