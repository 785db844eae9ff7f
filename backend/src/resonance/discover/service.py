"""Discovery runs: seeds from what the listener plays → providers → the catalogue.

A run is resumable: the seed list is planned once and kept in the checkpoint, and the
checkpoint moves past a seed only after everything it found is committed. Candidates
are stored batch by batch as a provider yields them, so a provider that fails, runs out
of budget or is rate limited halfway loses nothing already found.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.catalog import ArtistIn
from resonance.db import TrackProvenance
from resonance.discover import corpus, repository
from resonance.discover.budget import Budget, BudgetSpent, today
from resonance.discover.open_sentences import open_sentence, provider_name
from resonance.discover.providers import Candidate, CandidateProvider, Seed
from resonance.errors import InvalidInput
from resonance.settings import Settings

logger = logging.getLogger(__name__)

Progress = Callable[..., Awaitable[None]]  # JobRun.progress(done=, total=, stage=, ...)


async def _no_progress(**_: Any) -> None:
    return None


def parse_target(target: str) -> tuple[str, str]:
    """`playlist:<spotify id>` or `library:<user spotify id>`."""
    kind, _, ref = target.partition(":")
    if kind not in ("playlist", "library") or not ref:
        raise InvalidInput(f"A discovery target is playlist:<id> or library:<user>, not {target!r}")
    return kind, ref


async def seed_track_ids(session: AsyncSession, user_id: int, target: str) -> list[int]:
    kind, ref = parse_target(target)
    if kind == "playlist":
        return await catalog.ingested_playlist_tracks(session, ref) or []
    return await catalog.library_track_ids(session, user_id)


async def plan_seeds(
    session: AsyncSession, track_ids: Sequence[int], *, artists: int, genres: int
) -> list[Seed]:
    """The seeds' most frequent primary artists, then their most frequent genres."""
    tracks = await catalog.get_tracks(session, list(track_ids))
    by_artist: Counter[tuple[str, str]] = Counter()
    for track in tracks.values():
        links = track.artist_links
        if links and links[0].artist.spotify_id:
            by_artist[(links[0].artist.spotify_id, links[0].artist.name)] += 1
    by_genre: Counter[str] = Counter()
    for names in (await catalog.genres_for_tracks(session, list(tracks))).values():
        by_genre.update(names)
    seeds = [Seed("artist", sid, name) for (sid, name), _ in by_artist.most_common(artists)]
    seeds += [Seed("genre", g, g) for g, _ in by_genre.most_common(genres)]
    return seeds


@dataclass
class DiscoveryRun:
    """One discovery job for one user: its providers, budgets and counters."""

    sessionmaker: async_sessionmaker[AsyncSession]
    user_id: int
    providers: Sequence[CandidateProvider]
    budgets: dict[str, Budget]
    progress: Progress = _no_progress
    checkpoint: dict[str, Any] = field(default_factory=dict)
    counters: Counter[str] = field(default_factory=Counter)
    known: set[int] = field(default_factory=set)
    recorded: set[tuple[int, str, str]] = field(default_factory=set)  # (track, provider, seed)

    async def run(self, seeds: Sequence[Seed]) -> None:
        """Ask every provider about every seed from the checkpoint on.

        Raises `BudgetSpent` (after saving) when a budget is used up; any provider
        failure propagates after what was found is committed and the usage recorded.
        """
        async with self.sessionmaker() as session:
            self.known = await catalog.known_track_ids(session, self.user_id)
        start = int(self.checkpoint.get("seeds_done", 0))
        for index in range(start, len(seeds)):
            seed = seeds[index]
            stage = f"{seed.kind} {seed.label}"[:64]  # the job row's stage column
            await self.progress(done=index, total=len(seeds), stage=stage)
            try:
                for provider in self.providers:
                    if provider.accepts(seed):
                        async for batch in provider.candidates(seed):
                            await self.store(batch)
            finally:
                await self.flush_usage()
            self.counters["seeds_done"] += 1
            await self.save(seeds_done=index + 1)
        await self.progress(done=len(seeds), total=len(seeds), stage="discovered")

    async def save(self, **checkpoint: Any) -> None:
        self.checkpoint.update(checkpoint)
        self.checkpoint["requests"] = {n: b.job_used for n, b in self.budgets.items()}
        await self.progress(counters=dict(self.counters), checkpoint=dict(self.checkpoint))

    async def flush_usage(self) -> None:
        day = today()
        spent = {name: budget.take_unflushed() for name, budget in self.budgets.items()}
        if not any(spent.values()):
            return
        async with self.sessionmaker() as session, session.begin():
            for name, requests in spent.items():
                await repository.add_usage(session, self.user_id, name, day, requests)
        for name, requests in spent.items():
            self.counters[f"{name}_requests"] += requests

    async def store(self, batch: list[Candidate]) -> None:
        """Upsert the batch's tracks into the catalogue and record their provenance."""
        batch = [c for c in batch if c.track.spotify_id]
        if not batch:
            return
        unique = {str(c.track.spotify_id): c.track for c in batch}
        async with self.sessionmaker() as session, session.begin():
            existing = await catalog.track_ids_by_spotify_ids(session, list(unique))
            fresh = [t for sid, t in unique.items() if sid not in existing]
            ids = existing | await catalog.upsert_tracks(session, fresh)
            artist_genres = {a: g for c in batch for a, g in c.artist_genres.items()}
            if artist_genres:
                names = {a.spotify_id: a.name for c in batch for a in c.track.artists}
                await catalog.upsert_artists(
                    session,
                    [ArtistIn(names.get(a) or "", a, genres=g) for a, g in artist_genres.items()],
                )
            track_genres = {
                ids[str(c.track.spotify_id)]: c.track_genres for c in batch if c.track_genres
            }
            # Only for tracks discovery added: a provider's genre guess must not
            # overwrite what the listener's own sources said.
            fresh_ids = {ids[str(t.spotify_id)] for t in fresh if t.spotify_id in ids}
            track_genres = {t: g for t, g in track_genres.items() if t in fresh_ids}
            if track_genres:
                await catalog.add_track_genres(session, track_genres, source="discover")
            rows = []
            for c in batch:
                track_id = ids.get(str(c.track.spotify_id))
                if track_id is None or track_id in self.known:
                    self.counters["candidates_already_known"] += 1
                    continue
                p = c.provenance
                if (track_id, p.provider, p.seed.ref) in self.recorded:
                    continue  # one seed led here twice (a search hit and an album)
                self.recorded.add((track_id, p.provider, p.seed.ref))
                rows.append(
                    {
                        "user_id": self.user_id,
                        "track_id": track_id,
                        "provider": p.provider,
                        "seed_kind": p.seed.kind,
                        "seed_ref": p.seed.ref,
                        "seed_label": p.seed.label[:512],
                        "relation": p.relation,
                        "evidence": p.evidence,
                    }
                )
            await repository.add_provenance(session, rows)
        self.counters["candidates"] += len(rows)
        self.counters["tracks_added"] += len(fresh)


