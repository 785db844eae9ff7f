"""Track data for API responses (names, artists, artwork, genres, descriptors)."""

from __future__ import annotations

import math
import random
import time
from collections import OrderedDict
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from resonance import audio, catalog
from resonance.recommend.previews import card_preview
from resonance.recommend.schemas import ArtistOut, TrackOut


class CardCache:
    """Track cards as JSON, kept for the index version they were served with.

    Hydrating 20 results through the ORM costs several times more than recommending
    them, and at hundreds of requests a second the database becomes the bottleneck.
    What a card shows changes through ingestion or audio analysis, and both end by
    queueing an index build, so a new serving version clears the cache; `max_age`
    bounds staleness for anything that changes without a build. Cards are kept
    serialised because bytes are invisible to the garbage collector: 25,000 cached
    models made every full collection pause the server for over 100 ms.
    """

    def __init__(
        self, max_age: float = 600.0, max_items: int = 100_000, preview_provider: str | None = None
    ) -> None:
        self.max_age = max_age
        self.max_items = max_items
        self.preview_provider = preview_provider
        self.version: int | None = None
        self._items: OrderedDict[int, tuple[float, bytes]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    async def get(
        self, session: AsyncSession, track_ids: Sequence[int], *, version: int | None = None
    ) -> dict[int, bytes]:
        """Cards (TrackOut as JSON) for the tracks that exist; unknown ids are left out."""
        if version != self.version:
            self._items.clear()
            self.version = version
        now = time.monotonic()
        found: dict[int, bytes] = {}
        missing: list[int] = []
        for track_id in dict.fromkeys(track_ids):
            item = self._items.get(track_id)
            if item is not None and now - item[0] < self.max_age:
                found[track_id] = item[1]
                self._items.move_to_end(track_id)
            else:
                missing.append(track_id)
        if missing:
            loaded = {
                track_id: card.model_dump_json().encode()
                for track_id, card in (
                    await track_cards(session, missing, preview_provider=self.preview_provider)
                ).items()
            }
            for track_id, card in loaded.items():
                # Jittered expiry: cards cached together must not all expire together.
                self._items[track_id] = (now - random.uniform(0, self.max_age / 4), card)
                self._items.move_to_end(track_id)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
            found.update(loaded)
        return found


async def track_cards(
    session: AsyncSession, track_ids: Sequence[int], *, preview_provider: str | None = None
) -> dict[int, TrackOut]:
    """Cards for the tracks that exist. PREVIEW_PROVIDER (`preview_provider_name`) credits
    the clips the audio stage found by ISRC; None offers only Spotify's."""
    tracks = await catalog.get_tracks(session, track_ids)
    genres = await catalog.genres_for_tracks(session, list(tracks))
    summaries = await audio.descriptor_summaries(session, list(tracks))
    sources = await audio.descriptor_sources(session, list(tracks)) if preview_provider else {}
    out: dict[int, TrackOut] = {}
    for track_id, track in tracks.items():
        summary = audio.with_tempo_words(summaries.get(track_id, {}))
        out[track_id] = TrackOut(
            id=track.id,
            spotify_id=track.spotify_id,
            name=track.name,
            artists=[
                ArtistOut(
                    id=link.artist.id, name=link.artist.name, spotify_id=link.artist.spotify_id
                )
                for link in track.artist_links
            ],
            album=track.album.name if track.album else None,
            image_url=track.album.image_url if track.album else None,
            duration_ms=track.duration_ms,
            explicit=track.explicit,
            preview_url=track.preview_url,
            preview=card_preview(
                track_id,
                track.preview_url,
                bool(track.isrc or track.artist_links),
                sources.get(track_id),
                preview_provider,
            ),
            genres=genres.get(track_id, []),
            descriptors={k: _clean(v) for k, v in summary.items() if _clean(v) is not None},
            audio_status=track.audio_status,
        )
    return out


def _clean(value: object) -> float | str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        return value
    return None
