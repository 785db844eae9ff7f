"""Sources of tracks: a Spotify library or playlist, Exportify CSV files, a local folder.

Spotify ingestion runs as resumable jobs; local folder scanning analyses the files it
reads (through `resonance.audio`), so it sits above the audio stage.
"""

from resonance.ingest.endpoints import router
from resonance.ingest.exportify import (
    ImportReport,
    import_exportify_file,
    imported_playlist_tracks,
)
from resonance.ingest.imports import analyse_imported, import_owners
from resonance.ingest.jobs import JOB_HANDLERS
from resonance.ingest.local_folder import ScanSummary, scan_folders
from resonance.ingest.save import save_playlist
from resonance.ingest.schemas import PlaylistCreate, PlaylistCreated

__all__ = [
    "JOB_HANDLERS",
    "ImportReport",
    "PlaylistCreate",
    "PlaylistCreated",
    "ScanSummary",
    "analyse_imported",
    "import_exportify_file",
    "import_owners",
    "imported_playlist_tracks",
    "router",
    "save_playlist",
    "scan_folders",
]
