"""The corpus provider in a discovery run: candidates, catalogue tracks and provenance."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.catalog import TrackIn
from resonance.db.models import Track, TrackProvenance
from resonance.discover import DiscoveryRun, sentence
from resonance.discover.corpus import (
    RELATION,
    Corpus,
    CorpusProvider,
    corpus_provider,
    corpus_seeds,
    import_corpus,
)
from resonance.settings import Settings
from tests.discover.corpus.fixtures import random_playlists, track_id, write_mpd_slice


async def test_neighbours_become_catalogue_tracks_with_their_evidence(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    playlists = random_playlists(200, 80, seed=31)
    write_mpd_slice(tmp_path / "mpd.slice.0-199.json", playlists)
    import_corpus([tmp_path / "mpd.slice.0-199.json"], tmp_path / "corpus")
    corpus = Corpus.open(tmp_path / "corpus")
    assert corpus is not None
    seed_numbers = playlists[0].tracks[:6]
    async with sessionmaker() as session, session.begin():
        user = await catalog.upsert_user(session, account_id="listener")
        user_id = user.id
        ids = await catalog.upsert_tracks(
            session, [TrackIn(f"Song {n}", track_id(n)) for n in seed_numbers]
        )
    async with sessionmaker() as session:
        seeds = await corpus_seeds(session, [ids[track_id(n)] for n in seed_numbers])
    assert [s.ref for s in seeds] == [track_id(n) for n in seed_numbers]
    provider = CorpusProvider(corpus, seeds, limit=25)
    expected = corpus.neighbours([s.ref for s in seeds], limit=25)
    run = DiscoveryRun(sessionmaker, user_id, [provider], {})
    await run.run(seeds)

    async with sessionmaker() as session:
        rows = list(await session.scalars(select(TrackProvenance).order_by(TrackProvenance.id)))
        tracks = await catalog.get_tracks(session, [r.track_id for r in rows])
        catalogue = {t.spotify_id for t in await session.scalars(select(Track))}
    assert len(rows) == len(expected) == run.counters["candidates"] == 25
    by_id = {n.spotify_id: n for n in expected}
    for row in rows:
        track = tracks[row.track_id]
        neighbour = by_id[str(track.spotify_id)]
        assert (row.provider, row.relation, row.seed_kind) == ("corpus", RELATION, "track")
        assert row.seed_ref == seeds[neighbour.seeds[0]].ref  # its first seed met
        assert row.evidence["playlists"] == neighbour.playlists
        assert row.evidence["seeds"] == len(neighbour.seeds)
        assert track.name == neighbour.text.name
        assert track.artist_links[0].artist.name == neighbour.text.artist
        assert track.album is not None and track.album.name == neighbour.text.album
    assert {track_id(n) for n in seed_numbers} <= catalogue
    # The seeds, and every candidate added by its URI.
    assert catalogue == {track_id(n) for n in seed_numbers} | set(by_id)

    many = next(r for r in rows if r.evidence["seeds"] > 1)
    assert sentence(many) == (
        f"New to you: in {many.evidence['playlists']} corpus playlists with "
        f"{many.evidence['seeds']} of your seeds"
    )


async def test_tracks_the_listener_has_are_not_candidates(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    playlists = random_playlists(100, 40, seed=32)
    write_mpd_slice(tmp_path / "mpd.slice.0-99.json", playlists)
    import_corpus([tmp_path / "mpd.slice.0-99.json"], tmp_path / "corpus")
    corpus = Corpus.open(tmp_path / "corpus")
    assert corpus is not None
    seed_numbers = playlists[1].tracks[:4]
    async with sessionmaker() as session, session.begin():
        user_id = (await catalog.upsert_user(session, account_id="listener")).id
        ids = await catalog.upsert_tracks(
            session, [TrackIn(f"Song {n}", track_id(n)) for n in seed_numbers]
        )
        seeds = await corpus_seeds(session, list(ids.values()))
    top = corpus.neighbours([s.ref for s in seeds], limit=10)
    async with sessionmaker() as session, session.begin():
        saved = await catalog.upsert_tracks(session, [TrackIn("mine", top[0].spotify_id)])
        in_catalogue = await catalog.upsert_tracks(session, [TrackIn("x", top[1].spotify_id)])
        await catalog.add_library_items(
            session, user_id, "saved", [(saved[top[0].spotify_id], 0, None)]
        )
    run = DiscoveryRun(sessionmaker, user_id, [CorpusProvider(corpus, seeds, limit=10)], {})
    await run.run(seeds)
    async with sessionmaker() as session:
        found = {r.track_id for r in await session.scalars(select(TrackProvenance))}
    assert saved[top[0].spotify_id] not in found  # a saved track is not new to the listener
    assert in_catalogue[top[1].spotify_id] in found  # merely in the catalogue still is
    assert len(found) == 9 and run.counters["candidates_already_known"] == 1


def test_no_provider_without_a_corpus_or_track_seeds(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    from resonance.discover import Seed

    assert corpus_provider(settings, [Seed("track", track_id(1), "x")]) is None
    write_mpd_slice(tmp_path / "mpd.slice.0-9.json", random_playlists(10, 20))
    import_corpus([tmp_path / "mpd.slice.0-9.json"], settings.resolved_corpus_dir)
    assert corpus_provider(settings, [Seed("artist", "a" * 22, "y")]) is None
    provider = corpus_provider(settings, [Seed("track", track_id(1), "x")])
    assert provider is not None and provider.accepts(Seed("track", track_id(1), "x"))
    assert not provider.accepts(Seed("track", track_id(2), "z"))
