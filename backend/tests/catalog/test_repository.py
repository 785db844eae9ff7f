"""Catalogue repository on SQLite and PostgreSQL (the `session` fixture runs on both)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from resonance import catalog
from resonance.catalog.schemas import AlbumIn, ArtistIn, EntryIn, PlaylistIn, TrackIn
from resonance.db.models import Artist, PlaylistEntry, Track, TrackArtist


def _track(n: int, *, isrc: str | None = None, genres: list[str] | None = None) -> TrackIn:
    return TrackIn(
        spotify_id=f"track{n:04d}",
        name=f"Song {n} (2011 Remaster)",
        isrc=isrc,
        duration_ms=200_000 + n,
        album=AlbumIn(spotify_id=f"album{n % 3}", name=f"Album {n % 3}"),
        artists=[
            ArtistIn(spotify_id=f"artist{n % 5}", name=f"The Artist {n % 5}", genres=genres),
            ArtistIn(spotify_id="artistX", name="Guest"),
        ],
    )


async def test_upsert_tracks_is_idempotent(session: AsyncSession) -> None:
    tracks = [_track(n, isrc=f"usabc{n:07d}", genres=["Indie Folk", "folk"]) for n in range(20)]
    ids = await catalog.upsert_tracks(session, tracks)
    await session.commit()
    first = await catalog.catalogue_counts(session)
    links = await catalog.count_rows(session, TrackArtist)

    again = await catalog.upsert_tracks(session, tracks)
    await session.commit()
    assert again == ids
    assert await catalog.catalogue_counts(session) == first
    assert await catalog.count_rows(session, TrackArtist) == links == 40
    assert first["tracks"] == 20 and first["albums"] == 3 and first["artists"] == 6
    assert first["genres"] == 2


async def test_isrc_and_titles_are_normalised_and_kept(session: AsyncSession) -> None:
    ids = await catalog.upsert_tracks(session, [_track(1, isrc="usabc0000001")])
    # a later source without the ISRC does not erase it
    await catalog.upsert_tracks(session, [_track(1, isrc=None)])
    await session.commit()
    track = await catalog.get_track(session, ids["track0001"])
    assert track is not None
    assert track.isrc == "USABC0000001"
    assert track.title_key == "song 1"
    assert track.artist_key == "artist 1"
    assert [link.artist.name for link in track.artist_links] == ["The Artist 1", "Guest"]
    found = await catalog.find_tracks_by_title_artist(session, "Song 1", "Artist 1")
    assert [t.id for t in found] == [ids["track0001"]]
    assert [t.id for t in await catalog.find_tracks_by_isrc(session, "USABC0000001")] == [
        ids["track0001"]
    ]


async def test_genres_via_artists_and_tags(session: AsyncSession) -> None:
    ids = await catalog.upsert_tracks(session, [_track(2, genres=["Indie Folk"])])
    tid = ids["track0002"]
    await catalog.add_track_genres(session, {tid: ["Chamber Pop", "indie folk"]}, source="tag")
    await session.commit()
    assert (await catalog.genres_for_tracks(session, [tid]))[tid] == ["chamber pop", "indie folk"]
    # artists whose details were fetched are not asked for again
    assert await catalog.artists_missing_details(session, ["artist2", "artistX"]) == ["artistX"]


async def test_playlist_entries_resume_and_truncate(session: AsyncSession) -> None:
    ids = await catalog.upsert_tracks(session, [_track(n) for n in range(10)])
    playlist = await catalog.upsert_playlist(
        session, PlaylistIn(spotify_id="pl1", name="Mix", snapshot_id="s1", total_items=10)
    )
    when = datetime(2026, 1, 1, tzinfo=UTC)
    entries = [EntryIn(i, ids[f"track{i:04d}"], when) for i in range(10)]
    await catalog.write_playlist_entries(session, playlist.id, entries[:6])
    # a resumed job writes an overlapping page again: no duplicates
    await catalog.write_playlist_entries(session, playlist.id, entries[4:])
    await session.commit()
    assert await catalog.count_rows(session, PlaylistEntry) == 10
    assert await catalog.playlist_track_ids(session, playlist.id) == [
        ids[f"track{i:04d}"] for i in range(10)
    ]
    await catalog.truncate_playlist_entries(session, playlist.id, 7)
    await catalog.mark_playlist_ingested(session, playlist.id, "s1", contents_available=True)
    await session.commit()
    assert len(await catalog.playlist_track_ids(session, playlist.id)) == 7
    stored = await catalog.get_playlist_by_spotify_id(session, "pl1")
    assert stored is not None and stored.ingested_snapshot_id == "s1"


async def test_users_and_library(session: AsyncSession) -> None:
    user = await catalog.upsert_user(session, account_id="acc-1", spotify_user_id="u1")
    same = await catalog.upsert_user(session, account_id="acc-1", display_name="Ada")
    assert same.id == user.id and same.spotify_user_id == "u1" and same.display_name == "Ada"
    ids = await catalog.upsert_tracks(session, [_track(n) for n in range(4)])
    recent = [(ids["track0001"], i, None) for i in range(3)] + [(ids["track0002"], 3, None)]
    await catalog.replace_library_items(session, user.id, "recent", recent)
    await catalog.replace_library_items(session, user.id, "saved", [(ids["track0003"], 0, None)])
    await session.commit()
    assert len(await catalog.library_items(session, user.id, "recent")) == 2
    assert await catalog.library_track_ids(session, user.id) == sorted(
        [ids["track0001"], ids["track0002"], ids["track0003"]]
    )


async def test_local_track_and_spotify_features(session: AsyncSession) -> None:
    tid = await catalog.create_local_track(
        session,
        name="Home Recording",
        artist_names=["Someone", "Friend"],
        album_name="Tapes",
        duration_ms=180_000,
        isrc=None,
        local_path="/music/a.flac",
        local_fingerprint="100:200",
    )
    # a second file by the same artist reuses the artist row
    await catalog.create_local_track(
        session,
        name="Other",
        artist_names=["someone"],
        album_name="Tapes",
        duration_ms=1000,
        isrc="gbxyz1234567",
        local_path="/music/b.flac",
        local_fingerprint="1:2",
    )
    await session.commit()
    assert await catalog.count_rows(session, Artist) == 2
    found = await catalog.find_track_by_local_path(session, "/music/a.flac")
    assert found is not None and found.id == tid
    spotify_ids = await catalog.upsert_tracks(session, [_track(7)])
    missing = await catalog.tracks_without_spotify_features(session, list(spotify_ids.values()))
    assert missing == [(spotify_ids["track0007"], "track0007")]
    await catalog.upsert_spotify_features(
        session, {spotify_ids["track0007"]: {"energy": 0.5, "tempo": 120.0}}, source="exportify"
    )
    await session.commit()
    assert await catalog.tracks_without_spotify_features(session, list(spotify_ids.values())) == []
    assert await catalog.count_rows(session, Track) == 3
