"""`resonance ingest playlist` and `resonance import exportify` as real commands."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.ingest.test_exportify import FULL_HEADER, full_row, write
from tests.spotify.sandbox_server import SandboxServer


def resonance(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "resonance.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def cli_env(sandbox: SandboxServer, tmp_path: Path) -> dict[str, str]:
    """Settings for a `resonance` process pointed at the sandbox and a fresh data dir."""
    return {
        "RESONANCE_DATA_DIR": str(tmp_path),
        "RESONANCE_SPOTIFY_API_URL": sandbox.api,
        "RESONANCE_SPOTIFY_ACCOUNTS_URL": sandbox.base,
        "RESONANCE_LOG_FORMAT": "text",
    }


def test_ingest_a_playlist_and_import_a_csv_from_the_command_line(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    env = cli_env(sandbox, tmp_path)
    playlist_id = sandbox.playlist_id("Pop mix")
    first = resonance(["ingest", "playlist", playlist_id, "--sandbox-user", "demo"], env)
    assert first.returncode == 0, first.stderr
    assert "done" in first.stderr and "entries_written" in first.stderr
    again = resonance(["ingest", "playlist", playlist_id, "--sandbox-user", "demo"], env)
    assert "playlists_unchanged" in again.stderr
    rows = [full_row(n) for n in range(3)]
    rows[1][0] = "garbage"
    csv_path = write(tmp_path / "mine.csv", FULL_HEADER, rows)
    imported = resonance(["import", "exportify", str(csv_path)], env)
    assert imported.returncode == 0, imported.stderr
    assert "2 tracks imported" in imported.stderr
    assert "line 3:" in imported.stderr
    # The only listener here (who ingested the playlist) gets the import in their library.
    with sqlite3.connect(tmp_path / "resonance.db") as db:
        linked = db.execute(
            "SELECT p.name FROM user_playlists up JOIN playlists p ON p.id = up.playlist_id"
            " WHERE up.relation = 'imported'"
        ).fetchall()
    assert linked == [("mine",)]
    stranger = resonance(["import", "exportify", str(csv_path), "--user", "nobody-here"], env)
    assert stranger.returncode == 2
    assert "No listener with Spotify id 'nobody-here'" in stranger.stderr


def test_a_killed_ingestion_process_resumes_from_its_checkpoint(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    env = cli_env(sandbox, tmp_path)
    playlist_id = sandbox.playlist_id("Long drives")
    key = f"playlist:{playlist_id}"
    sandbox.switches(latency_ms=300)
    args = [sys.executable, "-m", "resonance.cli", "ingest", "playlist", playlist_id]
    proc = subprocess.Popen(
        [*args, "--sandbox-user", "demo"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    database = tmp_path / "resonance.db"
    offset = 0
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and offset < 100:
            time.sleep(0.1)
            offset = _checkpoint(database, key)
    finally:
        proc.kill()  # SIGKILL: no cleanup, the job row stays "running"
        proc.wait()
    assert 100 <= offset < 230
    sandbox.switches(latency_ms=0)
    before = sandbox.stats()["by_route"].get("/v1/playlists/{playlist_id}/items", 0)
    resumed = resonance(["ingest", "playlist", playlist_id, "--sandbox-user", "demo"], env)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming unfinished job" in resumed.stderr
    pages = sandbox.stats()["by_route"]["/v1/playlists/{playlist_id}/items"] - before
    assert pages == -(-(230 - offset) // 50)  # only the pages after the checkpoint
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from playlist_entries").fetchone() == (230,)
        states = db.execute("select state from jobs where kind = 'playlist'").fetchall()
    assert states == [("done",)]


def _checkpoint(database: Path, key: str) -> int:
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(database, timeout=1) as db:
            row = db.execute("select checkpoint from jobs where kind = 'playlist'").fetchone()
    except sqlite3.Error:
        return 0
    return int(json.loads(row[0]).get(key, 0)) if row and row[0] else 0


def test_an_imported_playlist_recommends_by_name_or_id_without_an_index_build(
    tmp_path: Path,
) -> None:
    env = {"RESONANCE_DATA_DIR": str(tmp_path), "RESONANCE_LOG_FORMAT": "text"}
    mine = write(tmp_path / "road_trip.csv", FULL_HEADER, [full_row(n) for n in range(6)])
    others = write(tmp_path / "others.csv", FULL_HEADER, [full_row(n) for n in range(6, 30)])
    imported = resonance(["import", "exportify", str(mine), str(others)], env)
    assert imported.returncode == 0, imported.stderr
    assert "index v1 is ready" in imported.stderr
    assert "resonance recommend --playlist 'road trip'" in imported.stderr
    by_name = resonance(["recommend", "--playlist", "road trip", "--n", "5", "--json"], env)
    assert by_name.returncode == 0, by_name.stderr
    items = json.loads(by_name.stdout)["items"]
    assert len(items) == 5
    seeds = {f"Song {n}" for n in range(6)}
    assert not seeds & {i["track"]["name"] for i in items}, "the playlist's own tracks are seeds"
    playlist_id = imported.stderr.split("(id ", 1)[1].split(")", 1)[0]
    by_id = resonance(["recommend", "--playlist", playlist_id, "--n", "5", "--json"], env)
    assert by_id.returncode == 0, by_id.stderr
    assert json.loads(by_id.stdout)["items"] == items
    unknown = resonance(["recommend", "--playlist", "no such list"], env)
    assert unknown.returncode != 0
    assert "Traceback" not in unknown.stderr + unknown.stdout
