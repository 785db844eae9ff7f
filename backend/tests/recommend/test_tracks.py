"""Track cards: read through a cache that a new index version clears."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.db.models import AudioDescriptors, Track
from resonance.recommend.schemas import TrackOut
from resonance.recommend.tracks import CardCache
from tests.recommend.seed_catalogue import seed_catalogue


def name(card: bytes) -> str:
    return TrackOut.model_validate_json(card).name


async def test_cards_are_served_from_memory_until_the_index_version_changes(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    row_to_id, _ = await seed_catalogue(sessionmaker, 40)
    first, second = row_to_id[0], row_to_id[1]
    cache = CardCache()
    async with sessionmaker() as session:
        cards = await cache.get(session, [first, second, 10**9], version=1)
    assert set(cards) == {first, second}  # unknown ids are left out, not invented
    assert name(cards[first]) == "Track 0"

    async with sessionmaker() as session, session.begin():
        await session.execute(update(Track).where(Track.id == first).values(name="Renamed"))

    async with sessionmaker() as session:
        same_version = await cache.get(session, [first], version=1)
        next_version = await cache.get(session, [first], version=2)
    assert name(same_version[first]) == "Track 0"
    assert name(next_version[first]) == "Renamed"


async def test_cards_expire_after_max_age_and_the_cache_stays_bounded(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    row_to_id, _ = await seed_catalogue(sessionmaker, 40)
    ids = [row_to_id[r] for r in range(10)]
    cache = CardCache(max_age=0.0, max_items=4)
    async with sessionmaker() as session:
        await cache.get(session, ids, version=1)
    assert len(cache) == 4
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Track).where(Track.id == ids[-1]).values(name="Fresh"))
    async with sessionmaker() as session:
        again = await cache.get(session, [ids[-1]], version=1)
    assert name(again[ids[-1]]) == "Fresh"


async def test_card_descriptors_word_the_tempo_by_its_confidence(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    row_to_id, _ = await seed_catalogue(sessionmaker, 40)
    ids = [row_to_id[r] for r in range(3)]
    async with sessionmaker() as session, session.begin():
        for track_id, confidence in zip(ids, (0.8, 0.6, 0.4), strict=True):
            row = await session.get(AudioDescriptors, track_id)
            assert row is not None
            row.summary = {**row.summary, "tempo_bpm": 101.3, "tempo_confidence": confidence}
    async with sessionmaker() as session:
        cards = await CardCache().get(session, ids, version=1)
    words = [TrackOut.model_validate_json(cards[i]).descriptors.get("tempo_words") for i in ids]
    assert words == ["101 BPM", "around 101 BPM", None]
