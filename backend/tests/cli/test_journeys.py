"""`resonance radio start|feedback|next` on a real catalogue in SQLite."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from resonance.cli import app
from resonance.db import create_engine, create_sessionmaker, upgrade
from tests.recommend.seed_catalogue import seed_catalogue

runner = CliRunner()


def test_a_radio_on_the_command_line_takes_feedback_and_says_what_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RESONANCE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    url = f"sqlite+aiosqlite:///{tmp_path / 'resonance.db'}"
    upgrade(url)

    async def seed() -> dict[int, int]:
        engine = create_engine(url)
        try:
            return (await seed_catalogue(create_sessionmaker(engine), 200))[0]
        finally:
            await engine.dispose()

    ids = asyncio.run(seed())
    started = runner.invoke(app, ["radio", "start", str(ids[3]), "--n", "5"])
    assert started.exit_code == 0, started.output
    session_id = re.search(r"session ([0-9a-f]{32})", started.output)
    assert session_id, started.output
    played = [int(x) for x in re.findall(r"^│\s*(\d+)\s*│", started.output, re.MULTILINE)]
    assert len(played) == 5 and "one of your seeds" in started.output
    skip = runner.invoke(app, ["radio", "feedback", session_id[1], str(played[0]), "skip"])
    assert skip.exit_code == 0 and "1 skipped" in skip.output, skip.output
    unplayed = runner.invoke(app, ["radio", "feedback", session_id[1], str(ids[199]), "like"])
    assert unplayed.exit_code == 1 and "was not played on this radio" in unplayed.output
    wrong = runner.invoke(app, ["radio", "feedback", session_id[1], str(played[1]), "love"])
    assert wrong.exit_code != 0
    after = runner.invoke(app, ["radio", "next", session_id[1]])
    assert after.exit_code == 0, after.output
    assert "which you skipped" in after.output
    unknown = runner.invoke(app, ["radio", "next", "0" * 32])
    assert unknown.exit_code == 1 and "No radio session" in unknown.output
