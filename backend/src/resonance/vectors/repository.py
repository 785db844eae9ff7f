"""Queries over `index_versions`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.catalog.models import (
    ArtistGenre,
    AudioDescriptors,
    Genre,
    LibraryItem,
    PlaylistEntry,
    SpotifyAudioFeatures,
    Track,
    TrackArtist,
    TrackGenre,
)
from resonance.db.base import utcnow
from resonance.vectors.models import IndexVersion


async def start_version(session: AsyncSession, *, block_weights: dict[str, float]) -> IndexVersion:
    version = IndexVersion(state="building", block_weights=block_weights, stats={})
    session.add(version)
    await session.flush()
    return version


async def mark_ready(
    session: AsyncSession,
    version_id: int,
    *,
    path: str,
    index_kind: str,
    n_items: int,
    dim: int,
    stats: dict[str, Any],
) -> None:
    await session.execute(
        update(IndexVersion)
        .where(IndexVersion.id == version_id)
        .values(
            state="ready",
            path=path,
            index_kind=index_kind,
            n_items=n_items,
            dim=dim,
            stats=stats,
            ready_at=utcnow(),
        )
    )


async def mark_failed(session: AsyncSession, version_id: int, error: str) -> None:
    await session.execute(
        update(IndexVersion)
        .where(IndexVersion.id == version_id)
        .values(state="failed", error=error)
    )


async def current_version(session: AsyncSession) -> IndexVersion | None:
    """The newest ready version: the one every API process should serve."""
    return await session.scalar(
        select(IndexVersion)
        .where(IndexVersion.state == "ready")
        .order_by(IndexVersion.id.desc())
        .limit(1)
    )


async def list_versions(session: AsyncSession, limit: int = 20) -> list[IndexVersion]:
    return list(
        await session.scalars(select(IndexVersion).order_by(IndexVersion.id.desc()).limit(limit))
    )


async def fail_interrupted_builds(session: AsyncSession, *, except_id: int | None = None) -> int:
    """Mark builds left in 'building' by a killed process as failed (call while holding
    the rebuild lock, when no other build can be running)."""
    stmt = (
        update(IndexVersion)
        .where(IndexVersion.state == "building")
        .values(state="failed", error="interrupted: the build process stopped before finishing")
    )
    if except_id is not None:
        stmt = stmt.where(IndexVersion.id != except_id)
    result = await session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


# --- catalogue snapshot for an index build --------------------------------------------


async def snapshot_tracks(session: AsyncSession) -> list[tuple[int, int | None, bool, int | None]]:
    """(track id, album id, explicit, primary artist id) for every track, by id."""
    primary = (
        select(TrackArtist.track_id, TrackArtist.artist_id)
        .where(TrackArtist.position == 0)
        .subquery()
    )
    rows = await session.execute(
        select(Track.id, Track.album_id, Track.explicit, primary.c.artist_id)
        .outerjoin(primary, primary.c.track_id == Track.id)
        .order_by(Track.id)
    )
    return [(int(t), a, bool(e), ar) for t, a, e, ar in rows.all()]


async def snapshot_audio(
    session: AsyncSession, version: int
) -> list[tuple[int, bytes, dict[str, Any]]]:
    rows = await session.execute(
        select(
            AudioDescriptors.track_id, AudioDescriptors.features, AudioDescriptors.summary
        ).where(AudioDescriptors.version == version)
    )
    return [(int(t), f, s) for t, f, s in rows.all()]


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
