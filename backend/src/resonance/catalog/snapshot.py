"""Bulk reads of the whole catalogue for an index build (one snapshot per build)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.db import (
    ArtistGenre,
    Genre,
    LibraryItem,
    PlaylistEntry,
    SpotifyAudioFeatures,
    Track,
    TrackArtist,
    TrackGenre,
)


async def snapshot_tracks(
    session: AsyncSession, after_id: int = 0
) -> list[tuple[int, int | None, bool, int | None]]:
    """(track id, album id, explicit, primary artist id) for every track with an id above
    `after_id`, by id: all of them, or those added since a build whose largest track id
    that was (what an index fed between builds reads)."""
    primary = (
        select(TrackArtist.track_id, TrackArtist.artist_id)
        .where(TrackArtist.position == 0)
        .subquery()
    )
    rows = await session.execute(
        select(Track.id, Track.album_id, Track.explicit, primary.c.artist_id)
        .outerjoin(primary, primary.c.track_id == Track.id)
        .where(Track.id > after_id)
        .order_by(Track.id)
    )
    return [(int(t), a, bool(e), ar) for t, a, e, ar in rows.all()]


async def snapshot_spotify_features(session: AsyncSession) -> list[SpotifyAudioFeatures]:
    return list(await session.scalars(select(SpotifyAudioFeatures)))


async def snapshot_track_genres(session: AsyncSession) -> list[tuple[int, str]]:
    """(track id, genre) from the track's artists and from the track itself."""
    via_artist = (
        select(TrackArtist.track_id, Genre.name)
        .join(ArtistGenre, ArtistGenre.artist_id == TrackArtist.artist_id)
        .join(Genre, Genre.id == ArtistGenre.genre_id)
    )
    direct = select(TrackGenre.track_id, Genre.name).join(Genre, Genre.id == TrackGenre.genre_id)
    out: list[tuple[int, str]] = []
    for stmt in (via_artist, direct):
        out.extend((int(t), str(g)) for t, g in (await session.execute(stmt)).all())
    return out


async def snapshot_artist_genres(session: AsyncSession) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(ArtistGenre.artist_id, Genre.name).join(Genre, Genre.id == ArtistGenre.genre_id)
    )
    return [(int(a), str(g)) for a, g in rows.all()]


async def snapshot_playlists(session: AsyncSession) -> list[tuple[int, int]]:
    """(playlist id, track id) in playlist order."""
    rows = await session.execute(
        select(PlaylistEntry.playlist_id, PlaylistEntry.track_id).order_by(
            PlaylistEntry.playlist_id, PlaylistEntry.position
        )
    )
    return [(int(p), int(t)) for p, t in rows.all()]


async def snapshot_libraries(session: AsyncSession) -> list[tuple[int, str, int]]:
    """(user id, kind, track id): each user's saved / top / recent list counts as a playlist."""
    rows = await session.execute(
        select(LibraryItem.user_id, LibraryItem.kind, LibraryItem.track_id).order_by(
            LibraryItem.user_id, LibraryItem.kind, LibraryItem.rank
        )
    )
    return [(int(u), str(k), int(t)) for u, k, t in rows.all()]


async def spotify_features_for(
    session: AsyncSession, track_ids: Sequence[int]
) -> list[SpotifyAudioFeatures]:
    """`snapshot_spotify_features` for some tracks only."""
    out: list[SpotifyAudioFeatures] = []
    for start in range(0, len(track_ids), 500):
        chunk = list(track_ids[start : start + 500])
        out += await session.scalars(
            select(SpotifyAudioFeatures).where(SpotifyAudioFeatures.track_id.in_(chunk))
        )
    return out
