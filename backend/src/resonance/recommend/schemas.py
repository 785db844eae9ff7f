"""Request and response bodies of the recommendation API.

Request models refuse what would pass Python's types but break further in: integers
outside the range of the database's id columns (32-bit INTEGER on PostgreSQL, 64-bit
on SQLite; the drivers raised deep in the query, a 500), and ``NaN`` or infinite
floats (JSON's ``NaN`` literal included), which would silently poison every score.
Both are a 422 here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from resonance.jobs import JobOut
from resonance.recommend.options import API_MAX_N
from resonance.spotify import SpotifyId

# A Resonance id as every backend stores it (INTEGER: 32-bit signed on PostgreSQL).
ID_MIN, ID_MAX = -(2**31), 2**31 - 1
TrackId = Annotated[int, Field(ge=ID_MIN, le=ID_MAX)]


class TargetIn(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    name: str = Field(description='A descriptor: "energy", "brightness", "tempo_bpm", "valence"…')
    value: float = Field(description="Wanted value ([0, 1], or BPM for tempo_bpm)")
    strength: float = Field(0.5, ge=0.0, le=1.0, description="0 = ignore … 1 = strongest pull")


class RecommendRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    track_ids: list[TrackId] = Field(
        default_factory=list, max_length=500, description="Resonance track ids"
    )
    spotify_track_ids: list[SpotifyId] = Field(default_factory=list, max_length=500)
    spotify_artist_ids: list[SpotifyId] = Field(default_factory=list, max_length=50)
    playlist_id: SpotifyId | None = Field(
        None, description="Spotify id of a playlist to use as seeds (ingested first if needed)"
    )
    n: int = Field(20, ge=1, le=API_MAX_N)
    exclude_seeds: bool = True
    exclude_playlist: bool = True
    source: Literal["new", "library"] = Field(
        "new",
        description='"new" (default): only music the listener does not have yet, leaving out'
        ' their library and the tracks of their playlists; "library": rediscover what they'
        " have, only their library and the tracks of their playlists. Both need the"
        " listener's token; without it nothing is left out",
    )
    exclude_library: bool = Field(
        False,
        description='With source "library", still leave out saved, top and recently played tracks',
    )
    allow_explicit: bool = True
    targets: list[TargetIn] = Field(default_factory=list, max_length=10)
    genre_mode: Literal["focus", "blend", "explore"] = "blend"
    diversity: float = Field(0.1, ge=0.0, le=1.0)
    max_per_artist: int | Literal["auto"] | None = "auto"
    max_per_album: int | Literal["auto"] | None = "auto"
    wait_seconds: float = Field(
        8.0,
        ge=0.0,
        le=30.0,
        description="How long to wait for a playlist ingestion before answering 202",
    )

    @model_validator(mode="after")
    def _has_seeds(self) -> RecommendRequest:
        if not (
            self.track_ids or self.spotify_track_ids or self.spotify_artist_ids or self.playlist_id
        ):
            raise ValueError(
                "give seeds: track_ids, spotify_track_ids, spotify_artist_ids or playlist_id"
            )
        for cap in (self.max_per_artist, self.max_per_album):
            if isinstance(cap, int) and cap < 1:
                raise ValueError("caps must be at least 1")
        return self


class ArtistOut(BaseModel):
    id: int
    name: str
    spotify_id: str | None


class PreviewOut(BaseModel):
    """A clip the browser can play, and whom to credit for it."""

    url: str = Field(
        description="Spotify's preview URL, or this API's /v1/tracks/{id}/preview, which "
        "serves the ISRC preview provider's clip"
    )
    source: str = Field(description='"Spotify", "Deezer" or "preview provider"')


class TrackOut(BaseModel):
    id: int
    spotify_id: str | None
    name: str
    artists: list[ArtistOut]
    album: str | None
    image_url: str | None
    duration_ms: int | None
    explicit: bool
    preview_url: str | None
    # What the web app plays: `preview_url` when Spotify gives one, else the clip the
    # audio stage found by ISRC (None: no clip known yet).
    preview: PreviewOut | None = None
    genres: list[str]
    descriptors: dict[str, float | str | None]
    audio_status: str


class Comparison(BaseModel):
    name: str
    value: float
    seeds: float
    text: str


class RelatedGenre(BaseModel):
    genre: str
    seed_genre: str
    similarity: float


class ExplanationOut(BaseModel):
    shares: dict[str, float] = Field(
        description="Score split by component; the values sum to the score"
    )
    imputed_blocks: list[str]
    closest: list[Comparison]
    farthest: list[Comparison]
    shared_genres: list[str]
    related_genres: list[RelatedGenre]
    seeds_in_common_playlists: int
    common_playlists: int
    diversity_note: str | None
    genre_similarity: float | None
    provenance: str | None = Field(
        None,
        description="Where a discovered track came from (its provider and seed), when it"
        " was found by discovery",
    )
    found_by: str | None = Field(
        None,
        description='A discovered track\'s badge: who found it ("New · Spotify"), else null',
    )
    sentences: list[str]
    summary: str = Field(
        description="The score's parts in the web app's words, each positive component's"
        ' share of their sum, largest first: "Sound 62%, Genre 30%"'
    )


class RecommendationOut(BaseModel):
    rank: int
    score: float = Field(description="The raw score; its explanation's shares sum to it")
    match: float = Field(
        ge=0.0,
        le=100.0,
        description="The score as a match: 0–100 % of the best score possible, one scale"
        " for any number of seeds (docs/recommendations.md)",
    )
    track: TrackOut
    explanation: ExplanationOut


class DiscoveryOut(BaseModel):
    state: Literal["finding", "paused", "done", "failed", "none"] = Field(
        description='"finding": discovery is still running, ask again for more; "paused":'
        ' waiting out a rate limit; "done"; "failed" (what it found is kept); "none": no'
        " discovery has run for this listener"
    )
    found: int = Field(description="New tracks discovery has found so far for these seeds")
    job_id: str | None
    message: str | None = Field(
        description="What to tell the listener (also the first of `notes`), or null when"
        " the list is full"
    )


class RecommendResponse(BaseModel):
    status: Literal["ok"] = "ok"
    index_version: int
    seeds: list[TrackOut]
    items: list[RecommendationOut]
    notes: list[str] = Field(
        default_factory=list,
        description="What the listener should know about the list as a whole, such as that"
        " nothing in the catalogue shares a genre or a playlist with the seeds",
    )
    discovery: DiscoveryOut | None = Field(
        None,
        description='With `source` "new" and a signed-in listener: how discovery of new'
        " music for them is going",
    )
    took_ms: float


class PendingResponse(BaseModel):
    status: Literal["pending"] = "pending"
    job: JobOut
    detail: str


class SimilarResponse(BaseModel):
    index_version: int
    track: TrackOut
    items: list[RecommendationOut]


class MapResponse(BaseModel):
    """The map's points in columns: row i of every list is one track.

    Columns, not one object per point: 50,000 points are a third smaller and parse
    several times faster in the browser.
    """

    status: Literal["ok"] = "ok"
    index_version: int
    layout_version: int = Field(
        description="The index version whose layout placed the tracks: an earlier one while"
        " the newest is laid out, with the tracks new since beside their nearest neighbours"
    )
    total: int = Field(description="Tracks in the index; more than returned when sampled")
    ids: list[int]
    x: list[float] = Field(description="0..1, left to right")
    y: list[float] = Field(description="0..1, bottom to top")
    genre: list[int] = Field(description="Index into `genres` of the first genre, -1 for none")
    names: list[str]
    genres: list[str]


class MapPending(BaseModel):
    """The first layout of the catalogue is being computed: ask again in a moment."""

    status: Literal["laying_out"] = "laying_out"
    index_version: int
    done: int = Field(description="Steps of the layout done")
    total: int = Field(description="Steps of the layout in all")
    detail: str
