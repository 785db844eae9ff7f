"""Request and response bodies of the ingestion and library endpoints."""

from __future__ import annotations

from pydantic import BaseModel, Field

from resonance.spotify import SpotifyId

PLAYLIST_KEY = (
    'Spotify id, or "imported-<n>" for a playlist imported from a file (use it wherever a'
    " playlist id goes: /v1/playlists/{id}, analysis, `playlist_id` of a recommendation)"
)
SOURCE = 'Where its tracks came from: "spotify", or "exportify" for an imported CSV'


class PlaylistSummary(BaseModel):
    id: str | None = Field(description=PLAYLIST_KEY)
    name: str
    owner_name: str | None
    collaborative: bool
    owned: bool
    relation: str = Field(description="owned | collaborative | followed | imported")
    source: str = Field("spotify", description=SOURCE)
    contents_available: bool
    track_count: int | None
    image_url: str | None
    ingested_snapshot_id: str | None
    analysed_track_count: int


class TrackSummary(BaseModel):
    id: str | None = Field(description="Spotify id")
    track_id: int = Field(description="Resonance id (for /v1/tracks/{id})")
    title: str
    artists: list[str]
    album: str | None
    image_url: str | None
    duration_ms: int | None
    audio_status: str
    preview_url: str | None


class LibraryOut(BaseModel):
    playlists: list[PlaylistSummary]
    saved_tracks: list[TrackSummary]
    top_tracks: list[TrackSummary]


class PlaylistOut(BaseModel):
    id: str | None = Field(description=PLAYLIST_KEY)
    source: str = Field("spotify", description=SOURCE)
    name: str
    description: str | None
    owner_name: str | None
    collaborative: bool
    contents_available: bool
    image_url: str | None
    snapshot_id: str | None
    ingested_snapshot_id: str | None
    tracks: list[TrackSummary]


class PlaylistCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=300)
    public: bool = False
    track_ids: list[SpotifyId] = Field(
        min_length=1, max_length=10_000, description="Spotify track ids, in order"
    )


class PlaylistCreated(BaseModel):
    id: str
    url: str
    name: str
    already_saved: bool = Field(
        False, description="True when this list was saved before: the answer is that playlist"
    )
