"""The served model fed between builds: tracks as they are added, audio as it arrives.

Against a real database (each backend): tracks inserted after the build join the model
on the next look, a track's audio block counts once its descriptors are stored, and
every score still splits exactly into its block shares.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.catalog.schemas import AlbumIn, ArtistIn, TrackIn
from resonance.db.models import AudioDescriptors
from resonance.index import IncrementalFeed
from resonance.recommend import Recommender
from resonance.recommend.options import RecommendOptions, Seeds
from resonance.vectors import BLOCK_NAMES, embed_rows, load_catalogue
from resonance.vectors.loader import audio_schema
from tests.recommend.seed_catalogue import seed_catalogue

N_TRACKS = 240
N_NEW = 30


def _new_track(i: int, genres: list[str]) -> TrackIn:
    return TrackIn(
        spotify_id=f"new{i:05d}",
        name=f"New {i}",
        isrc=f"NW{i:010d}",
        duration_ms=200_000,
        explicit=False,
        album=AlbumIn(spotify_id=f"newal{i // 10}", name=f"New album {i // 10}"),
        artists=[
            ArtistIn(spotify_id=f"newar{i // 10}", name=f"New artist {i // 10}", genres=genres)
        ],
    )


async def _model(sessionmaker: async_sessionmaker[AsyncSession]) -> Recommender:
    async with sessionmaker() as session:
        return Recommender.fit(await load_catalogue(session))


def _assert_exact(model: Recommender, seeds: list[int], exclude: set[int]) -> list[int]:
    items = model.recommend(
        Seeds(track_ids=tuple(seeds)),
        n=20,
        options=RecommendOptions(exclude=frozenset(exclude), candidates=model.n_items),
    )
    assert len(items) == 20
    for item in items:
        assert sum(item.explanation.shares.values()) == pytest.approx(item.score, abs=1e-5)
    return [i.track_id for i in items]


async def test_added_tracks_join_at_once_and_audio_counts_when_it_arrives(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    row_to_id, family = await seed_catalogue(sessionmaker, N_TRACKS)
    model = await _model(sessionmaker)
    feed = IncrementalFeed(interval=60.0)
    assert (await feed.catch_up(sessionmaker, model)).added == 0

    # Discovery adds tracks of one family's genres, with no audio yet.
    seed_rows = [r for r in range(N_TRACKS) if family[r] == family[0]][:8]
    genres = sorted(
        {g for r in seed_rows for g in model.catalogue.genres[model._row_of[row_to_id[r]]]}
    )
    async with sessionmaker() as session:
        ids = await catalog.upsert_tracks(session, [_new_track(i, genres) for i in range(N_NEW)])
        await session.commit()
    new_ids = sorted(ids.values())
    # Within the interval nothing is read: a request pays for at most one look a second.
    assert not (await feed.catch_up(sessionmaker, model)).checked
    report = await feed.catch_up(sessionmaker, model, force=True)
    assert (report.added, report.refreshed) == (N_NEW, 0)
    assert all(model.has_vector(t) for t in new_ids), "the genre block places them already"
    rows = [model._row_of[t] for t in new_ids]
    assert not model.vectors.masks[rows, BLOCK_NAMES.index("audio")].any()

    # New to you: the catalogue's own tracks are left out, so the new ones are what is left.
    seeds = [row_to_id[r] for r in seed_rows]
    picked = _assert_exact(model, seeds, set(row_to_id.values()))
    assert set(picked) <= set(new_ids)

    # Descriptors arrive for a third of them: their rows are re-embedded in place.
    version, feature_names, human = audio_schema()
    rng = np.random.default_rng(5)
    analysed = new_ids[:10]
    async with sessionmaker() as session:
        for track_id in analysed:
            values = rng.normal(size=len(feature_names)).astype("<f4")
            session.add(
                AudioDescriptors(
                    track_id=track_id,
                    version=version,
                    features=values.tobytes(),
                    summary=dict.fromkeys(human, 0.5)
                    | {"tempo_bpm": 120.0, "tempo_confidence": 0.8},
                    source="synth",
                )
            )
        await session.commit()
    n_before = model.n_items
    report = await feed.catch_up(sessionmaker, model, force=True)
    assert (report.added, report.refreshed) == (0, len(analysed))
    assert model.n_items == n_before
    rows = np.asarray([model._row_of[t] for t in analysed])
    assert model.vectors.masks[rows, BLOCK_NAMES.index("audio")].all()
    assert not np.isnan(model.catalogue.descriptors["tempo_bpm"][rows]).any()
    # Exactly what a track embedded with this build's statistics would get.
    expected, _ = embed_rows(model.vectors, model.catalogue.subset(rows))
    np.testing.assert_allclose(model.vectors.vectors[rows], expected, atol=1e-6)
    # The flat index searches the new vectors: each row is its own nearest neighbour.
    _, found = model.index.search(model.vectors.vectors[rows], 1)
    assert found[:, 0].tolist() == rows.tolist()
    picked = _assert_exact(model, seeds, set(row_to_id.values()))
    assert set(picked) <= set(new_ids)

    # A second look finds nothing more to do, and a new model starts its own cursor.
    assert (await feed.catch_up(sessionmaker, model, force=True)).refreshed == 0
    rebuilt = await _model(sessionmaker)
    started = time.perf_counter()
    report = await feed.catch_up(sessionmaker, rebuilt)
    assert (report.added, report.refreshed) == (0, 0)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("exact_threshold", [50_000, 10], ids=["flat", "hnsw"])
def test_a_re_embedded_row_scores_exactly_with_either_index(exact_threshold: int) -> None:
    from resonance.index import IndexConfig
    from resonance.vectors import synthetic_catalogue

    catalogue, _ = synthetic_catalogue(300, seed=4, audio_coverage=0.5)
    model = Recommender.fit(catalogue, index_config=IndexConfig(exact_threshold=exact_threshold))
    assert model.index.kind == ("flat" if exact_threshold > 300 else "hnsw")
    rows = np.flatnonzero(~model.catalogue.audio_mask)[:20]
    part = model.catalogue.subset(rows)
    part.audio = np.random.default_rng(1).normal(size=part.audio.shape).astype(np.float32)
    part.audio_mask = np.ones(len(rows), bool)
    assert model.refresh_tracks(part) == len(rows)
    assert model.vectors.masks[rows, BLOCK_NAMES.index("audio")].all()
    expected, _ = embed_rows(model.vectors, part)
    audio = model.vectors.block("audio").slice
    np.testing.assert_allclose(model.vectors.vectors[rows][:, audio], expected[:, audio], atol=1e-6)
    seeds = [int(model.catalogue.track_ids[r]) for r in rows[:3]]
    items = model.recommend(Seeds(track_ids=tuple(seeds)), n=20)
    assert len(items) == 20
    for item in items:
        assert sum(item.explanation.shares.values()) == pytest.approx(item.score, abs=1e-5)
