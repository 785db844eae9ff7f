"""The sandbox as a real server process for tests, with helpers for its admin endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.processes import free_port, running

CLIENT_ID = "resonance-test-client"
REDIRECT_URI = "http://127.0.0.1:9/callback"


@dataclass
class SandboxServer:
    base: str

    @property
    def api(self) -> str:
        return f"{self.base}/v1"

    def admin(self, path: str, body: dict[str, Any] | None = None) -> Any:
        response = httpx.post(f"{self.base}/_sandbox/{path}", json=body or {}, timeout=30)
        response.raise_for_status()
        return response.json()

    def switches(self, **values: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.admin("switches", values)
        return result

    def reset(self, *, world: bool = False) -> None:
        self.admin("reset", {"world": world})

    def token(self, user: str = "demo", **extra: Any) -> str:
        return str(
            self.admin("token", {"user": user, "client_id": CLIENT_ID, **extra})["access_token"]
        )

    def tokens(self, user: str = "demo") -> dict[str, Any]:
        result: dict[str, Any] = self.admin("token", {"user": user, "client_id": CLIENT_ID})
        return result

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = httpx.get(f"{self.base}/_sandbox/stats", timeout=30).json()
        return result

    def playlist_id(self, name: str) -> str:
        for playlist_id, info in self.stats()["playlists"].items():
            if info["name"] == name:
                return str(playlist_id)
        raise KeyError(name)


@contextmanager
def sandbox_process(log_dir: Path) -> Iterator[SandboxServer]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = [
        "resonance",
        "sandbox",
        "--port",
        str(port),
        "--client-id",
        CLIENT_ID,
        "--redirect-uri",
        REDIRECT_URI,
    ]
    # Start-up imports the synthesiser's numerical stack and builds the world: seconds on an
    # idle machine, over 30 s measured on two cores shared by eight test runs (load 15-20).
    with running(
        args, ready_url=f"{base}/_sandbox/switches", log_path=log_dir / "sandbox.log", timeout=120
    ):
        yield SandboxServer(base)
