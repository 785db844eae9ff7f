"""Read models for the UI: a user's library and one stored playlist."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from resonance import audio, catalog
from resonance.db import Playlist, Track
from resonance.ingest.schemas import LibraryOut, PlaylistOut, PlaylistSummary, TrackSummary


def track_summary(track: Track) -> TrackSummary:
    return TrackSummary(
        id=track.spotify_id,
        track_id=track.id,
        title=track.name,
        artists=[link.artist.name for link in track.artist_links],
        album=track.album.name if track.album else None,
        image_url=track.album.image_url if track.album else None,
        duration_ms=track.duration_ms,
        audio_status=track.audio_status,
        preview_url=track.preview_url,
    )


async def _tracks(session: AsyncSession, track_ids: Sequence[int]) -> list[TrackSummary]:
    found = await catalog.get_tracks(session, list(track_ids))
    return [track_summary(found[t]) for t in track_ids if t in found]


def _described(playlist: Playlist) -> dict[str, Any]:
    """What the library's summary and the playlist page both say about a playlist."""
    return {
        "id": catalog.playlist_key(playlist),
        "source": playlist.source,
        "name": playlist.name,
        "owner_name": playlist.owner_name,
        "collaborative": playlist.collaborative,
        "contents_available": playlist.contents_available,
        "image_url": playlist.image_url,
        "ingested_snapshot_id": playlist.ingested_snapshot_id,
    }


def playlist_summary(
    playlist: Playlist, relation: str, analysed: int, user_spotify_id: str | None
) -> PlaylistSummary:
    return PlaylistSummary(
        **_described(playlist),
        owned=relation == "owned"
        or (user_spotify_id is not None and playlist.owner_spotify_id == user_spotify_id),
        relation=relation,
        track_count=playlist.total_items,
        analysed_track_count=analysed,
    )


async def library_view(
    session: AsyncSession, user_id: int, user_spotify_id: str | None, *, limit: int
) -> LibraryOut:
    pairs = await catalog.user_playlists(session, user_id)
    analysed = await audio.analysed_counts(session, [p.id for p, _ in pairs])
    playlists = [
        playlist_summary(p, rel, analysed.get(p.id, 0), user_spotify_id) for p, rel in pairs
    ]
    saved = [i.track_id for i in await catalog.library_items(session, user_id, "saved")]
    top = [i.track_id for i in await catalog.library_items(session, user_id, "top")]
    return LibraryOut(
        playlists=playlists,
        saved_tracks=await _tracks(session, saved[:limit]),
        top_tracks=await _tracks(session, top[:limit]),
    )


async def playlist_view(session: AsyncSession, key: str) -> PlaylistOut | None:
    """The stored playlist with its tracks, or None when it was never ingested.

    `key` is its public id: a Spotify id, or "imported-<n>" for an imported playlist.
    """
    playlist = await catalog.get_playlist_by_key(session, key)
    if playlist is None or (playlist.ingested_snapshot_id is None and playlist.contents_available):
        return None
    track_ids = await catalog.playlist_track_ids(session, playlist.id)
    return PlaylistOut(
        **_described(playlist),
        description=playlist.description,
        snapshot_id=playlist.snapshot_id,
        tracks=await _tracks(session, track_ids),
    )
