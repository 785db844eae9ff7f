"""The architecture page's diagram is drawn from the code; it must not go stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "architecture_diagram.py"


def test_the_architecture_diagram_matches_the_import_graph() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_the_diagram_draws_every_layer_of_the_contract() -> None:
    drawn = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=True
    ).stdout
    for package in ("cli", "app", "recommend", "index", "vectors", "ingest", "audio", "catalog"):
        assert f"    {package}\n" in drawn
    assert "recommend --> index" in drawn and "index --> recommend" not in drawn
