"""Import playlists exported by Exportify (CSV), with or without genre and feature columns.

Both column sets Exportify has used are understood: the current one ("Track URI",
"Artist URI(s)", "Album Name", "ISRC", "Artist Genres", …) and the older one
("Spotify ID", "Artist IDs", "Genres", …).  Bad rows are reported with their
line numbers and skipped; every other row is imported.

"Bad" includes what a spreadsheet or a hostile file can put in a number column
(``inf``, ``NaN``, ``1e30``: each would otherwise overflow an integer or poison the
vectors) and fields longer than ``MAX_FIELD_CHARS`` (the csv module's own limit raises
an error that ends the whole read).
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.catalog import AlbumIn, ArtistIn, EntryIn, TrackIn
from resonance.db import SPOTIFY_FEATURE_NAMES
from resonance.ingest.spotify_parse import parse_time

_ID = re.compile(r"^[0-9A-Za-z]{22}$")
# Normalised header → our field name.
COLUMNS = {
    "track uri": "track",
    "spotify id": "track",
    "track name": "name",
    "artist uri s": "artist_ids",
    "artist ids": "artist_ids",
    "artist name s": "artist_names",
    "album uri": "album_id",
    "album name": "album",
    "album release date": "release_date",
    "release date": "release_date",
    "album image url": "image_url",
    "track duration ms": "duration_ms",
    "duration ms": "duration_ms",
    "explicit": "explicit",
    "isrc": "isrc",
    "added at": "added_at",
    "artist genres": "genres",
    "genres": "genres",
    "time signature": "time_signature",
} | {name: name for name in SPOTIFY_FEATURE_NAMES if name != "time_signature"}
INTEGER_FEATURES = {"key", "mode", "time_signature"}
# Plausible values per feature (Spotify's documented ranges, with room to spare): a value
# outside is a broken cell, not music.
FEATURE_RANGES: dict[str, tuple[float, float]] = dict.fromkeys(
    SPOTIFY_FEATURE_NAMES, (0.0, 1.0)
) | {
    "key": (-1, 11),
    "mode": (0, 1),
    "time_signature": (0, 16),
    "loudness": (-100.0, 20.0),
    "tempo": (0.0, 1000.0),
}
MAX_DURATION_MS = 2**31 - 1  # the column is a 32-bit integer (about 24 days)
# Longer than any name, URI list or genre list Exportify writes; larger fields are
# reported as a bad row. The csv module's own limit is raised above it (see
# ``_allow_long_fields``) so that it never ends the read.
MAX_FIELD_CHARS = 128 * 1024


@dataclass(slots=True)
class RowError:
    line: int
    message: str


@dataclass
class ImportReport:
    path: str
    playlist: str
    playlist_id: int | None = None  # Resonance's id: `resonance recommend --playlist ID`
    key: str | None = None  # its id in the API and the web app: "imported-<playlist_id>"
    imported: int = 0
    with_features: int = 0
    with_genres: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(slots=True)
class _Row:
    track: TrackIn
    added_at: Any
    genres: list[str]
    features: dict[str, float | int] | None


def _header_key(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.casefold()).split())


def spotify_id(value: str, kind: str) -> str | None:
    """The id in "spotify:{kind}:ID", "https://open.spotify.com/{kind}/ID" or a bare ID."""
    value = value.strip()
    if value.startswith(f"spotify:{kind}:"):
        value = value.rsplit(":", 1)[-1]
    elif "open.spotify.com/" in value:
        value = value.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    return value if _ID.match(value) else None


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _number(raw: str, what: str, low: float, high: float) -> float:
    """A finite number within [low, high]; ValueError (a bad row) says what is wrong."""
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"{what} is not a number: {raw[:40]!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{what} is not a finite number: {raw[:40]!r}")
    if not low <= number <= high:
        raise ValueError(f"{what} {raw[:40]!r} is outside [{low:g}, {high:g}]")
    return number


def _features(row: dict[str, str]) -> dict[str, float | int] | None:
    found: dict[str, float | int] = {}
    for name in SPOTIFY_FEATURE_NAMES:
        raw = (row.get(name) or "").strip()
        if raw:
            number = _number(raw, name, *FEATURE_RANGES[name])
            found[name] = int(number) if name in INTEGER_FEATURES else number
    return found or None


def parse_row(row: dict[str, str]) -> _Row:
    """One CSV row (keys already mapped to our names); ValueError says what is wrong."""
    raw_id = row.get("track") or ""
    if raw_id.startswith("spotify:local:"):
        raise ValueError("a local file has no Spotify id")
    track_id = spotify_id(raw_id, "track")
    if track_id is None:
        raise ValueError(f"not a Spotify track URI or id: {raw_id[:60]!r}")
    name = (row.get("name") or "").strip()
    if not name:
        raise ValueError("the track name is empty")
    ids = [spotify_id(a, "artist") for a in _split(row.get("artist_ids") or "")]
    names = _split(row.get("artist_names") or "")
    if len(names) != len(ids) and names:
        # Artist names can contain commas: keep the whole string for the first artist.
        names = [row.get("artist_names", "").strip(), *names[len(names) - len(ids) + 1 :]]
    artists = [
        ArtistIn(name=names[i] if i < len(names) else (artist_id or ""), spotify_id=artist_id)
        for i, artist_id in enumerate(ids)
    ] or [ArtistIn(name=n) for n in names[:1]]
    duration = (row.get("duration_ms") or "").strip()
    album_name = (row.get("album") or "").strip()
    return _Row(
        track=TrackIn(
            name=name,
            spotify_id=track_id,
            isrc=(row.get("isrc") or "").strip() or None,
            duration_ms=int(_number(duration, "duration_ms", 0, MAX_DURATION_MS))
            if duration
            else None,
            explicit=(row.get("explicit") or "").strip().casefold() == "true",
            album=AlbumIn(
                name=album_name,
                spotify_id=spotify_id(row.get("album_id") or "", "album"),
                release_date=(row.get("release_date") or "").strip() or None,
                image_url=(row.get("image_url") or "").strip() or None,
            )
            if album_name
            else None,
            artists=[a for a in artists if a.name],
        ),
        added_at=parse_time((row.get("added_at") or "").strip() or None),
        genres=_split(row.get("genres") or ""),
        features=_features(row),
    )


def _allow_long_fields() -> None:
    """Raise the csv module's field limit (process-wide) to the largest the platform takes.

    Its default (131072) raises ``csv.Error`` from inside the reader, which would end the
    whole import; ``read_rows`` checks ``MAX_FIELD_CHARS`` itself, per row. The limit is a
    C long, so ``sys.maxsize`` overflows where long is 32 bits: halve until it fits.
    """
    limit = sys.maxsize
    while limit > csv.field_size_limit():
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 2


def read_rows(text: str, report: ImportReport) -> list[_Row]:
    _allow_long_fields()
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        report.errors.append(RowError(1, "the file is empty"))
        return []
    keys = [COLUMNS.get(_header_key(h)) for h in header]
    if "track" not in keys or "name" not in keys:
        report.errors.append(
            RowError(1, "no 'Track URI' (or 'Spotify ID') and 'Track Name' columns")
        )
        return []
    rows: list[_Row] = []
    line = reader.line_num
    for values in reader:
        start, line = line + 1, reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            report.errors.append(
                RowError(start, f"expected {len(header)} fields, found {len(values)}")
            )
            continue
        longest = max(range(len(values)), key=lambda i: len(values[i]))
        if len(values[longest]) > MAX_FIELD_CHARS:
            report.errors.append(
                RowError(
                    start,
                    f"field {header[longest][:40]!r} is {len(values[longest])} characters long"
                    f" (at most {MAX_FIELD_CHARS})",
                )
            )
            continue
        mapped = {k: v for k, v in zip(keys, values, strict=True) if k}
        try:
            rows.append(parse_row(mapped))
        except ValueError as error:
            report.errors.append(RowError(start, str(error)))
    return rows


async def import_exportify_file(
    sessionmaker: async_sessionmaker[AsyncSession],
    path: Path,
    *,
    name: str | None = None,
    owners: Sequence[int] = (),
) -> ImportReport:
    """Import one file as a playlist named after it (a re-import replaces its entries).

    The playlist joins the library of each user in `owners` (relation "imported"), where
    the web app lists it beside the user's Spotify playlists (`import_owners` decides who).
    """
    raw = await asyncio.to_thread(path.read_bytes)
    report = ImportReport(str(path), name or path.stem.replace("_", " "))
    rows = read_rows(raw.decode("utf-8-sig", errors="replace"), report)
    async with sessionmaker() as session, session.begin():
        ids = await catalog.upsert_tracks(
            session, list({r.track.spotify_id: r.track for r in rows}.values())
        )
        playlist = await catalog.imported_playlist(session, report.playlist, len(rows), owners)
        await catalog.write_playlist_entries(
            session,
            playlist.id,
            [EntryIn(i, ids[r.track.spotify_id or ""], r.added_at) for i, r in enumerate(rows)],
        )
        await catalog.truncate_playlist_entries(session, playlist.id, len(rows))
        genres = {ids[r.track.spotify_id or ""]: r.genres for r in rows if r.genres}
        await catalog.add_track_genres(session, genres, source="exportify")
        features = {ids[r.track.spotify_id or ""]: r.features for r in rows if r.features}
        await catalog.upsert_spotify_features(session, features, source="exportify")
        snapshot = "exportify:" + hashlib.sha256(raw).hexdigest()[:24]
        await catalog.mark_playlist_ingested(
            session, playlist.id, snapshot, contents_available=True
        )
        for user_id in owners:
            await catalog.link_user_playlist(session, user_id, playlist.id, "imported")
    report.playlist_id = playlist.id
    report.key = catalog.playlist_key(playlist)
    report.imported = len(rows)
    report.with_genres = len(genres)
    report.with_features = len(features)
    return report


async def imported_playlist_tracks(session: AsyncSession, name_or_id: str) -> list[int] | None:
    """Track ids, in order, of the imported playlist with this name or Resonance id.

    None when no imported playlist answers to it (it may be a Spotify playlist id).
    """
    playlist = None
    if name_or_id.isdigit():
        playlist = await catalog.get_playlist(session, int(name_or_id))
        if playlist is not None and playlist.source != "exportify":
            playlist = None
    if playlist is None:
        playlist = await catalog.find_imported_playlist(session, name_or_id)
    if playlist is None:
        return None
    return await catalog.playlist_track_ids(session, playlist.id)
