"""Validate JSON bodies against a schema of Spotify's OpenAPI file (3.0 → JSON Schema)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

_NAME = Path("reference") / "spotify-web-api-openapi.yml"
# Spotify's definition lives beside the repository (../shared), not in it; a clone
# elsewhere (CI's) finds it through the variable or the workspace's usual place.
_CANDIDATES = [
    Path(os.environ.get("RESONANCE_SPOTIFY_OPENAPI", "/nonexistent")),
    Path(__file__).resolve().parents[4] / "shared" / _NAME,
    Path("/work/shared") / _NAME,
]
SPEC = next((p for p in _CANDIDATES if p.is_file()), _CANDIDATES[1])


def _convert(node: Any) -> Any:
    """OpenAPI 3.0 `nullable: true` → a JSON Schema type list; drop `discriminator`."""
    if isinstance(node, list):
        return [_convert(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _convert(v) for k, v in node.items() if k not in ("discriminator", "example")}
    if out.pop("nullable", False):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@lru_cache
def _components() -> dict[str, Any]:
    spec = yaml.safe_load(SPEC.read_text())
    return {"components": _convert(spec["components"])}


def available() -> bool:
    return SPEC.exists()


def validate(body: Any, ref: str) -> None:
    """`ref` is "schemas/TrackObject" or "responses/ManyTracks"."""
    kind, name = ref.split("/")
    components = _components()
    if kind == "responses":
        schema = components["components"]["responses"][name]["content"]["application/json"][
            "schema"
        ]
    else:
        schema = {"$ref": f"#/components/schemas/{name}"}
    jsonschema.validate(body, {**components, **schema})
