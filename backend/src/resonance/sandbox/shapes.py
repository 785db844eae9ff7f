"""The world's objects in Spotify's JSON shapes (validated against Spotify's OpenAPI file)."""

from __future__ import annotations

from typing import Any

from resonance.sandbox.model import Album, Artist, Playlist, Track, User, World

IMAGE_SIZES = (640, 300, 64)


class Shapes:
    """Renders objects with absolute URLs under `base` (the sandbox's own address)."""

    def __init__(self, world: World, base: str, *, previews: bool) -> None:
        self.world = world
        self.base = base.rstrip("/")
        self.api = f"{self.base}/v1"
        self.previews = previews

    def _ref(self, kind: str, object_id: str) -> dict[str, Any]:
        return {
            "external_urls": {"spotify": f"https://open.spotify.com/{kind}/{object_id}"},
            "href": f"{self.api}/{kind}s/{object_id}",
            "id": object_id,
            "type": kind,
            "uri": f"spotify:{kind}:{object_id}",
        }

    def images(self, path: str) -> list[dict[str, Any]]:
        return [
            {"url": f"{self.base}/{path}?size={size}", "height": size, "width": size}
            for size in IMAGE_SIZES
        ]

    def user(self, user: User) -> dict[str, Any]:
        return self._ref("user", user.id) | {
            "account_id": user.account_id,
            "display_name": user.display_name,
            "images": [],
        }

    def owner(self, user_id: str) -> dict[str, Any]:
        user = self.world.users.get(user_id)
        return self._ref("user", user_id) | {"display_name": user.display_name if user else user_id}

    def simple_artist(self, artist: Artist) -> dict[str, Any]:
        return self._ref("artist", artist.id) | {"name": artist.name}

    def artist(self, artist: Artist) -> dict[str, Any]:
        return self.simple_artist(artist) | {
            "genres": list(artist.genres),
            "images": self.images(f"covers/artist-{artist.id}.svg"),
        }

    def simple_album(self, album: Album) -> dict[str, Any]:
        return self._ref("album", album.id) | {
            "album_type": album.album_type,
            "total_tracks": len(album.track_ids),
            "available_markets": [],
            "images": self.images(f"covers/{album.id}.svg"),
            "name": album.name,
            "release_date": album.release_date,
            "release_date_precision": "day",
            "artists": [self.simple_artist(self.world.artists[album.artist_id])],
        }

    def album(self, album: Album) -> dict[str, Any]:
        """A full album object: the simplified one with its first 50 tracks (no label or
        popularity: February 2026 removed both)."""
        tracks = [self.simple_track(self.world.tracks[t]) for t in album.track_ids]
        page = self.page(
            f"/albums/{album.id}/tracks", tracks[:50], offset=0, limit=50, total=len(tracks)
        )
        upc = int.from_bytes(album.id.encode()[:6], "big") % 10**12
        return self.simple_album(album) | {
            "tracks": page,
            "genres": [],
            "copyrights": [{"text": f"(P) {album.release_date[:4]} Sandbox", "type": "P"}],
            "external_ids": {"upc": f"{upc:012d}"},
        }

    def simple_track(self, track: Track) -> dict[str, Any]:
        """A track without its album (an album's track list)."""
        return self._ref("track", track.id) | {
            "artists": [self.simple_artist(self.world.artists[a]) for a in track.artist_ids],
            "disc_number": 1,
            "duration_ms": track.duration_ms,
            "explicit": track.explicit,
            "is_playable": True,
            "is_local": False,
            "name": track.name,
            "preview_url": f"{self.base}/previews/{track.id}" if self.previews else None,
            "track_number": track.track_number,
        }

    def track(self, track: Track) -> dict[str, Any]:
        return self.simple_track(track) | {
            "album": self.simple_album(self.world.albums[track.album_id]),
            "external_ids": {"isrc": track.isrc},
        }

    def audio_features(self, track: Track) -> dict[str, Any]:
        return {
            **track.features,
            "id": track.id,
            "type": "audio_features",
            "uri": f"spotify:track:{track.id}",
            "track_href": f"{self.api}/tracks/{track.id}",
            "analysis_url": f"{self.api}/audio-analysis/{track.id}",
            "duration_ms": track.duration_ms,
        }

    def entry(self, playlist: Playlist, position: int) -> dict[str, Any]:
        track = self.world.tracks[playlist.track_ids[position]]
        return {
            "added_at": playlist.added_at[position],
            "added_by": self._ref("user", playlist.owner),
            "is_local": False,
            "item": self.track(track),
        }

    def simple_playlist(self, playlist: Playlist) -> dict[str, Any]:
        ref = {
            "href": f"{self.api}/playlists/{playlist.id}/items",
            "total": len(playlist.track_ids),
        }
        return self._ref("playlist", playlist.id) | {
            "collaborative": playlist.collaborative,
            "description": playlist.description,
            "images": self.images(f"covers/playlist-{playlist.id}.svg"),
            "name": playlist.name,
            "owner": self.owner(playlist.owner),
            "public": playlist.public,
            "snapshot_id": playlist.snapshot_id,
            "items": ref,
        }

    def page(
        self, path: str, items: list[dict[str, Any]], *, offset: int, limit: int, total: int
    ) -> dict[str, Any]:
        def link(at: int) -> str:
            return f"{self.api}{path}?offset={at}&limit={limit}"

        return {
            "href": link(offset),
            "items": items,
            "limit": limit,
            "next": link(offset + limit) if offset + limit < total else None,
            "offset": offset,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "total": total,
        }
