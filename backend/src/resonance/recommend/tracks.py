"""Track data for API responses (names, artists, artwork, genres, descriptors)."""

from __future__ import annotations

import math
import random
import time
from collections import OrderedDict
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from resonance.catalog import repository as catalog
from resonance.recommend import repository
from resonance.recommend.explain import Explanation
from resonance.recommend.schemas import (
    ArtistOut,
    Comparison,
    ExplanationOut,
    RelatedGenre,
    TrackOut,
)


class CardCache:
    """Recently served track cards, kept for a few seconds.

    Hydrating 20 results through the ORM costs more than recommending them; a short
    TTL keeps cards fresh enough (analysis status, artwork) while repeated and
    concurrent requests skip the database entirely.
    """

    def __init__(self, ttl: float = 30.0, max_items: int = 50_000) -> None:
        self.ttl = ttl
        self.max_items = max_items
        self._items: OrderedDict[int, tuple[float, TrackOut]] = OrderedDict()

    async def get(self, session: AsyncSession, track_ids: Sequence[int]) -> dict[int, TrackOut]:
        now = time.monotonic()
        found: dict[int, TrackOut] = {}
        missing: list[int] = []
        for track_id in dict.fromkeys(track_ids):
            item = self._items.get(track_id)
            if item is not None and now - item[0] < self.ttl:
                found[track_id] = item[1]
            else:
                missing.append(track_id)
        if missing:
            loaded = await track_cards(session, missing)
            for track_id, card in loaded.items():
                # Jittered expiry: cards cached together must not all expire together.
                self._items[track_id] = (now - random.uniform(0, self.ttl / 4), card)
                self._items.move_to_end(track_id)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
            found.update(loaded)
        return found


async def track_cards(session: AsyncSession, track_ids: Sequence[int]) -> dict[int, TrackOut]:
    tracks = await catalog.get_tracks(session, track_ids)
    genres = await catalog.genres_for_tracks(session, list(tracks))
    summaries = await repository.descriptor_summaries(session, list(tracks))
    out: dict[int, TrackOut] = {}
    for track_id, track in tracks.items():
        summary = summaries.get(track_id, {})
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


def explanation_out(explanation: Explanation) -> ExplanationOut:
    return ExplanationOut(
        shares={k: round(v, 6) for k, v in explanation.shares.items()},
        imputed_blocks=explanation.imputed_blocks,
        closest=[
            Comparison(name=c.name, value=c.value, seeds=c.seeds, text=c.text())
            for c in explanation.closest
        ],
        farthest=[
            Comparison(name=c.name, value=c.value, seeds=c.seeds, text=c.text())
            for c in explanation.farthest
        ],
        shared_genres=explanation.shared_genres,
        related_genres=[
            RelatedGenre(genre=g, seed_genre=s, similarity=round(sim, 3))
            for g, s, sim in explanation.related_genres
        ],
        seeds_in_common_playlists=explanation.seeds_in_common_playlists,
        common_playlists=explanation.common_playlists,
        diversity_note=explanation.diversity_note,
        genre_similarity=explanation.genre_similarity,
        sentences=explanation.sentences(),
    )
