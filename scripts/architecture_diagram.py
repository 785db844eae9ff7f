"""Draw the backend's layers from the import-linter contract and the real import graph.

Prints a Mermaid diagram: one box per layer of `[tool.importlinter]` in
backend/pyproject.toml (top first), and one arrow per package that imports another,
as grimp finds them in the code (type-only imports left out, like the contract);
arrows into the three foundation layers are left out.
`--write` puts it into docs/architecture.md between its diagram markers.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- diagram:begin -->", "<!-- diagram:end -->"


def layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "backend" / "pyproject.toml").read_text())
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers"]
    return [
        [p.strip().removeprefix("resonance.") for p in row.split("|")] for row in contract["layers"]
    ]


def package_edges() -> set[tuple[str, str]]:
    graph = grimp.build_graph("resonance", exclude_type_checking_imports=True)
    edges = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            a, b = module.split("."), imported.split(".")
            if len(a) > 1 and len(b) > 1 and a[1] != b[1]:
                edges.add((a[1], b[1]))
    return edges


def diagram() -> str:
    rows = layers()
    known = {p for row in rows for p in row}
    lines = ["```mermaid", "flowchart TB"]
    for i, row in enumerate(rows):
        lines.append(f'  subgraph L{i}["layer {len(rows) - i}"]')
        lines.extend(f"    {p}" for p in row)
        lines.append("  end")
    # Everything may use the foundations (settings, errors, logging, metrics, db, cache);
    # arrows into them would hide the shape of the rest.
    foundations = {p for row in rows[-3:] for p in row}
    for a, b in sorted(package_edges()):
        if a in known and b in known and b not in foundations:
            lines.append(f"  {a} --> {b}")
    lines.append("```")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="update docs/architecture.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if the doc is stale")
    args = parser.parse_args()
    drawn = diagram()
    if not (args.write or args.check):
        print(drawn)
        return
    text = DOC.read_text()
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    fresh = f"{head}{BEGIN}\n{drawn}\n{END}{tail}"
    if args.check:
        if fresh != text:
            sys.exit("docs/architecture.md is stale: run scripts/architecture_diagram.py --write")
        return
    DOC.write_text(fresh)


if __name__ == "__main__":
    main()
