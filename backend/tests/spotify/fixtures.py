"""Fixtures shared by the spotify, sandbox and ingest tests (imported by their conftests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from resonance.settings import Settings
from resonance.spotify import mode
from tests.spotify.sandbox_server import CLIENT_ID, SandboxServer, sandbox_process


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    with sandbox_process(tmp_path_factory.mktemp("sandbox")) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> Iterator[SandboxServer]:
    """The shared sandbox with default switches, zero counters and no remembered quota mode."""
    sandbox_server.reset()
    mode._known.clear()
    yield sandbox_server
    sandbox_server.reset()
    mode._known.clear()


def sandbox_settings(server: SandboxServer, tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path,
        "spotify_api_url": server.api,
        "spotify_accounts_url": server.base,
        "spotify_client_id": CLIENT_ID,
        "spotify_max_retry_after": 2.0,
        "spotify_max_retries": 3,
        "spotify_timeout": 10.0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]