def budget_for(
    provider: str, settings: Settings, checkpoint: dict[str, Any], day_used: int
) -> Budget:
    used = int((checkpoint.get("requests") or {}).get(provider, 0))
    return Budget(
        provider,
        per_job=settings.discover_requests_per_job,
        per_day=settings.discover_requests_per_user_day,
        job_used=used,
        day_used=day_used,
    )


def sentence(row: TrackProvenance) -> str:
    """Where a discovered track came from, in words, from its recorded provenance.

    Read generically: a relation is worded by what it is (an album of a seed artist, a
    genre search, a similarity, a corpus co-occurrence), whichever provider found it.
    """
    evidence = row.evidence or {}
    if row.relation == corpus.RELATION:
        return corpus.sentence(evidence, row.seed_label)
    album = evidence.get("album")
    artist = evidence.get("artist") or row.seed_label
    genre = evidence.get("genre", row.seed_label)
    if row.relation == "album_by_seed_artist":
        where = f'on the album "{album}" by {artist}' if album else f"by {artist}"
        return f"New to you: {where}, an artist you play"
    if row.relation == "genre_artist":
        where = f'on "{album}" by {artist}' if album else f"by {artist}"
        return f"New to you: {where}, found by searching genre:{genre}"
    if row.relation == "genre_search":
        return f"New to you: found by searching genre:{genre}"
    opened = open_sentence(row)
    if opened is not None:
        return opened
    if "corpus" in row.relation or row.provider == "corpus":
        playlists = evidence.get("playlists")
        count = f"{int(playlists)} " if isinstance(playlists, int | float) else ""
        return f"New to you: in {count}corpus playlists with your seeds"
    if "similar" in row.relation:
        return f"New to you: similar to {row.seed_label} on {provider_name(row.provider)}"
    return f"New to you: found by {provider_name(row.provider)} from {row.seed_label}"


def badge(row: TrackProvenance) -> str:
    """The short label the web app shows on a discovered track: who found it."""
    return f"New · {provider_name(row.provider)}"


async def provenance_sentences(
    session: AsyncSession, user_id: int, track_ids: Sequence[int]
) -> dict[int, tuple[str, str]]:
    """(sentence, badge) per discovered track, from its first find, for explanations."""
    found = await repository.provenance_for(session, user_id, track_ids)
    return {
        track_id: (sentence(rows[0]), badge(rows[0])) for track_id, rows in found.items() if rows
    }


__all__ = [
    "BudgetSpent",
    "DiscoveryRun",
    "badge",
    "plan_seeds",
    "provenance_sentences",
    "provider_name",
    "sentence",
]
