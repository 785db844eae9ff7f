"""Spotify JSON → the catalogue's plain input records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from resonance.catalog import AlbumIn, ArtistIn, PlaylistIn, TrackIn


def largest_image(images: list[dict[str, Any]] | None) -> str | None:
    if not images:
        return None
    best = max(images, key=lambda image: (image.get("width") or 0) * (image.get("height") or 0))
    url = best.get("url")
    return str(url) if url else None


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def artist_in(obj: dict[str, Any], *, with_genres: bool = False) -> ArtistIn:
    """A (simplified or full) artist; genres only from full objects, where present."""
    genres = obj.get("genres") if with_genres else None
    return ArtistIn(
        name=str(obj.get("name") or ""),
        spotify_id=obj.get("id"),
        genres=[str(g) for g in genres] if isinstance(genres, list) else None,
        image_url=largest_image(obj.get("images")),
    )


def track_in(obj: dict[str, Any]) -> TrackIn | None:
    """A track object, or None for episodes, local files and removed tracks (no id)."""
    if not obj or obj.get("type", "track") != "track" or not obj.get("id") or obj.get("is_local"):
        return None
    album = obj.get("album") or None
    return TrackIn(
        name=str(obj.get("name") or ""),
        spotify_id=obj["id"],
        isrc=(obj.get("external_ids") or {}).get("isrc"),
        duration_ms=obj.get("duration_ms"),
        explicit=bool(obj.get("explicit", False)),
        preview_url=obj.get("preview_url"),
        album=AlbumIn(
            name=str(album.get("name") or ""),
            spotify_id=album.get("id"),
            release_date=album.get("release_date"),
            image_url=largest_image(album.get("images")),
        )
        if album
        else None,
        artists=[artist_in(a) for a in obj.get("artists") or [] if a.get("id")],
    )


def entry_track(entry: dict[str, Any]) -> dict[str, Any] | None:
    """The track of a playlist entry: `item` since February 2026, `track` before."""
    found = entry.get("item") or entry.get("track")
    return found if isinstance(found, dict) else None


def playlist_in(obj: dict[str, Any]) -> PlaylistIn:
    owner = obj.get("owner") or {}
    ref = obj.get("items") or obj.get("tracks") or {}
    return PlaylistIn(
        spotify_id=obj.get("id"),
        name=str(obj.get("name") or ""),
        owner_spotify_id=owner.get("id"),
        owner_name=owner.get("display_name"),
        description=obj.get("description") or None,
        collaborative=bool(obj.get("collaborative", False)),
        public=obj.get("public"),
        image_url=largest_image(obj.get("images")),
        total_items=ref.get("total") if isinstance(ref, dict) else None,
        snapshot_id=obj.get("snapshot_id"),
    )


def relation_of(obj: dict[str, Any], user_spotify_id: str | None) -> str:
    """owned | collaborative | followed, as seen by the user."""
    owner = (obj.get("owner") or {}).get("id")
    if user_spotify_id and owner == user_spotify_id:
        return "owned"
    if obj.get("collaborative"):
        return "collaborative"
    return "followed"
