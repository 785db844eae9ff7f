"""Spotify's search query syntax over the world: free words and field filters.

`genre:"indie folk" year:2010-2020 artist:Amber isrc:QZRES…` — filters match artist
genres, artist names, album release years and ISRCs; the free words must all appear in
the name searched (track, artist or album). Results are ordered by a stable hash of the
query and the id, so paging is consistent and new music is not all at the end.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from resonance.sandbox.model import Album, Artist, Track, World

_TOKEN = re.compile(r'(?:(\w+):)?(?:"([^"]*)"|(\S+))')
FIELDS = ("genre", "artist", "album", "track", "year", "isrc")


@dataclass
class Query:
    text: str
    words: list[str] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)

    def _years(self) -> tuple[int, int] | None:
        value = self.filters.get("year")
        if not value:
            return None
        low, _, high = value.partition("-")
        try:
            return int(low), int(high or low)
        except ValueError:
            return (0, -1)  # a malformed year matches nothing, as on Spotify

    def _artist_ok(self, artist: Artist) -> bool:
        genre = self.filters.get("genre")
        if genre and genre not in (g.casefold() for g in artist.genres):
            return False
        name = self.filters.get("artist")
        return not name or name in artist.name.casefold()

    def _album_ok(self, album: Album) -> bool:
        years = self._years()
        if years and not years[0] <= int(album.release_date[:4]) <= years[1]:
            return False
        name = self.filters.get("album")
        return not name or name in album.name.casefold()

    def _words_in(self, *names: str) -> bool:
        text = " ".join(n.casefold() for n in names)
        return all(w in text for w in self.words)

    def _order(self, ids: Iterable[str]) -> list[str]:
        key = self.text.encode()
        return sorted(ids, key=lambda i: hashlib.blake2b(key + i.encode(), digest_size=8).digest())

    def tracks(self, world: World) -> list[Track]:
        isrc = self.filters.get("isrc")
        if isrc:
            candidates = [world.tracks[t] for t in world.isrc_tracks(isrc)]
        else:
            candidates = list(world.tracks.values())
        title = self.filters.get("track")
        hits = [
            t.id
            for t in candidates
            if (not title or title in t.name.casefold())
            and self._artist_ok(world.artists[t.artist_ids[0]])
            and self._album_ok(world.albums[t.album_id])
            and self._words_in(t.name, *(world.artists[a].name for a in t.artist_ids))
        ]
        return [world.tracks[i] for i in self._order(hits)]

    def artists(self, world: World) -> list[Artist]:
        if self.filters.keys() - {"genre", "artist"}:
            return []
        hits = [
            a.id for a in world.artists.values() if self._artist_ok(a) and self._words_in(a.name)
        ]
        return [world.artists[i] for i in self._order(hits)]

    def albums(self, world: World) -> list[Album]:
        if self.filters.keys() - {"genre", "artist", "album", "year"}:
            return []
        hits = [
            a.id
            for a in world.albums.values()
            if self._album_ok(a)
            and self._artist_ok(world.artists[a.artist_id])
            and self._words_in(a.name, world.artists[a.artist_id].name)
        ]
        return [world.albums[i] for i in self._order(hits)]


def parse_query(q: str) -> Query:
    """Split `q` into free words and known field filters (unknown fields count as words)."""
    query = Query(text=q.casefold())
    for name, quoted, bare in _TOKEN.findall(q):
        value = (quoted if quoted else bare).casefold().strip()
        if name and name.casefold() in FIELDS:
            query.filters[name.casefold()] = value
        elif value:
            query.words.append(f"{name.casefold()}:{value}" if name else value)
    return query
