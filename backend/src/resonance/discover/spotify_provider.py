"""The first provider: Spotify discographies of the seeds' artists and search by genre.

Everything here works for a development-mode app (February 2026): `/artists/{id}/albums`
(limit ≤ 10), `/albums/{id}/tracks`, and `/search` (limit ≤ 10, offset ≤ 1000) with
`genre:` filters. No recommendations, related artists or top tracks: those are gone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from typing import Any

from resonance.catalog import AlbumIn, ArtistIn, TrackIn
from resonance.discover.cached import CachedSpotify
from resonance.discover.providers import Candidate, Provenance, ProviderFailed, Seed

SEARCH_LIMIT = 10  # Spotify's cap since February 2026
SEARCH_MAX_OFFSET = 1000
ARTISTS_PER_GENRE = 4  # artists found by a genre search whose newest album is read


def _largest_image(images: Any) -> str | None:
    if not isinstance(images, list) or not images:
        return None
    best = max(images, key=lambda i: (i.get("width") or 0) * (i.get("height") or 0))
    return str(best["url"]) if best.get("url") else None


def _items(body: dict[str, Any], provider: str, what: str) -> list[dict[str, Any]]:
    items = body.get("items")
    if not isinstance(items, list):
        raise ProviderFailed(provider, f"{what}: no list of items in the answer")
    return [i for i in items if isinstance(i, dict)]


def album_in(album: dict[str, Any]) -> AlbumIn:
    return AlbumIn(
        name=str(album.get("name") or ""),
        spotify_id=album.get("id"),
        release_date=album.get("release_date"),
        image_url=_largest_image(album.get("images")),
    )


def track_in(obj: dict[str, Any], album: dict[str, Any] | None = None) -> TrackIn | None:
    """A full or simplified track object (with its album given separately)."""
    if obj.get("type", "track") != "track" or not obj.get("id") or obj.get("is_local"):
        return None
    album = album or obj.get("album") or None
    return TrackIn(
        name=str(obj.get("name") or ""),
        spotify_id=str(obj["id"]),
        isrc=(obj.get("external_ids") or {}).get("isrc"),
        duration_ms=obj.get("duration_ms"),
        explicit=bool(obj.get("explicit", False)),
        preview_url=obj.get("preview_url"),
        album=album_in(album) if album else None,
        artists=[
            ArtistIn(name=str(a.get("name") or ""), spotify_id=a["id"])
            for a in obj.get("artists") or []
            if isinstance(a, dict) and a.get("id")
        ],
    )


class SpotifyCatalogueProvider:
    """Candidates from Spotify's catalogue for artist and genre seeds."""

    name = "spotify"

    def __init__(
        self,
        api: CachedSpotify,
        *,
        albums_per_artist: int,
        search_pages: int,
        known_artists: Collection[str] = (),
    ) -> None:
        # Artists the listener already plays: a genre search looks past them.
        self.known_artists = set(known_artists)
        self.api = api
        self.albums_per_artist = albums_per_artist
        self.search_pages = search_pages

    def accepts(self, seed: Seed) -> bool:
        return seed.kind in ("artist", "genre")

    async def candidates(self, seed: Seed) -> AsyncIterator[list[Candidate]]:
        if seed.kind == "artist":
            async for batch in self._discography(seed, seed.ref, seed.label):
                yield batch
        elif seed.kind == "genre":
            async for batch in self._genre(seed):
                yield batch

    async def _albums(self, artist_id: str, count: int) -> list[dict[str, Any]]:
        body = await self.api.get(
            f"/artists/{artist_id}/albums",
            "/artists/{id}/albums",
            {"limit": min(count, 10), "include_groups": "album,single"},
        )
        return _items(body, self.name, "an artist's albums")[:count]

    async def _album_tracks(
        self, album: dict[str, Any], provenance: Provenance, **extra: Any
    ) -> list[Candidate]:
        body = await self.api.get(
            f"/albums/{album['id']}/tracks", "/albums/{id}/tracks", {"limit": 50}
        )
        out = []
        for obj in _items(body, self.name, "an album's tracks"):
            track = track_in(obj, album)
            if track is not None:
                out.append(Candidate(track, provenance, **extra))
        return out

    async def _discography(
        self, seed: Seed, artist_id: str, artist_name: str
    ) -> AsyncIterator[list[Candidate]]:
        for album in await self._albums(artist_id, self.albums_per_artist):
            if not album.get("id"):
                continue
            provenance = Provenance(
                self.name,
                seed,
                "album_by_seed_artist",
                {
                    "artist": artist_name,
                    "artist_id": artist_id,
                    "album": album.get("name"),
                    "album_id": album["id"],
                    "release_date": album.get("release_date"),
                },
            )
            yield await self._album_tracks(album, provenance)

    async def _genre(self, seed: Seed) -> AsyncIterator[list[Candidate]]:
        genre = seed.ref
        query = f'genre:"{genre}"'
        for page in range(self.search_pages):
            offset = page * SEARCH_LIMIT
            if offset > SEARCH_MAX_OFFSET:
                break
            body = await self.api.get(
                "/search",
                "/search",
                {"q": query, "type": "track", "limit": SEARCH_LIMIT, "offset": offset},
            )
            tracks = body.get("tracks")
            if not isinstance(tracks, dict):
                raise ProviderFailed(self.name, "search answered without tracks")
            provenance = Provenance(
                self.name, seed, "genre_search", {"genre": genre, "query": query}
            )
            batch = [
                Candidate(t, provenance, track_genres=[genre])
                for obj in _items(tracks, self.name, "search")
                if (t := track_in(obj)) is not None
            ]
            yield batch
            if not tracks.get("next"):
                break
        # Artists of the genre the listener does not play yet: their newest album.
        body = await self.api.get(
            "/search", "/search", {"q": query, "type": "artist", "limit": SEARCH_LIMIT}
        )
        artists = body.get("artists")
        if not isinstance(artists, dict):
            raise ProviderFailed(self.name, "search answered without artists")
        fresh = [
            a
            for a in _items(artists, self.name, "search")
            if a.get("id") and a["id"] not in self.known_artists
        ][:ARTISTS_PER_GENRE]
        for artist in fresh:
            genres = [str(g) for g in artist.get("genres") or [] if isinstance(g, str)]
            for album in await self._albums(artist["id"], 1):
                if not album.get("id"):
                    continue
                provenance = Provenance(
                    self.name,
                    seed,
                    "genre_artist",
                    {
                        "genre": genre,
                        "artist": artist.get("name"),
                        "artist_id": artist["id"],
                        "album": album.get("name"),
                        "album_id": album["id"],
                    },
                )
                yield await self._album_tracks(
                    album,
                    provenance,
                    track_genres=[genre],
                    artist_genres={artist["id"]: genres} if genres else {},
                )
