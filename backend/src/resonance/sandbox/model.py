"""The demo world's objects: artists, albums, tracks, playlists, users and the world itself.

Plain data; `resonance.sandbox.world` generates them from a seed, the routes read them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def _derived_id(key: str) -> str:
    """A 22-character base-62 id that KEY always gives."""
    digest = hashlib.blake2b(key.encode(), digest_size=22).digest()
    return "".join(_BASE62[b % 62] for b in digest)


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


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
    album_type: str = "album"  # "single" for a reissue's lead single (`World.reissue`)


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
    # Further Spotify tracks of one recording (ISRC): a single and its album, a deluxe
    # edition. `by_isrc` keeps the first; Spotify's `isrc:` search answers them all.
    isrc_twins: dict[str, list[str]] = field(default_factory=dict)

    def isrc_tracks(self, isrc: str) -> list[str]:
        """Every track id carrying ISRC (the first one, then its reissues)."""
        first = self.by_isrc.get(isrc.upper())
        return [first, *self.isrc_twins.get(isrc.upper(), [])] if first else []

    def reissue(self, track_id: str, album_type: str, release_date: str) -> Track:
        """The recording TRACK_ID again, on a new single or album: same ISRC, new id.

        Ids come from the original's, so reissuing the same way twice gives the same id.
        """
        original = self.tracks[track_id]
        key = f"{track_id}:{album_type}:{release_date}"
        album_id, new_id = _derived_id(f"album:{key}"), _derived_id(f"track:{key}")
        source = self.albums[original.album_id]
        suffix = " (Deluxe Edition)" if album_type == "album" else ""
        album = Album(
            album_id,
            (original.name if album_type == "single" else source.name) + suffix,
            source.artist_id,
            release_date,
            source.genre,
            [new_id],
            album_type,
        )
        track = Track(
            new_id,
            original.name,
            album_id,
            list(original.artist_ids),
            original.duration_ms,
            original.explicit,
            original.isrc,
            1,
            original.genre,
            dict(original.features),
        )
        self.albums[album_id] = album
        self.tracks[new_id] = track
        self.undiscovered.add(new_id)
        twins = self.isrc_twins.setdefault(original.isrc, [])
        if new_id not in twins:
            twins.append(new_id)
        return track

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
