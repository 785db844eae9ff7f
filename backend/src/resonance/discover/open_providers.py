"""The open similarity providers a discovery job runs, built from settings.

ListenBrainz (with MusicBrainz), Last.fm and Deezer are each off unless configured
(`Settings.listenbrainz_base`, `lastfm_base`, `deezer_base`). Each gets its own budget
and `ProviderHttp`; the Spotify searches that map their finds back to Spotify ids share
one more budget, `spotify_mapping`, so they never use up the Spotify provider's. Each
runs behind `Guarded`: a provider that is down, rate limited for longer than a job
waits, out of budget or answering garbage is stopped for the rest of the job with its
state recorded, and the other providers carry on.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from resonance import catalog
from resonance.cache import Cache
from resonance.discover.budget import Budget, BudgetSpent
from resonance.discover.cached import CachedSpotify
from resonance.discover.deezer_provider import DeezerProvider
from resonance.discover.http import ProviderHttp, ProviderRateLimited
from resonance.discover.lastfm_provider import LastfmProvider
from resonance.discover.listenbrainz_provider import ListenBrainzProvider
from resonance.discover.mapping import SpotifyMapper
from resonance.discover.providers import Candidate, CandidateProvider, ProviderFailed, Seed
from resonance.settings import Settings

logger = logging.getLogger(__name__)

OPEN_PROVIDERS = ("listenbrainz", "lastfm", "deezer")
MAPPING = "spotify_mapping"  # the budget of Spotify searches mapping open finds back
BudgetFor = Callable[[str], Awaitable[Budget]]


def enabled_open_providers(settings: Settings) -> list[str]:
    """The names of the open providers this configuration turns on."""
    bases = {
        "listenbrainz": settings.listenbrainz_base,
        "lastfm": settings.lastfm_base if settings.lastfm_key else None,
        "deezer": settings.deezer_base,
    }
    return [name for name in OPEN_PROVIDERS if bases[name]]


@dataclass
class Guarded:
    """A provider whose failure stops only itself, with a state the job shows.

    `states` is shared by the job's providers and kept in its checkpoint:
    `{"lastfm": {"state": "rate_limited", "reason": "…", "retry_after": 86400}}`.
    """

    inner: CandidateProvider
    states: dict[str, dict[str, Any]]
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = self.inner.name

    def accepts(self, seed: Seed) -> bool:
        return self.name not in self.states and self.inner.accepts(seed)

    async def candidates(self, seed: Seed) -> AsyncIterator[list[Candidate]]:
        try:
            async for batch in self.inner.candidates(seed):
                yield batch
        except BudgetSpent as spent:
            if spent.provider not in (self.name, MAPPING):
                raise
            self._stop(f"budget_spent_{spent.scope}", str(spent))
        except ProviderRateLimited as limited:
            self._stop("rate_limited", limited.reason, retry_after=limited.retry_after)
        except ProviderFailed as failed:
            self._stop("failed", failed.reason)

    def _stop(self, state: str, reason: str, **extra: Any) -> None:
        logger.warning("discovery provider stopped for this job: %s", reason)
        self.states[self.name] = {"state": state, "reason": reason, **extra}


async def build_open_providers(
    settings: Settings,
    *,
    client: httpx.AsyncClient,
    cache: Cache,
    spotify: CachedSpotify,
    budget_for: BudgetFor,
    states: dict[str, dict[str, Any]],
) -> tuple[list[Guarded], dict[str, Budget]]:
    """The enabled open providers, guarded, and the budget of each."""
    per_seed = settings.discover_similar_per_seed
    providers: list[CandidateProvider] = []
    budgets: dict[str, Budget] = {}
    if enabled_open_providers(settings):
        # Mapping finds back to Spotify has its own budget, so the open providers cannot
        # spend the Spotify provider's (measured: about 12 searches a seed for Deezer).
        budgets[MAPPING] = await budget_for(MAPPING)
    mapper = SpotifyMapper(
        CachedSpotify(
            spotify.client,
            cache,
            budgets.get(MAPPING) or spotify.budget,
            ttl=spotify.ttl,
            name=spotify.name,
        )
    )

    async def http(name: str, base: str, interval: float = 0.0) -> ProviderHttp:
        budget = budgets.get(name) or await budget_for(name)
        budgets[name] = budget
        return ProviderHttp(
            name,
            base,
            client,
            cache,
            budget,
            ttl=settings.discover_cache_ttl,
            user_agent=settings.provider_user_agent,
            min_interval=interval,
            max_wait=settings.provider_max_wait,
        )

    enabled = enabled_open_providers(settings)
    if "listenbrainz" in enabled and settings.listenbrainz_base and settings.musicbrainz_base:
        labs = await http("listenbrainz", settings.listenbrainz_base)
        brainz = await http(
            "listenbrainz", settings.musicbrainz_base, settings.musicbrainz_interval
        )
        providers.append(ListenBrainzProvider(labs, brainz, mapper, per_seed=per_seed))
    if "lastfm" in enabled and settings.lastfm_base and settings.lastfm_key:
        lastfm = await http("lastfm", settings.lastfm_base)
        providers.append(
            LastfmProvider(lastfm, mapper, api_key=settings.lastfm_key, per_seed=per_seed)
        )
    if "deezer" in enabled and settings.deezer_base:
        deezer = await http("deezer", settings.deezer_base)
        providers.append(DeezerProvider(deezer, mapper, per_seed=per_seed))
    return [Guarded(p, states) for p in providers], budgets


async def plan_track_seeds(
    session: AsyncSession, track_ids: Sequence[int], count: int
) -> list[Seed]:
    """Up to `count` of the seeds' tracks that carry an ISRC (for similar-track lookups)."""
    if count <= 0:
        return []
    tracks = await catalog.get_tracks(session, list(track_ids))
    seeds = []
    for track_id in track_ids:
        track = tracks.get(track_id)
        if track is None or not track.isrc or not track.spotify_id:
            continue
        links = track.artist_links
        artist = links[0].artist.name if links else None
        seeds.append(Seed("track", track.spotify_id, track.name, isrc=track.isrc, artist=artist))
        if len(seeds) >= count:
            break
    return seeds
