"""The container files are valid: Compose resolves, Dockerfiles lint clean.

There is no Docker engine here, so images are not built; `docker-compose config`
and hadolint need none. Under CI=true both tools must be installed (.ci/run does).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.services import IN_CI

ROOT = Path(__file__).resolve().parents[2]
ENV = {
    "POSTGRES_PASSWORD": "pw",
    "RECOMMENDER_SERVICE_TOKEN": "token",
    "SPOTIFY_CLIENT_ID": "client",
    "SPOTIFY_REDIRECT_URI": "https://resonance.example/callback",
    "SESSION_SECRET": "s" * 32,
}


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found:
        return found
    if IN_CI:
        pytest.fail(f"{name} is not installed (CI=true: .ci/run must install it)")
    pytest.skip(f"{name} is not installed")


def test_compose_file_resolves_and_requires_its_secrets() -> None:
    compose = _tool("docker-compose")
    args = [compose, "-f", str(ROOT / "docker-compose.next.yml"), "config"]
    resolved = subprocess.run(args, env={**os.environ, **ENV}, capture_output=True, text=True)
    assert resolved.returncode == 0, resolved.stderr
    for service in ("frontend:", "backend:", "worker:", "postgres:", "redis:", "migrate:"):
        assert service in resolved.stdout
    assert "condition: service_healthy" in resolved.stdout
    missing = subprocess.run(
        args, env={**os.environ, **ENV, "POSTGRES_PASSWORD": ""}, capture_output=True, text=True
    )
    assert missing.returncode != 0
    assert "set POSTGRES_PASSWORD" in missing.stderr


@pytest.mark.parametrize("dockerfile", ["backend/Dockerfile", "frontend/Dockerfile"])
def test_dockerfiles_lint_clean(dockerfile: str) -> None:
    hadolint = _tool("hadolint")
    result = subprocess.run([hadolint, str(ROOT / dockerfile)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = (ROOT / dockerfile).read_text()
    assert "HEALTHCHECK" in text
    assert "\nUSER " in text, "runs as a non-root user"


def test_the_web_server_heap_is_capped_below_its_container_limit() -> None:
    """V8 would size the Next.js heap from the host's memory (docs/security.md)."""

    compose = _tool("docker-compose")
    args = [compose, "-f", str(ROOT / "docker-compose.next.yml"), "config"]
    resolved = subprocess.run(args, env={**os.environ, **ENV}, capture_output=True, text=True)
    assert resolved.returncode == 0, resolved.stderr
    frontend = yaml.safe_load(resolved.stdout)["services"]["frontend"]
    cap = re.search(r"--max-old-space-size=(\d+)", frontend["environment"]["NODE_OPTIONS"])
    assert cap is not None, "the frontend sets no V8 heap cap"
    size = re.fullmatch(r"(\d+)([bkmg]?)", str(frontend["mem_limit"]).lower())
    assert size is not None, f"mem_limit {frontend['mem_limit']!r} is not a size"
    unit = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30}[size.group(2)]
    limit_mb = int(size.group(1)) * unit // 2**20
    # Old space plus young generation, code and buffers (about 170 MB under load) must fit.
    assert int(cap.group(1)) + 192 <= limit_mb
