"""The "discover" job (target: `playlist:<spotify id>` or `library:<user spotify id>`).

Chained by ingestion after a library or playlist read; hands what it found to the audio
stage (previews) and then the index, by job kind, like ingestion does.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from resonance.discover import repository
from resonance.discover.budget import Budget, BudgetSpent, next_day, today
from resonance.discover.cached import CachedSpotify
from resonance.discover.corpus import corpus_enabled, corpus_provider, corpus_seeds
from resonance.discover.open_providers import (
    build_open_providers,
    enabled_open_providers,
    plan_track_seeds,
)
from resonance.discover.providers import ProviderFailed, Seed
from resonance.discover.service import DiscoveryRun, budget_for, plan_seeds, seed_track_ids
from resonance.discover.spotify_provider import SpotifyCatalogueProvider
from resonance.jobs import JobDeferred, JobFunction, JobRun, TransientJobError
from resonance.spotify import ReauthorizationRequired, SpotifyClient

logger = logging.getLogger(__name__)


async def _seeds(run: JobRun, user_id: int, target: str) -> list[Seed]:
    """The seed plan: made once, then read back from the checkpoint on every resume."""
    planned = run.checkpoint.get("seeds")
    if isinstance(planned, list):
        return [Seed.from_dict(s) for s in planned]
    async with run.sessionmaker() as session:
        track_ids = await seed_track_ids(session, user_id, target)
        seeds = await plan_seeds(
            session,
            track_ids,
            artists=run.settings.discover_seed_artists,
            genres=run.settings.discover_seed_genres,
        )
        track_seeds: list[Seed] = []
        if enabled_open_providers(run.settings):  # similar-track lookups need track seeds
            track_seeds = await plan_track_seeds(
                session, track_ids, run.settings.discover_seed_tracks
            )
        if corpus_enabled(run.settings):  # corpus lookups take any track with a Spotify id
            planned = {seed.ref for seed in track_seeds}
            track_seeds += [
                s for s in await corpus_seeds(session, track_ids) if s.ref not in planned
            ]
        seeds += track_seeds
    await run.progress(checkpoint={"seeds": [s.as_dict() for s in seeds]})
    return seeds


async def discover_job(run: JobRun) -> dict[str, Any]:
    assert run.target, "a discover job targets playlist:<id> or library:<user>"
    if run.user_id is None:
        raise ValueError("a discover job belongs to a user")
    user_id = run.user_id
    token = await run.secret()
    if token is None:
        raise ReauthorizationRequired(
            "The Spotify access token for this discovery job is gone; sign in again."
        )
    seeds = await _seeds(run, user_id, run.target)
    settings = run.settings
    async with run.sessionmaker() as session:
        used_today = await repository.usage_today(session, user_id, "spotify", today())
    budget = budget_for("spotify", settings, run.checkpoint, used_today)

    async def open_budget(name: str) -> Budget:
        async with run.sessionmaker() as session:
            used = await repository.usage_today(session, user_id, name, today())
        return budget_for(name, settings, run.checkpoint, used)

    states: dict[str, dict[str, Any]] = dict(run.checkpoint.get("providers") or {})
    async with (
        SpotifyClient(settings, token, cache=run.cache) as client,
        httpx.AsyncClient(timeout=settings.provider_timeout) as http_client,
    ):
        api = CachedSpotify(
            client, run.cache, budget, ttl=settings.discover_cache_ttl, name="spotify"
        )
        provider = SpotifyCatalogueProvider(
            api,
            albums_per_artist=settings.discover_albums_per_artist,
            search_pages=settings.discover_search_pages,
            known_artists={s.ref for s in seeds if s.kind == "artist"},
        )
        open_providers, open_budgets = await build_open_providers(
            settings,
            client=http_client,
            cache=run.cache,
            spotify=api,
            budget_for=open_budget,
            states=states,
        )
        corpus = corpus_provider(settings, seeds)  # None without an imported corpus
        discovery = DiscoveryRun(
            run.sessionmaker,
            user_id,
            [provider, *open_providers, *([corpus] if corpus else [])],
            {"spotify": budget, **open_budgets},
            progress=run.progress,
            checkpoint=dict(run.checkpoint),
        )
        discovery.checkpoint["providers"] = states  # each save records the providers' states
        discovery.counters.update({k: v for k, v in run.counters.items() if isinstance(v, int)})
        try:
            await discovery.run(seeds)
        except BudgetSpent as spent:
            await discovery.save()
            if spent.scope == "day":
                # Found candidates stay; the rest of the seeds wait for tomorrow's budget.
                await _hand_off(run, discovery.counters)
                raise JobDeferred(next_day(), f"{spent}; resumes tomorrow (UTC)") from spent
            discovery.counters["budget_spent"] = 1
            await run.progress(stage="stopped: job request budget spent")
        except ProviderFailed as failed:
            await discovery.save()
            raise TransientJobError(failed.reason) from failed
        except Exception:
            # Down, rate limited or signed out: what was found is committed; say so.
            await discovery.save()
            raise
        finally:
            discovery.counters["cache_hits"] = run.counters.get("cache_hits", 0) + api.hits
    await _hand_off(run, discovery.counters)
    return dict(discovery.counters) | ({"providers": states} if states else {})


async def _hand_off(run: JobRun, counters: Any) -> None:
    """New tracks need audio (previews); the audio job then queues one index build.

    The served models do not wait for either: they are fed each track as it lands and
    each descriptor as it is stored (`resonance.index.incremental`); the build after the
    analysis only refits the statistics. Without an audio stage, discovery queues it.
    """
    if counters.get("tracks_added") and run.params.get("audio", True) and run.can_run("audio"):
        await run.submit("audio")
        return
    if run.params.get("index", True) and run.can_run("index"):
        await run.submit("index", target="catalogue")


JOB_HANDLERS: dict[str, JobFunction] = {"discover": discover_job}
