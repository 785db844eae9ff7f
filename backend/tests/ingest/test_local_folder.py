"""Local library scan: tags, matching to Spotify tracks, incremental re-scans, symlinks."""

from __future__ import annotations

import os
from concurrent.futures import Executor
from pathlib import Path

import numpy as np
import soundfile as sf
from mutagen.flac import FLAC
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.audio.tags import read_tags
from resonance.catalog.schemas import ArtistIn, TrackIn
from resonance.db.models import AudioDescriptors, Track
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
