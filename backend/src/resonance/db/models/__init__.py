"""Every typed table of the service, so that `Base.metadata` is complete (Alembic, tests).

Each feature package owns the queries over its tables in its repository; the models live
here, at the bottom, so that any layer can name a row type without importing a feature.
"""

from resonance.db.base import Base
from resonance.db.models.audio import LibraryFile
from resonance.db.models.catalog import (
    SPOTIFY_FEATURE_NAMES,
    Album,
    Artist,
    ArtistGenre,
    AudioDescriptors,
    Genre,
    LibraryItem,
    Playlist,
    PlaylistEntry,
    SpotifyAudioFeatures,
    Track,
    TrackArtist,
    TrackGenre,
    User,
    UserPlaylist,
)
from resonance.db.models.discover import DiscoveryUsage, TrackProvenance
from resonance.db.models.index import IndexVersion
from resonance.db.models.jobs import JOB_STATES, TERMINAL_STATES, Job
from resonance.db.models.radio import RadioSession

__all__ = [
    "JOB_STATES",
    "SPOTIFY_FEATURE_NAMES",
    "TERMINAL_STATES",
    "Album",
    "Artist",
    "ArtistGenre",
    "AudioDescriptors",
    "Base",
    "DiscoveryUsage",
    "Genre",
    "IndexVersion",
    "Job",
    "LibraryFile",
    "LibraryItem",
    "Playlist",
    "PlaylistEntry",
    "RadioSession",
    "SpotifyAudioFeatures",
    "Track",
    "TrackArtist",
    "TrackGenre",
    "TrackProvenance",
    "User",
    "UserPlaylist",
]
