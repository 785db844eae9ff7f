"""Local library scan: tags, matching to Spotify tracks, incremental re-scans, symlinks."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf
from mutagen.flac import FLAC
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.audio.tags import read_tags
from resonance.audio.workers import scan_file
from resonance.catalog.schemas import ArtistIn, TrackIn
from resonance.db import AudioDescriptors, Track
from resonance.ingest import scan_folders as scan
from resonance.settings import Settings
from tests.audio.signals import A_MINOR, C_MAJOR, SR, chords


def make_library(tmp_path: Path) -> Path:
    root = tmp_path / "music"
    (root / "album").mkdir(parents=True)
    sf.write(root / "album" / "01.flac", chords(C_MAJOR, 1.0), SR)
    tags = FLAC(root / "album" / "01.flac")
    tags.update(
        {
            "title": "Morning (2011 Remaster)",
            "artist": "The Band",
            "isrc": "GB-ABC-11-00001",
            "genre": "folk; indie folk",
            "album": "Album",
        }
    )
    tags.save()
    sf.write(root / "Some Artist - Evening Song.wav", chords(A_MINOR, 1.0), SR)  # untagged, 8 s
    sf.write(root / "Loner - Alone.wav", chords(A_MINOR, 0.5), SR)
    sf.write(root / "silence.wav", np.zeros(SR * 5, np.float32), SR)
    (root / "empty.mp3").write_bytes(b"")
    (root / "notes.txt").write_text("not audio")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    sf.write(outside / "secret.wav", chords(C_MAJOR, 0.5), SR)
    os.symlink(outside / "secret.wav", root / "link-out.wav")
    os.symlink(outside, root / "linked-folder")
    os.symlink(root / "album" / "01.flac", root / "link-in.flac")  # same file twice
    return root


async def seed_spotify(db: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    tracks = [
        TrackIn(
            "Morning",
            "sp1",
            isrc="GBABC1100001",
            duration_ms=200_000,
            artists=[ArtistIn("Someone Else", "ar1")],
        ),
        TrackIn("Evening Song", "sp2", duration_ms=9_000, artists=[ArtistIn("Some Artist", "ar2")]),
        TrackIn("Alone", "sp3", duration_ms=60_000, artists=[ArtistIn("Loner", "ar3")]),
    ]
    async with db() as session:
        ids = await catalog.upsert_tracks(session, tracks)
        await session.commit()
    return ids


def test_tags_and_file_name_fallback(tmp_path: Path) -> None:
    root = make_library(tmp_path)
    tags = read_tags(root / "album" / "01.flac")
    assert (tags.title, tags.artists, tags.isrc) == (
        "Morning (2011 Remaster)",
        ["The Band"],
        "GBABC1100001",
    )
    assert tags.genres == ["folk", "indie folk"] and tags.duration == np.float64(8.0)
    untagged = read_tags(root / "Some Artist - Evening Song.wav")
    assert (untagged.title, untagged.artists) == ("Evening Song", ["Some Artist"])


async def test_scan_matches_reports_and_rescans_incrementally(
    tmp_path: Path, db: async_sessionmaker[AsyncSession], inline_pool: Executor
) -> None:
    root = make_library(tmp_path)
    ids = await seed_spotify(db)
    settings = Settings(data_dir=tmp_path)
    calls: list[tuple[int, int]] = []
    summary = await scan(
        [root], db, settings, pool=inline_pool, progress=lambda d, t: calls.append((d, t))
    )

    assert summary.found == 5  # flac, two wavs, silence, empty (the link-in duplicate counted once)
    assert (summary.analysed, summary.failed, summary.skipped) == (3, 2, 1)
    assert summary.matched == 2  # ISRC and artist+title within 3 s
    assert summary.created == 1  # "Alone" is 4 s long, Spotify says 60 s: not the same recording
    assert {
        "silent",
        "empty",
        "symlink leads outside the scanned folders",
    } <= summary.reasons.keys()
    assert "symlinked folder not followed" in summary.reasons
    assert calls[0] == (0, 5), "the total is known before the first file is analysed"
    assert calls[-1] == (5, 5)

    async with db() as session:
        by_isrc = await session.get(Track, ids["sp1"])
        by_name = await session.get(Track, ids["sp2"])
        assert by_isrc is not None and by_isrc.local_path == str(
            (root / "album" / "01.flac").resolve()
        )
        assert by_isrc.audio_status == "analysed"
        assert by_name is not None and by_name.local_path is not None
        rows = list(await session.scalars(select(AudioDescriptors)))
        assert len(rows) == 3 and {r.source for r in rows} == {"local"}
        created = await session.scalar(select(Track).where(Track.spotify_id.is_(None)))
        assert created is not None and created.name == "Alone"
        genres = await catalog.genres_for_tracks(session, [ids["sp1"]])
        assert genres is not None

    again = await scan([root], db, settings, pool=inline_pool)
    assert (again.unchanged, again.analysed, again.failed) == (5, 0, 0)

    wav = root / "Some Artist - Evening Song.wav"
    os.utime(wav, ns=(wav.stat().st_atime_ns, wav.stat().st_mtime_ns + 10**9))
    third = await scan([root], db, settings, pool=inline_pool)
    assert (third.unchanged, third.analysed, third.matched, third.created) == (4, 1, 0, 0)

    wav.unlink()
    fourth = await scan([root], db, settings, pool=inline_pool)
    assert (fourth.found, fourth.removed, fourth.unchanged) == (4, 1, 4)
    async with db() as session:
        unlinked = await session.get(Track, ids["sp2"])
        assert unlinked is not None and unlinked.local_path is None
        assert unlinked.audio_status == "analysed"  # its descriptors are still valid
    missing_root = await scan([tmp_path / "unmounted"], db, settings, pool=inline_pool)
    assert missing_root.removed == 0 and missing_root.reasons["not a folder"] == 1


async def test_a_name_that_is_not_utf8_is_recorded_and_the_scan_goes_on(
    tmp_path: Path, db: async_sessionmaker[AsyncSession], inline_pool: Executor
) -> None:
    root = tmp_path / "music"
    root.mkdir()
    latin1 = os.fsdecode(b"Caf\xe9 - Noir.wav")  # Latin-1 "é": surrogate-escaped in Python
    sf.write(os.fsencode(root / latin1), chords(A_MINOR, 0.5), SR)
    sf.write(root / "Loner - Alone.wav", chords(C_MAJOR, 0.5), SR)

    summary = await scan([root], db, Settings(data_dir=tmp_path), pool=inline_pool)

    assert (summary.found, summary.analysed, summary.failed) == (2, 2, 0)
    async with db() as session:
        names = set(await session.scalars(select(Track.name)))
        paths = set(await session.scalars(select(Track.local_path)))
    assert names == {"Noir", "Alone"}
    assert str(root.resolve() / "Caf\\xe9 - Noir.wav") in paths
    again = await scan([root], db, Settings(data_dir=tmp_path), pool=inline_pool)
    assert (again.unchanged, again.removed) == (2, 0)


async def test_a_failed_file_is_read_again_once_it_is_fixed(
    tmp_path: Path, db: async_sessionmaker[AsyncSession], inline_pool: Executor
) -> None:
    """Like a file whose permissions are fixed: same size and mtime, readable now.

    (The tests run as root, whom chmod does not stop, so the first failure is unreadable
    content rather than a mode; the scan sees the same thing: a failed row, unchanged stat.)
    """
    root = tmp_path / "music"
    root.mkdir()
    song = root / "Loner - Alone.wav"
    sf.write(song, chords(A_MINOR, 0.5), SR)
    good, mtime_ns = song.read_bytes(), song.stat().st_mtime_ns
    song.write_bytes(b"\0" * len(good))
    os.utime(song, ns=(mtime_ns, mtime_ns))
    settings = Settings(data_dir=tmp_path)
    first = await scan([root], db, settings, pool=inline_pool)
    assert (first.analysed, first.failed) == (0, 1)

    song.write_bytes(good)
    os.utime(song, ns=(mtime_ns, mtime_ns))
    second = await scan([root], db, settings, pool=inline_pool)
    assert (second.unchanged, second.analysed, second.failed) == (0, 1, 0)
    third = await scan([root], db, settings, pool=inline_pool)
    assert (third.unchanged, third.analysed) == (1, 0)


async def test_a_fifo_and_an_unreadable_folder_are_skipped_with_their_reason(
    tmp_path: Path,
    db: async_sessionmaker[AsyncSession],
    inline_pool: Executor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = tmp_path / "music"
    (root / "locked").mkdir(parents=True)
    sf.write(root / "locked" / "hidden.wav", chords(A_MINOR, 0.5), SR)
    sf.write(root / "Loner - Alone.wav", chords(A_MINOR, 0.5), SR)
    os.mkfifo(root / "stream.mp3")  # opening it would wait for a writer forever
    # Root reads any folder whatever its mode, so the refusal is the kernel's answer faked.
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)

    summary = await asyncio.wait_for(
        scan([root], db, Settings(data_dir=tmp_path), pool=inline_pool), timeout=60
    )

    assert (summary.found, summary.analysed, summary.skipped) == (1, 1, 2)
    assert summary.reasons["not a regular file (FIFO, socket or device)"] == 1
    assert summary.reasons["cannot read folder: Permission denied"] == 1
    assert "locked" in summary.examples["cannot read folder: Permission denied"]


def test_a_worker_never_opens_a_fifo(tmp_path: Path) -> None:
    """A file swapped for a FIFO after the walk looked at it still cannot block a worker."""
    fifo = tmp_path / "Band - swapped.mp3"
    os.mkfifo(fifo)
    with ThreadPoolExecutor(1) as pool:
        tags, outcome = pool.submit(scan_file, str(fifo), SR, 30.0).result(timeout=30)
    assert (tags.title, tags.artists) == ("swapped", ["Band"])
    assert outcome.code == "not_a_file"


@pytest.mark.slow
def test_the_scan_command_finishes_past_a_fifo_and_a_latin1_name(
    tmp_path: Path, sqlite_url: str
) -> None:
    """`resonance library scan` as a user runs it: worker processes, the printed summary."""
    root = tmp_path / "music"
    root.mkdir()
    sf.write(os.fsencode(root / os.fsdecode(b"Caf\xe9 - Noir.wav")), chords(A_MINOR, 0.5), SR)
    os.mkfifo(root / "stream.mp3")
    done = subprocess.run(
        [sys.executable, "-m", "resonance.cli", "library", "scan", str(root)],
        env={
            **os.environ,
            "RESONANCE_DATA_DIR": str(tmp_path),
            "RESONANCE_DATABASE_URL": sqlite_url,
            "RESONANCE_AUDIO_WORKERS": "1",
            "COLUMNS": "200",
        },
        capture_output=True,
        text=True,
        timeout=180,  # it used to wait for a writer on the FIFO forever
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "not a regular file (FIFO, socket or device)" in done.stdout
    assert "stream.mp3" in done.stdout
    lines = {line.split("│")[1].strip(): line for line in done.stdout.splitlines() if "│" in line}
    assert "1" in lines["analysed"] and "1" in lines["skipped"]
