"""Exportify CSV import: both column sets, with and without features, malformed rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.ingest import import_exportify_file as import_file
from tests.ingest.helpers import row_counts

FULL_HEADER = [
    "Track URI",
    "Track Name",
    "Artist URI(s)",
    "Artist Name(s)",
    "Album URI",
    "Album Name",
    "Album Artist URI(s)",
    "Album Artist Name(s)",
    "Album Release Date",
    "Album Image URL",
    "Disc Number",
    "Track Number",
    "Track Duration (ms)",
    "Track Preview URL",
    "Explicit",
    "Popularity",
    "ISRC",
    "Added By",
    "Added At",
    "Artist Genres",
    "Danceability",
    "Energy",
    "Key",
    "Loudness",
    "Mode",
    "Speechiness",
    "Acousticness",
    "Instrumentalness",
    "Liveness",
    "Valence",
    "Tempo",
    "Time Signature",
    "Album Genres",
    "Label",
    "Copyrights",
]
BASIC_HEADER = FULL_HEADER[:19]


def sid(n: int, prefix: str = "T") -> str:
    return f"{prefix}{n:021d}"


def full_row(n: int) -> list[str]:
    return [
        f"spotify:track:{sid(n)}",
        f"Song {n}",
        f"spotify:artist:{sid(n % 3, 'A')},spotify:artist:{sid(9, 'A')}",
        f"Artist {n % 3},Guest",
        f"spotify:album:{sid(n % 2, 'B')}",
        f"Album {n % 2}",
        "",
        "",
        "2020-01-02",
        "",
        "1",
        str(n),
        "201000",
        "",
        "false",
        "0",
        f"USAAA20{n:05d}",
        "spotify:user:x",
        "2024-05-01T10:00:00Z",
        "indie folk,chamber folk",
        "0.5",
        "0.7",
        "5",
        "-7.5",
        "1",
        "0.04",
        "0.3",
        "0.0",
        "0.1",
        "0.6",
        "121.5",
        "4",
        "",
        "",
        "",
    ]


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


async def test_a_full_export_imports_tracks_genres_and_features(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    path = write(tmp_path / "Road_trip.csv", FULL_HEADER, [full_row(n) for n in range(5)])
    report = await import_file(sessionmaker, path)
    assert (report.playlist, report.imported, report.errors) == ("Road trip", 5, [])
    assert (report.with_features, report.with_genres) == (5, 5)
    counts = await row_counts(sessionmaker)
    assert counts["tracks"] == 5 and counts["playlist_entries"] == 5
    assert counts["spotify_audio_features"] == 5
    assert counts["artists"] == 4  # three leads and one guest
    async with sessionmaker() as session:
        ids = await catalog.track_ids_by_spotify_ids(session, [sid(0)])
        genres = await catalog.genres_for_tracks(session, list(ids.values()))
    assert genres[ids[sid(0)]] == ["chamber folk", "indie folk"]
    again = await import_file(sessionmaker, path)
    assert again.imported == 5
    assert await row_counts(sessionmaker) == counts  # a re-import changes nothing


async def test_an_export_without_feature_or_genre_columns(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    path = write(tmp_path / "basic.csv", BASIC_HEADER, [full_row(n)[:19] for n in range(3)])
    report = await import_file(sessionmaker, path)
    assert (report.imported, report.with_features, report.with_genres) == (3, 0, 0)
    assert (await row_counts(sessionmaker))["spotify_audio_features"] == 0


async def test_the_older_column_set_is_understood(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    header = [
        "Spotify ID",
        "Artist IDs",
        "Track Name",
        "Album Name",
        "Artist Name(s)",
        "Release Date",
        "Duration (ms)",
        "Popularity",
        "Added By",
        "Added At",
        "Genres",
        "Danceability",
        "Energy",
        "Key",
        "Loudness",
        "Mode",
        "Speechiness",
        "Acousticness",
        "Instrumentalness",
        "Liveness",
        "Valence",
        "Tempo",
        "Time Signature",
    ]
    row = [
        sid(1),
        sid(2, "A"),
        "Old style",
        "Album",
        "Someone",
        "1999",
        "180000",
        "3",
        "",
        "2020-01-01T00:00:00Z",
        "jazz",
        "0.1",
        "0.2",
        "3",
        "-9",
        "0",
        "0.1",
        "0.2",
        "0.3",
        "0.4",
        "0.5",
        "99",
        "3",
    ]
    report = await import_file(sessionmaker, write(tmp_path / "old.csv", header, [row]))
    assert (report.imported, report.with_features, report.errors) == (1, 1, [])


async def test_malformed_rows_are_reported_with_line_numbers_and_the_rest_imported(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    rows = [full_row(n) for n in range(6)]
    rows[1][0] = "spotify:local:Someone:Album:Title:200"  # line 3
    rows[2][1] = ""  # line 4: no name
    rows[3][22] = "not-a-number"  # line 5: bad key
    rows[4] = rows[4][:10]  # line 6: too few fields
    path = write(tmp_path / "mixed.csv", FULL_HEADER, rows)
    report = await import_file(sessionmaker, path)
    assert report.imported == 2
    assert [e.line for e in report.errors] == [3, 4, 5, 6]
    assert "local file" in report.errors[0].message
    assert "expected 35 fields" in report.errors[3].message


async def test_a_file_without_the_needed_columns_imports_nothing(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    path = write(tmp_path / "wrong.csv", ["a", "b"], [["1", "2"]])
    report = await import_file(sessionmaker, path)
    assert report.imported == 0
    assert report.errors[0].line == 1


async def test_rows_with_overflowing_numbers_or_huge_fields_are_skipped_not_fatal(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    rows = [full_row(n) for n in range(7)]
    rows[1][22] = "inf"  # line 3: key (an integer column)
    rows[2][12] = "1e30"  # line 4: duration (ms)
    rows[3][21] = "NaN"  # line 5: energy
    rows[4][1] = "x" * 200_000  # line 6: a track name over the csv module's 128 KB limit
    rows[5][23] = "-1e308"  # line 7: loudness
    path = write(tmp_path / "hostile.csv", FULL_HEADER, rows)

    report = await import_file(sessionmaker, path)

    assert report.imported == 2 and report.with_features == 2
    assert [e.line for e in report.errors] == [3, 4, 5, 6, 7]
    messages = [e.message for e in report.errors]
    assert "key is not a finite number" in messages[0]
    assert "duration_ms '1e30' is outside" in messages[1]
    assert "energy is not a finite number" in messages[2]
    assert "'Track Name' is 200000 characters long" in messages[3]
    assert "loudness" in messages[4]
    assert (await row_counts(sessionmaker))["tracks"] == 2
