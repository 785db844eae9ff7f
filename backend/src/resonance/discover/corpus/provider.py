"""The corpus as a discovery provider: the seeds' co-occurrence neighbours as candidates.

The provider answers for the seed tracks of one run together (co-occurrence is a
property of the set: "in 14 corpus playlists with 6 of your seeds"). It looks them all
up once, on the first seed it is asked about, and then hands each seed the candidates
that seed leads to: those whose first co-occurring seed, in seed order, it is. A resumed
run looks up again and hands out only the remaining seeds' shares.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from resonance import catalog
from resonance.catalog import AlbumIn, ArtistIn, TrackIn
from resonance.discover.corpus.lookup import MAX_SEEDS, Corpus, LookupLimits, Neighbour
from resonance.discover.corpus.store import current_generation
from resonance.discover.providers import Candidate, Provenance, Seed
from resonance.settings import Settings

RELATION = "corpus_cooccurrence"
NAME = "corpus"


def _id(uri: str, kind: str) -> str | None:
    prefix = f"spotify:{kind}:"
    value = uri[len(prefix) :] if uri.startswith(prefix) else ""
    return value if len(value) == 22 and value.isalnum() else None


def track_of(neighbour: Neighbour) -> TrackIn:
    """The catalogue track for a corpus track: its URI, title, artist and album."""
    text = neighbour.text
    artist_id = _id(text.artist_uri, "artist")
    album_id = _id(text.album_uri, "album")
    return TrackIn(
        name=text.name,
        spotify_id=neighbour.spotify_id,
        album=AlbumIn(text.album, album_id) if text.album or album_id else None,
        artists=[ArtistIn(text.artist, artist_id)] if text.artist or artist_id else [],
    )


def sentence(evidence: dict[str, Any], seed_label: str) -> str:
    """The explanation of a corpus candidate, from its recorded evidence."""
    playlists = int(evidence.get("playlists") or 0)
    seeds = int(evidence.get("seeds") or 0)
    lists = "playlist" if playlists == 1 else "playlists"
    if seeds <= 1:
        return f"New to you: in {playlists} corpus {lists} with {seed_label}"
    return f"New to you: in {playlists} corpus {lists} with {seeds} of your seeds"


class CorpusProvider:
    """Candidates for track seeds from the community playlist corpus."""

    name = NAME

    def __init__(
        self,
        corpus: Corpus,
        seeds: Sequence[Seed],
        *,
        limit: int,
        limits: LookupLimits = LookupLimits(),
    ) -> None:
        self.corpus = corpus
        self.seeds = [s for s in seeds if s.kind == "track"][:MAX_SEEDS]
        self.refs = {s.ref for s in self.seeds}
        self.limit = limit
        self.limits = limits
        self._shares: dict[str, list[Candidate]] | None = None

    def accepts(self, seed: Seed) -> bool:
        return seed.kind == "track" and seed.ref in self.refs

    def lookup(self) -> dict[str, list[Candidate]]:
        """Each seed's share of the neighbours of all the seeds."""
        found = self.corpus.neighbours(
            [s.ref for s in self.seeds], limit=self.limit, limits=self.limits
        )
        shares: dict[str, list[Candidate]] = {}
        for neighbour in found:
            seed = self.seeds[neighbour.seeds[0]]
            evidence = {
                "playlists": neighbour.playlists,
                "seeds": len(neighbour.seeds),
                "seed_count": len(self.seeds),
                "with": [self.seeds[p].label for p in neighbour.seeds[:5]],
                "score": round(neighbour.score, 4),
            }
            provenance = Provenance(self.name, seed, RELATION, evidence)
            shares.setdefault(seed.ref, []).append(Candidate(track_of(neighbour), provenance))
        return shares

    async def candidates(self, seed: Seed) -> AsyncIterator[list[Candidate]]:
        if self._shares is None:
            # Milliseconds of numpy over memory maps; off the event loop all the same.
            self._shares = await asyncio.to_thread(self.lookup)
        share = self._shares.get(seed.ref)
        if share:
            yield share


async def corpus_seeds(session: AsyncSession, track_ids: Sequence[int]) -> list[Seed]:
    """Track seeds for the corpus: the first `MAX_SEEDS` seed tracks with a Spotify id."""
    tracks = await catalog.get_tracks(session, list(track_ids))
    seeds = []
    for track_id in track_ids:
        track = tracks.get(track_id)
        if track is not None and track.spotify_id:
            seeds.append(Seed("track", track.spotify_id, track.name))
            if len(seeds) == MAX_SEEDS:
                break
    return seeds


def corpus_enabled(settings: Settings) -> bool:
    """Whether discovery should plan track seeds: a corpus is imported and asked for."""
    return settings.corpus_candidates > 0 and (
        current_generation(settings.resolved_corpus_dir) is not None
    )


def corpus_provider(settings: Settings, seeds: Sequence[Seed]) -> CorpusProvider | None:
    """The provider over the imported corpus; None without a corpus or track seeds."""
    if settings.corpus_candidates <= 0 or not any(s.kind == "track" for s in seeds):
        return None
    corpus = Corpus.open(settings.resolved_corpus_dir)
    if corpus is None:
        return None
    limits = LookupLimits(
        per_seed=settings.corpus_playlists_per_seed,
        playlists=settings.corpus_playlists_per_lookup,
    )
    return CorpusProvider(corpus, seeds, limit=settings.corpus_candidates, limits=limits)
