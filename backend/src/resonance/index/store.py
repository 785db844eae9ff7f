"""Versioned index directories: build aside, fsync, atomic rename, then record the version.

Layout under `settings.index_dir`::

    v000007/            a complete version (has manifest.json)
    .v000008.tmp-<id>/  a build in progress, or the debris of a killed one

A reader only ever opens `vNNNNNN` directories named by a *ready* row in
`index_versions`, so a build killed at any point leaves the previous version
serving; its debris is removed by the next build.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from resonance.index.fitted import FittedIndex
from resonance.index.persist import load_index, save_index
from resonance.index.vector_index import DEFAULT_EF_SEARCH

KEEP_VERSIONS = 2
# The catalogue map's layout of a version, written beside it (resonance.index.layouts),
# and the progress of a layout under way.
LAYOUT_FILE = "layout.npz"
LAYOUT_PROGRESS_FILE = ".layout-progress.json"


class IndexStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, version: int) -> Path:
        return self.directory / f"v{version:06d}"

    def write(self, version: int, model: FittedIndex) -> Path:
        """Write a complete version directory and rename it into place atomically."""
        self.directory.mkdir(parents=True, exist_ok=True)
        staging = self.directory / f".v{version:06d}.tmp-{uuid.uuid4().hex[:8]}"
        save_index(model, staging)
        final = self.path(version)
        if final.exists():  # a previous attempt at this version number got this far
            shutil.rmtree(final)
        os.rename(staging, final)
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return final

    def load(self, version: int, ef_search: int = DEFAULT_EF_SEARCH) -> FittedIndex:
        return load_index(self.path(version), ef_search=ef_search)

    def cleanup(self, current: int) -> None:
        """Remove build debris and versions older than the last few."""
        if not self.directory.exists():
            return
        # The newest version with a map layout stays too (it draws the map of the newer
        # versions until their own layouts are written), and so do newer ones whose
        # layout is under way.
        laid_out = max(
            (
                int(entry.name[1:])
                for entry in self.directory.iterdir()
                if entry.name[1:].isdigit() and (entry / LAYOUT_FILE).exists()
            ),
            default=0,
        )
        for entry in self.directory.iterdir():
            debris = entry.name.startswith(".v") and ".tmp-" in entry.name
            old = entry.name[1:].isdigit() and int(entry.name[1:]) <= current - KEEP_VERSIONS
            if old:
                version = int(entry.name[1:])
                laying_out = version > laid_out and (entry / LAYOUT_PROGRESS_FILE).exists()
                old = version != laid_out and not laying_out
            if debris or old:
                shutil.rmtree(entry, ignore_errors=True)
