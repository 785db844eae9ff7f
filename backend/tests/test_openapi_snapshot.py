"""The web app's snapshot of the OpenAPI document matches the API.

frontend/lib/api/openapi.json is where the web app takes its request defaults and limits
from (and its generated types), so it must describe the API as it is. Compared as parsed
JSON: key order and whitespace don't matter, content does.
"""

from __future__ import annotations

import json
from pathlib import Path

from resonance.app import create_app

SNAPSHOT = Path(__file__).resolve().parents[2] / "frontend" / "lib" / "api" / "openapi.json"
FIX = "run `npm run gen:api` in frontend/ and commit lib/api/openapi.json and lib/api/types.ts"


def _differences(expected: object, actual: object, where: str = "$") -> list[str]:
    """Paths where two JSON values differ, so the failure says what changed."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out: list[str] = []
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                out.append(f"{where}.{key}: only in the snapshot")
            elif key not in expected:
                out.append(f"{where}.{key}: only in the API")
            else:
                out.extend(_differences(expected[key], actual[key], f"{where}.{key}"))
        return out
    if expected != actual:
        return [f"{where}: snapshot {json.dumps(expected)[:80]} != API {json.dumps(actual)[:80]}"]
    return []


def test_frontend_openapi_snapshot_is_current() -> None:
    assert SNAPSHOT.is_file(), f"{SNAPSHOT} is missing: {FIX}"
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    # Round-trip through JSON so tuples, ints-as-floats etc. compare as the file would hold them.
    live = json.loads(json.dumps(create_app().openapi()))
    diff = _differences(snapshot, live)
    assert not diff, (
        "frontend/lib/api/openapi.json is stale; " + FIX + ":\n  " + "\n  ".join(diff[:20])
    )
