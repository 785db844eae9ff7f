"""What each discovery provider finds for the demo listener's eight genre playlists.

Usage: .venv/bin/python bench/open_providers.py [--artists 2] [--tracks 1] [--per-seed 8]

Runs the Spotify provider and the open ones (ListenBrainz with MusicBrainz, Last.fm,
Deezer) against the sandbox in process (ASGI), with the seeds a discovery job would
plan from each "<Genre> mix" playlist: its most frequent artists, its genre and its
first tracks with an ISRC. Prints, per provider, the candidates found, the share in the
playlist's scene and the share new to the listener (both by the sandbox's ground
truth, which the providers never read), the requests sent (its own and Spotify's for
mapping back) and the time taken.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import time
from collections import Counter
from typing import Any

import httpx

from resonance.cache.memory import MemoryCache
from resonance.discover import (
    Budget,
    CachedSpotify,
    DeezerProvider,
    LastfmProvider,
    ListenBrainzProvider,
    ProviderHttp,
    Seed,
    SpotifyCatalogueProvider,
    SpotifyMapper,
)
from resonance.sandbox import create_sandbox_app
from resonance.sandbox.world import GENRES, World
from resonance.settings import SANDBOX_LASTFM_KEY, Settings
from resonance.spotify import SpotifyClient

BASE = "http://127.0.0.1:8765"
AGENT = "Resonance-bench/1.0 ( bench@resonance.invalid )"


def seeds_for(world: World, genre: str, artists: int, tracks: int) -> list[Seed]:
    playlist = next(p for p in world.playlists.values() if p.name == f"{genre.title()} mix")
    counts = Counter(world.tracks[t].artist_ids[0] for t in playlist.track_ids)
    seeds = [Seed("artist", a, world.artists[a].name) for a, _ in counts.most_common(artists)]
    seeds.append(Seed("genre", genre, genre))
    for track_id in playlist.track_ids[:tracks]:
        track = world.tracks[track_id]
        artist = world.artists[track.artist_ids[0]].name
        seeds.append(Seed("track", track.id, track.name, isrc=track.isrc, artist=artist))
    return seeds


async def run(args: argparse.Namespace) -> None:
    app = create_sandbox_app(base_url=BASE)
    world: World = app.state.sandbox.world
    demo = world.users["demo"]
    has = {t for t, _ in demo.saved} | set(demo.top) | {t for t, _ in demo.recent}
    has |= {t for p in world.user_playlists("demo") for t in p.track_ids}
    transport = httpx.ASGITransport(app=app)
    settings = Settings(spotify_api_url=f"{BASE}/v1", spotify_client_id="resonance-sandbox")
    rows: dict[str, Counter[str]] = {}
    async with httpx.AsyncClient(transport=transport, base_url=BASE, timeout=30) as http:
        token = (await http.post("/_sandbox/token", json={"user": "demo"})).json()
        cache = MemoryCache(prefix="bench:")

        def budget(name: str) -> Budget:
            return Budget(name, per_job=100_000, per_day=100_000)

        def provider_http(name: str, path: str, spend: Budget | None = None) -> ProviderHttp:
            spend = spend or budget(name)
            return ProviderHttp(
                name, f"{BASE}/{path}", http, cache, spend, ttl=3600, user_agent=AGENT
            )

        async with SpotifyClient(settings, token["access_token"], http=http) as client:
            for genre in GENRES:
                seeds = seeds_for(world, genre, args.artists, args.tracks)
                spotify = CachedSpotify(client, cache, budget("spotify"), ttl=3600, name="s")
                mapper = SpotifyMapper(spotify)
                brainz = budget("listenbrainz")  # labs and MusicBrainz count together
                providers: list[Any] = [
                    SpotifyCatalogueProvider(
                        spotify,
                        albums_per_artist=1,
                        search_pages=1,
                        known_artists={s.ref for s in seeds if s.kind == "artist"},
                    ),
                    ListenBrainzProvider(
                        provider_http("listenbrainz", "listenbrainz-labs", brainz),
                        provider_http("listenbrainz", "musicbrainz/ws/2", brainz),
                        mapper,
                        per_seed=args.per_seed,
                    ),
                    LastfmProvider(
                        provider_http("lastfm", "lastfm/2.0"),
                        mapper,
                        api_key=SANDBOX_LASTFM_KEY,
                        per_seed=args.per_seed,
                    ),
                    DeezerProvider(
                        provider_http("deezer", "deezer"), mapper, per_seed=args.per_seed
                    ),
                ]
                for provider in providers:
                    row = rows.setdefault(provider.name, Counter())
                    spotify_before = spotify.budget.job_used
                    own = getattr(provider, "http", None) or getattr(provider, "labs", None)
                    own_before = own.budget.job_used if own else 0
                    started = time.perf_counter()
                    found: set[str] = set()
                    for seed in seeds:
                        if provider.accepts(seed):
                            async for batch in provider.candidates(seed):
                                found |= {str(c.track.spotify_id) for c in batch}
                    row["seconds_ms"] += int((time.perf_counter() - started) * 1000)
                    row["candidates"] += len(found)
                    row["in_scene"] += sum(world.scene_of(t) == genre for t in found)
                    row["new"] += sum(t not in has for t in found)
                    row["spotify_requests"] += spotify.budget.job_used - spotify_before
                    if own is not None and provider.name != "spotify":
                        row["own_requests"] += own.budget.job_used - own_before
    print(f"machine: {platform.node()} {platform.machine()}, {platform.python_version()}")
    print(
        f"seeds per playlist: {args.artists} artists, 1 genre, {args.tracks} tracks; "
        f"per seed {args.per_seed}; 8 playlists; sandbox in process (ASGI), one answer "
        "cache for the run, no MusicBrainz interval (the sandbox is not MusicBrainz)"
    )
    header = ("provider", "candidates", "in scene", "new to you", "own req", "Spotify req", "s")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, row in rows.items():
        n = max(row["candidates"], 1)
        print(
            f"| {name} | {row['candidates']} | {100 * row['in_scene'] / n:.0f} % "
            f"| {100 * row['new'] / n:.0f} % | {row['own_requests']} "
            f"| {row['spotify_requests']} | {row['seconds_ms'] / 1000:.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artists", type=int, default=2)
    parser.add_argument("--tracks", type=int, default=1)
    parser.add_argument("--per-seed", type=int, default=8)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
