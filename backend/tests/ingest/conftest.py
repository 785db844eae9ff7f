"""Sandbox fixtures; and no audio analysis behind the tests' backs (it is the audio issue's)."""

from __future__ import annotations

from typing import Any

import pytest

from resonance.jobs import registry
from tests.spotify.fixtures import sandbox, sandbox_server

__all__ = ["sandbox", "sandbox_server"]


@pytest.fixture(autouse=True)
def no_audio_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    real = registry.get_handler

    def without_audio(kind: str) -> Any:
        return None if kind == "audio" else real(kind)

    monkeypatch.setattr("resonance.ingest.jobs.get_handler", without_audio)
