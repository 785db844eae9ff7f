"""Previews on track cards: Spotify's clip, else the ISRC preview provider's through the API.

A development-mode app (and the sandbox) gets `preview_url: null`; the audio stage finds
clips by ISRC. The card must offer that clip, and `GET /v1/tracks/{id}/preview` must
serve it from the real sandbox's Deezer double: the bytes, never the provider's URL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.app.factory import create_app
from resonance.db.engine import create_engine, create_sessionmaker
from resonance.db.models import AudioDescriptors, Track, TrackArtist
from resonance.recommend.schemas import TrackOut
from resonance.recommend.tracks import CardCache
from resonance.sandbox.world import build_world
from tests.recommend.seed_catalogue import seed_catalogue
from tests.spotify.fixtures import sandbox_settings
from tests.spotify.sandbox_server import SandboxServer

TOKEN = "preview-test-token-123456"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SPOTIFY_CLIP = "https://p.scdn.co/mp3-preview/0123456789abcdef"


async def mark(
    sessionmaker: async_sessionmaker[AsyncSession],
    provider: int,
    spotify: int,
    isrc: str | None = None,
) -> None:
    """Track PROVIDER was analysed from a provider's clip; SPOTIFY has Spotify's."""
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(AudioDescriptors)
            .where(AudioDescriptors.track_id == provider)
            .values(source="provider")
        )
        if isrc is not None:
            await session.execute(update(Track).where(Track.id == provider).values(isrc=isrc))
        await session.execute(
            update(Track).where(Track.id == spotify).values(preview_url=SPOTIFY_CLIP)
        )


async def test_a_card_offers_spotifys_clip_else_the_providers_through_the_api(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    row_to_id, _ = await seed_catalogue(sessionmaker, 6)
    provider, spotify, synth = row_to_id[0], row_to_id[1], row_to_id[2]
    fresh, no_isrc = row_to_id[3], row_to_id[4]
    await mark(sessionmaker, provider, spotify)
    async with sessionmaker() as session, session.begin():
        # Not analysed yet (just discovered): the provider can be asked by ISRC, or by title
        # and artist; a track with neither (no artist either) cannot be looked up.
        await session.execute(
            delete(AudioDescriptors).where(AudioDescriptors.track_id.in_([fresh, no_isrc]))
        )
        await session.execute(update(Track).where(Track.id == no_isrc).values(isrc=None))
        await session.execute(delete(TrackArtist).where(TrackArtist.track_id == no_isrc))
    async with sessionmaker() as session:
        cards = await CardCache(preview_provider="Deezer").get(
            session, [provider, spotify, synth, fresh, no_isrc], version=1
        )
        without = await CardCache().get(session, [provider], version=1)
    previews = {t: TrackOut.model_validate_json(c).preview for t, c in cards.items()}
    assert previews[fresh] is not None
    assert previews[fresh].url == f"/v1/tracks/{fresh}/preview"
    assert previews[no_isrc] is None  # nothing to look the clip up by
    assert previews[provider] is not None
    assert previews[provider].model_dump() == {
        "url": f"/v1/tracks/{provider}/preview",
        "source": "Deezer",
    }
    assert previews[spotify] is not None
    assert previews[spotify].model_dump() == {"url": SPOTIFY_CLIP, "source": "Spotify"}
    assert previews[synth] is None  # analysed from a synthesised clip: nothing to play
    # No provider configured: only Spotify's clips are offered.
    assert TrackOut.model_validate_json(without[provider]).preview is None


@pytest.fixture
def api(sqlite_url: str, tmp_path: Path, sandbox: SandboxServer) -> Iterator[TestClient]:
    settings = sandbox_settings(
        sandbox,
        tmp_path,
        database_url=sqlite_url,
        service_token=TOKEN,
        deezer_enabled=True,
        deezer_url=f"{sandbox.base}/deezer",
        sandbox_url=sandbox.base,  # the sandbox (loopback) is this deployment's Spotify
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_preview_endpoint_serves_the_providers_clip_or_a_clear_404(
    api: TestClient, sqlite_url: str
) -> None:
    world = build_world(7)
    isrc = next(iter(world.tracks.values())).isrc

    async def seed() -> dict[int, int]:
        engine = create_engine(sqlite_url)
        try:
            made = create_sessionmaker(engine)
            row_to_id, _ = await seed_catalogue(made, 6)
            await mark(made, row_to_id[0], row_to_id[1], isrc=isrc)
            await mark(made, row_to_id[2], row_to_id[1])  # an ISRC the provider lacks
            return row_to_id
        finally:
            await engine.dispose()

    row_to_id = asyncio.run(seed())
    known, unknown = row_to_id[0], row_to_id[2]
    card = api.get(f"/v1/tracks/{known}", headers=AUTH).json()
    assert card["preview_url"] is None
    assert card["preview"] == {"url": f"/v1/tracks/{known}/preview", "source": "Deezer"}

    clip = api.get(card["preview"]["url"], headers=AUTH)
    assert clip.status_code == 200, clip.text
    assert clip.headers["content-type"].startswith("audio/")
    assert len(clip.content) > 10_000  # a real clip, not an error page
    assert "deezer" not in clip.text[:200].lower()  # bytes, not a redirect or a URL

    missing = api.get(f"/v1/tracks/{unknown}/preview", headers=AUTH)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "no clip" in missing.json()["detail"]
    nowhere = api.get("/v1/tracks/987654321/preview", headers=AUTH)
    assert nowhere.status_code == 404
    assert "No track" in nowhere.json()["detail"]
    assert api.get(f"/v1/tracks/{known}/preview").status_code == 401  # the service token
