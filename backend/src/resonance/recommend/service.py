"""Recommendations for the API: resolve seeds, make sure the index covers them, hydrate results."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from resonance import catalog, discover
from resonance.catalog.normalise import artist_key, title_key
from resonance.errors import Conflict, InvalidInput, NotFound
from resonance.index import IndexStore, ModelHolder, build_index
from resonance.metrics import RECOMMEND_LATENCY
from resonance.recommend.new_music import (
    candidates_for_new,
    discovery_ended,
    discovery_job,
    discovery_status,
    feed_model,
    library_note,
    not_theirs,
)
from resonance.recommend.options import RecommendOptions, Seeds, Target, resolve_cap
from resonance.recommend.previews import preview_provider_name
from resonance.recommend.recommender import (
    EmptyCatalogueError,
    Recommendations,
    Recommender,
    UnknownSeedsError,
)
from resonance.recommend.responses import recommend_body, similar_body
from resonance.recommend.schemas import RecommendRequest
from resonance.recommend.scoring import UnknownTargetError
from resonance.recommend.targets import explain_targets, usable_targets
from resonance.recommend.tracks import CardCache
from resonance.runtime import Runtime

EMPTY_CATALOGUE = (
    "The catalogue is empty: ingest a playlist or your library (POST /v1/ingest/…), "
    "import an Exportify CSV or scan a music folder, then ask again."
)


async def cards(
    runtime: Runtime, session: AsyncSession, track_ids: Sequence[int]
) -> dict[int, bytes]:
    """Cards (JSON) for the tracks that exist, cached for the serving index version."""
    cache = runtime.component(
        CardCache, lambda rt: CardCache(preview_provider=preview_provider_name(rt.settings))
    )
    return await cache.get(session, track_ids, version=holder_of(runtime).loaded_version)


def _make_holder(runtime: Runtime) -> ModelHolder[Recommender]:
    settings = runtime.settings
    return ModelHolder(
        IndexStore(settings.index_dir),
        Recommender.from_index,
        ef_search=settings.index_hnsw_ef_search,
    )


def holder_of(runtime: Runtime) -> ModelHolder[Recommender]:
    """The serving model of this process, loaded from the newest ready index version."""
    return runtime.component(ModelHolder, _make_holder)


async def current_model(runtime: Runtime, *, need: list[int] | None = None) -> Recommender:
    """The serving model, covering every track in `need`.

    With no model yet, build one now. Tracks ingested since the last build are
    added to the held model incrementally (embedded with that build's
    statistics), and a full rebuild is queued so they gain co-occurrence
    evidence too.
    """
    holder = holder_of(runtime)
    model = await holder.get(runtime.sessionmaker)
    if model is None:
        # Built here or by another process that held the lock: either way, load it.
        await build_index_or_409(runtime)
        await holder.refresh(runtime.sessionmaker)
        model = holder.model
    elif need and (missing := [t for t in need if not model.has_track(t)]):
        await add_new_tracks(runtime, model, missing)
        if not any(model.has_vector(t) for t in need):
            # Nothing the held build knows describes these seeds (new genres, no audio yet,
            # no co-occurrence): only a full build can place them, so build now.
            await build_index_or_409(runtime)
            await holder.refresh(runtime.sessionmaker)
            model = holder.model
    if model is not None and need and (missing := [t for t in need if not model.has_track(t)]):
        # The version just loaded may come from a build that started before these tracks
        # were read (another process held the build lock): add them to it as well.
        await add_new_tracks(runtime, model, missing)
    if model is None or model.n_items == 0:
        raise Conflict(EMPTY_CATALOGUE, title="Nothing to recommend from yet")
    # What discovery and the audio stage stored since the build joins the model now.
    await feed_model(runtime, model)
    return model


async def add_new_tracks(runtime: Runtime, model: Recommender, track_ids: list[int]) -> int:
    """Add catalogue tracks the model lacks, then queue a full rebuild; returns how many."""
    from resonance.vectors import load_catalogue

    # Tracks read since the build are the feed's: it reads only those, not the catalogue.
    await feed_model(runtime, model, force=True)
    if all(model.has_track(t) for t in track_ids):
        await runtime.jobs.submit(kind="index", target="catalogue")  # their playlists
        return len(track_ids)
    async with runtime.sessionmaker() as session:
        catalogue = await load_catalogue(session)
    wanted = set(track_ids)
    rows = np.flatnonzero([int(t) in wanted for t in catalogue.track_ids])
    # Runs on the event loop on purpose: requests read the model there, so none sees it half-added.
    added = model.add_tracks(catalogue.subset(rows)) if rows.size else 0
    if added:
        await runtime.jobs.submit(kind="index", target="catalogue")
    return added


async def build_index_or_409(runtime: Runtime) -> int | None:
    from resonance.index import EmptyCatalogue

    try:
        result = await build_index(runtime.sessionmaker, runtime.cache, runtime.settings)
    except EmptyCatalogue as exc:
        raise Conflict(EMPTY_CATALOGUE, title="Nothing to recommend from yet") from exc
    if result.skipped:
        # Another process is building; wait for it rather than build twice.
        await runtime.cache.acquire_lock("index:rebuild", ttl=1.0, wait=120.0)
        return None
    return result.version


SPARE_RESULTS = 5  # asked beyond n, so dropping a second copy of a song still fills the list


def song_key(card: bytes) -> tuple[str, str]:
    """A song whatever its copy: folded title and primary artist (catalogue.normalise)."""
    data = orjson.loads(card)
    artists = data.get("artists") or []
    return title_key(data.get("name") or ""), artist_key(artists[0]["name"] if artists else "")


def one_per_song(
    items: Recommendations, found: dict[int, bytes], seed_ids: Sequence[int], n: int
) -> Recommendations:
    """Leave out a result that is the same song as a seed or as a result above it (a local
    file and its catalogue copy, a single and its album version); ranks are renumbered."""
    seen = {song_key(found[t]) for t in seed_ids if t in found}
    out = Recommendations(notes=items.notes)
    for item in items:
        card = found.get(item.track_id)
        key = song_key(card) if card is not None else None
        if key is not None and key in seen:
            continue
        if key is not None:
            seen.add(key)
        item.rank = len(out) + 1
        out.append(item)
        if len(out) == n:
            break
    return out


def best_score(model: Recommender) -> float:
    """The highest score the model can give: every block identical, the strongest playlists."""
    vectors = model.vectors
    return sum(max(b.weight, 0.0) for b in vectors.layout) + max(vectors.playlist_weight, 0.0)


MISSING_LISTED = 10  # unknown seeds named in a 404; the rest are only counted


def unknown_seeds(missing: list[str]) -> NotFound:
    """404 naming the first few unknown seeds and counting all of them.

    Echoing every one would let a 500-seed request (or a long id) make a huge answer.
    """
    listed = missing[:MISSING_LISTED]
    more = len(missing) - len(listed)
    detail = "Unknown seeds: " + ", ".join(listed) + (f" and {more} more" if more else "")
    return NotFound(detail, title="Unknown seeds", missing=listed, missing_count=len(missing))


@dataclass
class ResolvedSeeds:
    track_ids: list[int]
    artist_ids: list[int]
    playlist_track_ids: list[int]


async def resolve_seeds(
    runtime: Runtime, session: AsyncSession, request: RecommendRequest
) -> ResolvedSeeds:
    missing: list[str] = []
    track_ids = list(dict.fromkeys(request.track_ids))
    found = await cards(runtime, session, track_ids)
    missing += [f"track {t}" for t in track_ids if t not in found]
    if request.spotify_track_ids:
        by_spotify = await catalog.track_ids_by_spotify_ids(session, request.spotify_track_ids)
        missing += [f"spotify track {s}" for s in request.spotify_track_ids if s not in by_spotify]
        track_ids += [by_spotify[s] for s in request.spotify_track_ids if s in by_spotify]
    artist_ids: list[int] = []
    if request.spotify_artist_ids:
        artists = await catalog.artist_ids_by_spotify_ids(session, request.spotify_artist_ids)
        missing += [f"spotify artist {a}" for a in request.spotify_artist_ids if a not in artists]
        artist_ids = [artists[a] for a in request.spotify_artist_ids if a in artists]
    playlist_tracks: list[int] = []
    if request.playlist_id:
        tracks = await catalog.ingested_playlist_tracks(session, request.playlist_id)
        if tracks is None:
            await _refuse_unreadable(session, request.playlist_id)
            missing.append(f"playlist {request.playlist_id} (not ingested)")
        else:
            playlist_tracks = tracks
            track_ids += tracks
    if missing:
        raise unknown_seeds(missing)
    if not track_ids and not artist_ids:
        raise InvalidInput(
            "This playlist has no tracks to start from. Add some in Spotify and read it again.",
            title="Nothing to start from",
            code="empty_playlist",
        )
    return ResolvedSeeds(list(dict.fromkeys(track_ids)), artist_ids, playlist_tracks)


async def _refuse_unreadable(session: AsyncSession, playlist_id: str) -> None:
    """A playlist Spotify shows us but does not let us read is no "unknown seed"."""
    playlist = await catalog.get_playlist_by_spotify_id(session, playlist_id)
    if playlist is not None and playlist.contents_available is False:
        raise InvalidInput(
            f"Spotify does not let apps read the tracks of “{playlist.name}”: only its owner"
            " and collaborators can. Start from one of your own playlists instead.",
            title="This playlist can't be read",
            code="unreadable_playlist",
        )


async def recommend_for(
    runtime: Runtime, session: AsyncSession, request: RecommendRequest, *, user_id: int | None
) -> bytes:
    """A `RecommendResponse` body (see `responses`)."""
    started = time.perf_counter()
    seeds = await resolve_seeds(runtime, session, request)
    model = await current_model(runtime, need=seeds.track_ids)
    exclude = set(seeds.playlist_track_ids) if request.exclude_playlist else set()
    new_only = user_id is not None and request.source == "new"
    finder = None
    if new_only:
        # Music the listener does not have yet: not in their library, not in their playlists.
        assert user_id is not None
        exclude |= await catalog.known_track_ids(session, user_id)
        finder = await discovery_job(session, user_id, request.playlist_id)
        if discovery_ended(finder):
            # All it found is stored: the list says "done" only once the model has it too.
            await feed_model(runtime, model, force=True)
    elif user_id is not None:
        # From my library: rediscover what the listener has, and only that.
        exclude |= not_theirs(model, await catalog.known_track_ids(session, user_id))
        if request.exclude_library:
            exclude |= set(await catalog.library_track_ids(session, user_id))
    targets, notes = await usable_targets(
        runtime, model, [Target(t.name, t.value, t.strength) for t in request.targets]
    )
    options = RecommendOptions(
        exclude_seeds=request.exclude_seeds,
        exclude=frozenset(exclude),
        allow_explicit=request.allow_explicit,
        targets=tuple(targets),
        genre_mode=request.genre_mode,
        diversity=request.diversity,
        # Caps as for the n asked, though a few spare results are asked for (below).
        max_per_artist=resolve_cap(request.max_per_artist, request.n),
        max_per_album=resolve_cap(request.max_per_album, request.n),
        candidates=(
            candidates_for_new(request.n + SPARE_RESULTS, model.n_items, len(exclude))
            if user_id is not None
            else None
        ),
    )
    try:
        with RECOMMEND_LATENCY.time():
            items = model.recommend(
                Seeds(track_ids=tuple(seeds.track_ids), artist_ids=tuple(seeds.artist_ids)),
                n=request.n + SPARE_RESULTS,
                options=options,
            )
    except UnknownTargetError as exc:
        raise InvalidInput(str(exc)) from exc
    except UnknownSeedsError as exc:
        raise unknown_seeds(
            [f"track {t}" for t in exc.missing_tracks]
            + [f"artist {a}" for a in exc.missing_artists]
        ) from exc
    except EmptyCatalogueError as exc:
        raise Conflict(EMPTY_CATALOGUE) from exc
    found = await cards(runtime, session, [i.track_id for i in items] + seeds.track_ids[:50])
    items = one_per_song(items, found, seeds.track_ids[:50], request.n)
    explain_targets(model, items, targets)
    provenance = (
        await discover.provenance_sentences(session, user_id, [i.track_id for i in items])
        if user_id is not None
        else {}
    )
    discovery = None
    if user_id is not None and not new_only and (short := library_note(len(items), request.n)):
        notes.insert(0, short)
    if new_only:
        discovery = discovery_status(finder, shown=len(items), wanted=request.n)
        if discovery.message:
            notes.insert(0, discovery.message)
    return recommend_body(
        holder_of(runtime).loaded_version or 0,
        [found[t] for t in seeds.track_ids[:50] if t in found],
        items,
        found,
        took_ms=(time.perf_counter() - started) * 1000,
        provenance=provenance,
        notes=notes,
        best=best_score(model),
        discovery=discovery.as_dict() if discovery else None,
    )


async def similar(runtime: Runtime, session: AsyncSession, track_id: int, n: int) -> bytes:
    """A `SimilarResponse` body."""
    track = (await cards(runtime, session, [track_id])).get(track_id)
    if track is None:
        raise NotFound(f"Unknown seeds: track {track_id}", title="Unknown seeds")
    model = await current_model(runtime, need=[track_id])
    items = model.similar_items(track_id, n=n)
    found = await cards(runtime, session, [i.track_id for i in items])
    return similar_body(
        holder_of(runtime).loaded_version or 0, track, items, found, best=best_score(model)
    )
