"""The index stage: fit, persist, store and hold FAISS index versions.

`build_index` snapshots the catalogue, fits a `FittedIndex` (vectors plus a FAISS
index), writes it aside and records a ready version; `ModelHolder` serves the newest
ready version in each API process and swaps in newer ones without blocking readers.
"""

from resonance.index.build import BuildResult, EmptyCatalogue, build_index
from resonance.index.fitted import FitConfigs, FittedIndex
from resonance.index.holder import ModelHolder
from resonance.index.incremental import FeedReport, IncrementalFeed, replace_rows
from resonance.index.jobs import JOB_HANDLERS
from resonance.index.layouts import (
    Progress,
    SavedLayout,
    is_running,
    latest_layout,
    layout_progress,
    load_layout,
    start_layout,
)
from resonance.index.persist import load_index, save_index
from resonance.index.projection import LayoutConfig, layout, place_missing, place_new
from resonance.index.repository import current_version, list_versions
from resonance.index.store import IndexStore
from resonance.index.vector_index import (
    DEFAULT_EF_SEARCH,
    IndexConfig,
    VectorIndex,
    serve_single_threaded,
)

__all__ = [
    "DEFAULT_EF_SEARCH",
    "JOB_HANDLERS",
    "BuildResult",
    "EmptyCatalogue",
    "FeedReport",
    "FitConfigs",
    "FittedIndex",
    "IncrementalFeed",
    "IndexConfig",
    "IndexStore",
    "LayoutConfig",
    "ModelHolder",
    "Progress",
    "SavedLayout",
    "VectorIndex",
    "build_index",
    "current_version",
    "is_running",
    "latest_layout",
    "layout",
    "layout_progress",
    "list_versions",
    "load_index",
    "load_layout",
    "place_missing",
    "place_new",
    "replace_rows",
    "save_index",
    "serve_single_threaded",
    "start_layout",
]
