"""The demo world's objects: artists, albums, tracks, playlists, users and the world itself.

Plain data; `resonance.sandbox.world` generates them from a seed, the routes read them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(slots=True)
class Artist:
    id: str
    name: str
    genres: list[str]


@dataclass(slots=True)
class Album:
    id: str
    name: str
    artist_id: str
    release_date: str
    genre: str
    track_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Track:
    id: str
    name: str
    album_id: str
    artist_ids: list[str]
    duration_ms: int
    explicit: bool
    isrc: str
    track_number: int
    genre: str
    features: dict[str, float | int]


@dataclass(slots=True)
class Playlist:
    id: str
    name: str
    owner: str
    description: str
    collaborative: bool = False
    public: bool = True
    collaborators: set[str] = field(default_factory=set)
    followers: set[str] = field(default_factory=set)
    track_ids: list[str] = field(default_factory=list)
    added_at: list[str] = field(default_factory=list)
    version: int = 1

    @property
    def snapshot_id(self) -> str:
        return hashlib.sha1(f"{self.id}:{self.version}".encode()).hexdigest()[:32]  # noqa: S324

    def can_read_items(self, user_id: str) -> bool:
        return user_id == self.owner or (self.collaborative and user_id in self.collaborators)


@dataclass(slots=True)
class User:
    id: str
    display_name: str
    account_id: str
    genres: tuple[str, ...]
    saved: list[tuple[str, str]] = field(default_factory=list)  # (track id, added_at)
    top: list[str] = field(default_factory=list)
    recent: list[tuple[str, str]] = field(default_factory=list)  # (track id, played_at)


@dataclass
class World:
    seed: int
    artists: dict[str, Artist]
    albums: dict[str, Album]
    tracks: dict[str, Track]
    users: dict[str, User]
    playlists: dict[str, Playlist]
    tracks_by_genre: dict[str, list[str]]
    by_isrc: dict[str, str]
    # Track ids nobody has in a library or playlist (the discovery catalogue).
    undiscovered: set[str] = field(default_factory=set)
    albums_by_artist: dict[str, list[str]] = field(default_factory=dict)

    def scene_of(self, track_id: str) -> str:
        """Ground truth: the scene (genre) a track was made in. For tests and benchmarks
        only: nothing in the service can import the sandbox, and the API never says it."""
        return self.tracks[track_id].genre

    def user_playlists(self, user_id: str) -> list[Playlist]:
        return [
            p
            for p in self.playlists.values()
            if p.owner == user_id or user_id in p.collaborators or user_id in p.followers
        ]
