"""Plain input records for catalogue upserts, independent of where the data came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class NamedObjectIn:
    """What artists and albums share: a display name, a Spotify id when known, artwork."""

    name: str
    spotify_id: str | None = None
    image_url: str | None = None


@dataclass(slots=True)
class ArtistIn(NamedObjectIn):
    genres: list[str] | None = None  # None = unknown (leave stored genres alone)


@dataclass(slots=True)
class AlbumIn(NamedObjectIn):
    release_date: str | None = None  # as Spotify gives it: YYYY, YYYY-MM or YYYY-MM-DD


@dataclass(slots=True)
class TrackIn:
    name: str
    spotify_id: str | None = None
    artists: list[ArtistIn] = field(default_factory=list)
    album: AlbumIn | None = None
    # The recording's ISRC ties it across services: previews, MusicBrainz, other catalogues.
    isrc: str | None = None
    duration_ms: int | None = None
    explicit: bool = False
    preview_url: str | None = None


@dataclass(slots=True)
class PlaylistIn:
    spotify_id: str | None
    name: str
    owner_spotify_id: str | None = None
    owner_name: str | None = None
    description: str | None = None
    collaborative: bool = False
    public: bool | None = None
    image_url: str | None = None
    total_items: int | None = None
    snapshot_id: str | None = None
    source: str = "spotify"


@dataclass(slots=True)
class EntryIn:
    position: int
    track_id: int
    added_at: datetime | None = None
