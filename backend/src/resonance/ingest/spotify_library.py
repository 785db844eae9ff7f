"""A user's whole library: saved, top and recently played tracks, and their playlists."""

from __future__ import annotations

import logging
from typing import Any

from resonance import catalog
from resonance.ingest import spotify_parse as parse
from resonance.ingest.service import SpotifyIngest, UserRef
from resonance.spotify import SpotifyForbidden, prefetch

logger = logging.getLogger(__name__)
STAGES = ("saved", "top", "recent", "playlists", "enrich")


async def ingest_library(ingest: SpotifyIngest, user: UserRef) -> dict[str, int]:
    """Run (or resume) every stage; the checkpoint names the stage and its page offset."""
    done_stage = ingest.checkpoint.get("library_stage_done")
    start = STAGES.index(done_stage) + 1 if done_stage in STAGES else 0
    for stage in STAGES[start:]:
        if stage == "saved":
            await _saved(ingest, user)
        elif stage == "top":
            await _ranked(ingest, user, "top", [p async for p in _top_pages(ingest)])
        elif stage == "recent":
            await _recent(ingest, user)
        elif stage == "playlists":
            await _playlists(ingest, user)
        else:
            await ingest.enrich()
        await ingest.save(stage=f"{stage} done", checkpoint={"library_stage_done": stage})
    return ingest.counters


async def _saved(ingest: SpotifyIngest, user: UserRef) -> None:
    offset = int(ingest.checkpoint.get("saved_offset", 0))
    if offset == 0:
        async with ingest.sessionmaker() as session, session.begin():
            await catalog.clear_library_kind(session, user.id, "saved")
    async for page in prefetch(ingest.client.saved_tracks(offset=offset)):
        async with ingest.sessionmaker() as session, session.begin():
            ids = await ingest._store_tracks(session, [i.get("track") for i in page.items])
            rows = [
                (tid, page.offset + n, parse.parse_time(page.items[n].get("added_at")))
                for n, tid in enumerate(ids)
                if tid is not None
            ]
            await catalog.add_library_items(session, user.id, "saved", rows)
        ingest.count("saved_tracks", len(rows))
        await ingest.save(
            done=page.next_offset,
            total=page.total,
            stage="saved tracks",
            checkpoint={"saved_offset": page.next_offset},
        )


async def _top_pages(ingest: SpotifyIngest) -> Any:
    async for page in ingest.client.top_tracks():
        yield page.items


async def _ranked(
    ingest: SpotifyIngest, user: UserRef, kind: str, pages: list[list[dict[str, Any]]]
) -> None:
    objects = [obj for page in pages for obj in page]
    async with ingest.sessionmaker() as session, session.begin():
        ids = await ingest._store_tracks(session, list(objects))
        await catalog.clear_library_kind(session, user.id, kind)
        rows = [(tid, rank, None) for rank, tid in enumerate(ids) if tid is not None]
        await catalog.add_library_items(session, user.id, kind, rows)
    ingest.count(f"{kind}_tracks", len(rows))


async def _recent(ingest: SpotifyIngest, user: UserRef) -> None:
    try:
        plays = await ingest.client.recently_played()
    except SpotifyForbidden:
        # A sign-in from before the app asked for user-read-recently-played: Spotify
        # refuses this one source (403 "Insufficient client scope"); the rest of the
        # library still reads, and the recent plays stored earlier stay.
        logger.warning("recently played tracks skipped: the sign-in lacks their scope")
        ingest.count("recent_skipped", 1)
        return
    async with ingest.sessionmaker() as session, session.begin():
        ids = await ingest._store_tracks(session, [p.get("track") for p in plays])
        await catalog.clear_library_kind(session, user.id, "recent")
        rows = [
            (tid, rank, parse.parse_time(plays[rank].get("played_at")))
            for rank, tid in enumerate(ids)
            if tid is not None
        ]
        await catalog.add_library_items(session, user.id, "recent", rows)
    ingest.count("recent_tracks", len({r[0] for r in rows}))


async def _playlists(ingest: SpotifyIngest, user: UserRef) -> None:
    listed: list[dict[str, Any]] = []
    async for page in ingest.client.my_playlists():
        listed.extend(p for p in page.items if p and p.get("id"))
    await ingest.save(done=0, total=len(listed), stage="playlists")
    for number, meta in enumerate(listed, start=1):
        relation = parse.relation_of(meta, user.spotify_id)
        if relation == "followed":
            # Contents are only served to owners and collaborators: record metadata, skip /items.
            await _followed(ingest, user, meta)
        else:
            await ingest.playlist(user, meta["id"], meta=meta)
        await ingest.save(done=number, total=len(listed), stage="playlists")


async def _followed(ingest: SpotifyIngest, user: UserRef, meta: dict[str, Any]) -> None:

    async with ingest.sessionmaker() as session, session.begin():
        stored = await catalog.upsert_playlist(session, parse.playlist_in(meta))
        await catalog.link_user_playlist(session, user.id, stored.id, "followed")
        if stored.ingested_snapshot_id is None:
            await catalog.mark_playlist_ingested(session, stored.id, None, contents_available=False)
    ingest.count("playlists_followed")
