"""Spotify → catalogue: a user's library and single playlists, idempotent and resumable.

Every page is written and committed before the checkpoint moves past it, so a
job killed at any point resumes from its last checkpoint and re-writes at
most one page (upserts make that harmless).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.catalog import ArtistIn, EntryIn, TrackIn
from resonance.ingest import spotify_parse as parse
from resonance.spotify import Page, SpotifyClient, SpotifyForbidden, prefetch

logger = logging.getLogger(__name__)

Progress = Callable[..., Awaitable[None]]  # JobRun.progress(done=, total=, stage=, ...)
ENRICH_CHUNK = 200


@dataclass(slots=True)
class UserRef:
    id: int
    spotify_id: str | None


async def _no_progress(**_: Any) -> None:
    return None


class SpotifyIngest:
    """One ingestion run for one user; `counters` sums what it did."""

    def __init__(
        self,
        client: SpotifyClient,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        progress: Progress = _no_progress,
        checkpoint: dict[str, Any] | None = None,
    ) -> None:
        self.client = client
        self.sessionmaker = sessionmaker
        self.progress = progress
        self.checkpoint: dict[str, Any] = dict(checkpoint or {})
        self.counters: dict[str, int] = {}
        self._requested: set[str] = set()
        self._pending_artists: list[str] = []
        self._detail_tasks: list[asyncio.Task[list[dict[str, Any]]]] = []

    def count(self, name: str, n: int = 1) -> None:
        self.counters[name] = self.counters.get(name, 0) + n

    async def save(self, **values: Any) -> None:
        """Persist progress and move the checkpoint (after the data is committed)."""
        checkpoint = values.pop("checkpoint", None)
        if checkpoint:
            self.checkpoint.update(checkpoint)
        await self.progress(counters=dict(self.counters), checkpoint=checkpoint, **values)

    # --- the user ----------------------------------------------------------

    async def resolve_user(self, user_id: int | None = None) -> UserRef:
        """The stored user (when known) or the token's owner via /me, upserted."""
        if user_id is not None:
            async with self.sessionmaker() as session:
                user = await catalog.get_user(session, user_id)
            if user is not None and user.spotify_user_id:
                return UserRef(user.id, user.spotify_user_id)
        me = await self.client.me()
        async with self.sessionmaker() as session, session.begin():
            user = await catalog.upsert_spotify_user(session, me)
        return UserRef(user.id, user.spotify_user_id)

    # --- tracks --------------------------------------------------------------

    async def _store_tracks(
        self, session: AsyncSession, objects: list[dict[str, Any] | None]
    ) -> list[int | None]:
        """Upsert track objects; returns our ids aligned with `objects` (None where skipped)."""
        parsed: list[TrackIn | None] = [parse.track_in(o) if o else None for o in objects]
        # A playlist may hold a track twice; one statement must not upsert a row twice.
        unique = {t.spotify_id: t for t in parsed if t is not None and t.spotify_id}
        ids = await catalog.upsert_tracks(session, list(unique.values()))
        self.count("tracks_upserted", len(ids))
        artists = {a.spotify_id for t in parsed if t for a in t.artists if a.spotify_id}
        await self.prefetch_artists(session, artists)
        return [ids.get(t.spotify_id) if t and t.spotify_id else None for t in parsed]

    # --- one playlist --------------------------------------------------------

    async def playlist(
        self,
        user: UserRef,
        playlist_id: str,
        *,
        meta: dict[str, Any] | None = None,
        force: bool = False,
    ) -> str:
        """Ingest one playlist; returns "ingested", "unchanged" or "unavailable".

        `meta` is the playlist object when the caller already has it (library listing).
        """
        meta = meta or await self.client.playlist(playlist_id)
        relation = parse.relation_of(meta, user.spotify_id)
        async with self.sessionmaker() as session, session.begin():
            stored = await catalog.upsert_playlist(session, parse.playlist_in(meta))
            await catalog.link_user_playlist(session, user.id, stored.id, relation)
            db_id, ingested = stored.id, stored.ingested_snapshot_id
            available = stored.contents_available
        snapshot = meta.get("snapshot_id")
        if not force and ingested is not None and ingested == snapshot and available:
            self.count("playlists_unchanged")
            return "unchanged"
        key = f"playlist:{playlist_id}"
        start = 0
        if self.checkpoint.get(f"{key}:snapshot") == snapshot:
            start = int(self.checkpoint.get(key, 0))  # resume after a crash
        total = (meta.get("items") or {}).get("total")
        try:
            length = await self._entries(db_id, playlist_id, meta, start, total)
        except SpotifyForbidden:
            # Not owned and not collaborative (February 2026): metadata only, not a crash.
            async with self.sessionmaker() as session, session.begin():
                await catalog.mark_playlist_ingested(session, db_id, None, contents_available=False)
            self.count("playlists_unavailable")
            return "unavailable"
        async with self.sessionmaker() as session, session.begin():
            await catalog.truncate_playlist_entries(session, db_id, length)
            await catalog.mark_playlist_ingested(session, db_id, snapshot, contents_available=True)
        self.count("playlists_ingested")
        await self.save(checkpoint={key: length, f"{key}:snapshot": snapshot})
        return "ingested"

    async def _entries(
        self, db_id: int, playlist_id: str, meta: dict[str, Any], start: int, total: int | None
    ) -> int:
        key = f"playlist:{playlist_id}"
        snapshot = meta.get("snapshot_id")
        embedded = meta.get("items") or {}
        length = start
        async for page in prefetch(self._playlist_pages(playlist_id, embedded, start)):
            objects = [parse.entry_track(e) for e in page.items]
            async with self.sessionmaker() as session, session.begin():
                ids = await self._store_tracks(session, objects)
                entries = [
                    EntryIn(page.offset + i, tid, parse.parse_time(page.items[i].get("added_at")))
                    for i, tid in enumerate(ids)
                    if tid is not None
                ]
                await catalog.write_playlist_entries(session, db_id, entries)
            self.count("entries_written", len(entries))
            length = page.next_offset
            await self.save(
                done=length,
                total=page.total if page.total is not None else total,
                stage=f"playlist {meta.get('name', playlist_id)}",
                checkpoint={key: length, f"{key}:snapshot": snapshot},
            )
        return length

    async def _playlist_pages(self, playlist_id: str, embedded: dict[str, Any], start: int) -> Any:
        """Pages from `start`; the first page embedded in the playlist object saves a request."""
        items = embedded.get("items")
        if start == 0 and items:
            first = Page(list(items), 0, embedded.get("total"), embedded.get("next"))
            yield first
            if not first.next_url:
                return
            start = first.next_offset
        async for page in self.client.playlist_items(playlist_id, offset=start):
            yield page

    # --- enrichment ------------------------------------------------------------

    async def prefetch_artists(self, session: AsyncSession, spotify_ids: set[str]) -> None:
        """Start fetching details of artists never fetched, while pages are still being written.

        Development mode fetches one by one, so those start at once; extended mode
        gathers 50 ids per batch request to keep the request count minimal.
        """
        fresh = [i for i in spotify_ids if i not in self._requested]
        if not fresh:
            return
        missing = await catalog.artists_missing_details(session, fresh)
        self._requested.update(fresh)
        self._pending_artists.extend(missing)
        if await self.client.mode() == "development" or len(self._pending_artists) >= 50:
            self._flush_artists()

    def _flush_artists(self) -> None:
        if self._pending_artists:
            ids, self._pending_artists = self._pending_artists, []
            self._detail_tasks.append(asyncio.ensure_future(self.client.artists(ids)))

    async def _store_artists(self, missing: list[str], objects: list[dict[str, Any]]) -> None:
        found = {a["id"]: a for a in objects if a.get("id")}
        records = []
        for artist_id in missing:
            obj = found.get(artist_id)
            record = parse.artist_in(obj, with_genres=True) if obj else None
            # Genres are deprecated in 2026: absent counts as "fetched, none known".
            records.append(
                ArtistIn(
                    name=record.name if record else "",
                    spotify_id=artist_id,
                    genres=(record.genres or []) if record else [],
                    image_url=record.image_url if record else None,
                )
            )
        async with self.sessionmaker() as session, session.begin():
            await catalog.upsert_artists(session, [r for r in records if r.name])
            await catalog.set_artist_genres(session, await _ids_without_name(session, records))
        self.count("artists_detailed", len(found))

    async def aclose(self) -> None:
        """Cancel detail fetches still in flight (the run failed or was deferred)."""
        tasks, self._detail_tasks = self._detail_tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def enrich(self) -> None:
        """Artist genres for artists never fetched; audio features where the app gets them."""
        self._flush_artists()
        tasks, self._detail_tasks = self._detail_tasks, []
        results = await asyncio.gather(*tasks, return_exceptions=True)
        objects = [obj for r in results if isinstance(r, list) for obj in r]
        if objects:
            await self._store_artists([o["id"] for o in objects if o.get("id")], objects)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        while True:
            async with self.sessionmaker() as session:
                missing = await catalog.artists_without_details(session, ENRICH_CHUNK)
            if not missing:
                break
            await self.save(stage=f"artist details ({len(missing)} more)")
            await self._store_artists(missing, await self.client.artists(missing))
        await self.features()

    async def features(self) -> None:
        while True:
            async with self.sessionmaker() as session:
                missing = await catalog.tracks_without_features(session, 500)
            if not missing:
                return
            got = await self.client.audio_features([sid for _, sid in missing])
            if got is None:
                self.counters["audio_features_available"] = 0
                return
            by_spotify = {sid: tid for tid, sid in missing}
            rows = {by_spotify[sid]: values for sid, values in got.items() if sid in by_spotify}
            async with self.sessionmaker() as session, session.begin():
                await catalog.upsert_spotify_features(session, rows, source="spotify")
            self.count("audio_features_stored", len(rows))
            if len(rows) < len(missing):
                return  # some tracks have no features; do not ask for them forever


async def _ids_without_name(session: AsyncSession, records: list[ArtistIn]) -> dict[int, list[str]]:
    """Artists Spotify no longer knows (404): mark them fetched so we do not ask again."""
    gone = [r.spotify_id for r in records if not r.name and r.spotify_id]
    if not gone:
        return {}
    found = await catalog.artist_ids_by_spotify_ids(session, gone)
    return {artist_id: [] for artist_id in found.values()}
