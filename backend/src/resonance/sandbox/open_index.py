"""The demo world as the open services see it: MBIDs, Deezer ids and similarity.

MusicBrainz ids are UUIDs derived from the Spotify ids, Deezer ids integers derived the
same way, so every sandbox with the same seed answers the same. Similarity follows the
world's scenes (the ground truth the recommender never reads): an artist's similar
artists and a recording's similar recordings come from its own genre, in a stable
order that mixes the known and the undiscovered catalogue, as real services would.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

from resonance.sandbox.model import Artist, Track, World

_NAMESPACE = uuid.UUID("6f9b8c1e-5d4a-4f1b-9a57-2f0e3c4b5a61")


def mbid(kind: str, spotify_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{spotify_id}"))


def deezer_id(spotify_id: str) -> int:
    return int.from_bytes(hashlib.sha256(spotify_id.encode()).digest()[:4], "big") % 10**9


def _order(key: str, other: str) -> bytes:
    return hashlib.sha256(f"{key}>{other}".encode()).digest()


def plain(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass
class OpenIndex:
    """Reverse lookups over one world, built once per world."""

    world: World
    artist_by_mbid: dict[str, str] = field(default_factory=dict)
    track_by_mbid: dict[str, str] = field(default_factory=dict)
    artist_by_deezer: dict[int, str] = field(default_factory=dict)
    artist_by_name: dict[str, str] = field(default_factory=dict)
    tracks_by_artist: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for artist in self.world.artists.values():
            self.artist_by_mbid[mbid("artist", artist.id)] = artist.id
            self.artist_by_deezer[deezer_id(artist.id)] = artist.id
            self.artist_by_name[plain(artist.name)] = artist.id
        for track in self.world.tracks.values():
            self.track_by_mbid[mbid("recording", track.id)] = track.id
            self.tracks_by_artist.setdefault(track.artist_ids[0], []).append(track.id)

    def similar_artists(self, artist: Artist, limit: int) -> list[tuple[Artist, float]]:
        scene = artist.genres[0]
        others = [
            a for a in self.world.artists.values() if a.genres[0] == scene and a is not artist
        ]
        others.sort(key=lambda a: _order(artist.id, a.id))
        return [(a, round(1.0 - i / (len(others) + 1), 4)) for i, a in enumerate(others[:limit])]

    def similar_tracks(self, track: Track, limit: int) -> list[tuple[Track, float]]:
        pool = [self.world.tracks[t] for t in self.world.tracks_by_genre[track.genre]]
        pool = [t for t in pool if t.id != track.id]
        pool.sort(key=lambda t: _order(track.id, t.id))
        return [(t, round(1.0 - i / (limit + 1), 4)) for i, t in enumerate(pool[:limit])]

    def top_tracks(self, artist_id: str, limit: int) -> list[Track]:
        ids = sorted(self.tracks_by_artist.get(artist_id, []), key=lambda t: _order("top", t))
        return [self.world.tracks[t] for t in ids[:limit]]

    def tag_tracks(self, tag: str, limit: int, page: int = 1) -> tuple[list[Track], int]:
        """Tracks whose scene or artist's genres carry `tag`, and how many there are."""
        wanted = plain(tag)
        hits = [
            t
            for t in self.world.tracks.values()
            if t.genre == wanted or wanted in self.world.artists[t.artist_ids[0]].genres
        ]
        hits.sort(key=lambda t: _order(wanted, t.id))
        start = (page - 1) * limit
        return hits[start : start + limit], len(hits)
