"""`resonance recommend` on the command line: its own option names, targets and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from resonance.cli import app
from resonance.cli.recommend import parse_target

runner = CliRunner()


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("energy=0.8", {"name": "energy", "value": 0.8}),
        ("tempo_bpm=120:0.7", {"name": "tempo_bpm", "value": 120.0, "strength": 0.7}),
    ],
)
def test_targets_read_as_name_value_and_strength(text: str, parsed: dict[str, object]) -> None:
    assert parse_target(text) == parsed


@pytest.mark.parametrize("text", ["energy", "energy=", "=0.8", "energy=x", "energy=nan", "e=1:inf"])
def test_a_malformed_target_says_how_to_write_one(text: str) -> None:
    with pytest.raises(typer.BadParameter, match="NAME=VALUE"):
        parse_target(text)


def test_no_seeds_names_the_commands_own_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RESONANCE_DATA_DIR", str(tmp_path))
    result = runner.invoke(app, ["recommend"])
    assert result.exit_code == 2
    assert "--playlist" in result.output and "--track" in result.output
    assert "track_ids" not in result.output


def test_a_fresh_data_directory_gets_an_answer_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RESONANCE_DATA_DIR", str(tmp_path / "new"))
    result = runner.invoke(app, ["recommend", "--track", "1", "--json"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "Unknown seeds" in result.output or "catalogue is empty" in result.output
    assert (tmp_path / "new" / "resonance.db").exists(), "the command migrated the new database"


def test_json_output_is_the_apis_body(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from resonance.cli import recommend as command

    body = {"items": [], "index_version": 3, "took_ms": 1.0, "notes": []}

    async def fake(*args: object, **kwargs: object) -> bytes:
        return json.dumps(body).encode()

    monkeypatch.setenv("RESONANCE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("resonance.recommend.recommend_for", fake)
    result = runner.invoke(app, ["recommend", "--track", "5", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == body
    assert command.OPTION_OF["track_ids"] == "--track"


def test_path_and_order_commands_explain_on_a_real_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from resonance.db import create_engine, create_sessionmaker, upgrade
    from tests.recommend.seed_catalogue import seed_catalogue

    monkeypatch.setenv("RESONANCE_DATA_DIR", str(tmp_path))
    url = f"sqlite+aiosqlite:///{tmp_path / 'resonance.db'}"
    upgrade(url)

    async def seed() -> dict[int, int]:
        engine = create_engine(url)
        try:
            row_to_id, _ = await seed_catalogue(create_sessionmaker(engine), 200)
            return row_to_id
        finally:
            await engine.dispose()

    ids = asyncio.run(seed())
    path = runner.invoke(app, ["path", str(ids[0]), str(ids[150]), "--steps", "5"])
    assert path.exit_code == 0, path.output
    assert "Step 5 of 5" in path.output
    order = runner.invoke(
        app, ["order", *map(str, [ids[i] for i in range(8)]), "--arc", "energy:rising"]
    )
    assert order.exit_code == 0, order.output
    assert "original order" in order.output
    same = runner.invoke(app, ["path", str(ids[0]), str(ids[0])])
    assert same.exit_code == 1 and "same track" in same.output


def test_new_to_you_is_the_default_and_from_library_asks_for_the_other_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, int | None]] = []
    body = {"status": "ok", "index_version": 1, "seeds": [], "items": [], "took_ms": 1.0}

    async def answer(
        runtime: object, session: object, request: Any, *, user_id: int | None
    ) -> bytes:
        asked.append((request.source, user_id))
        return json.dumps(body | {"notes": []}).encode()

    monkeypatch.setenv("RESONANCE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("resonance.recommend.recommend_for", answer)
    default = runner.invoke(app, ["recommend", "--track", "5"])
    assert default.exit_code == 0, default.output
    # Nobody has signed in to this catalogue: nothing can be left out as theirs, and it says so.
    assert "No listener in this catalogue yet" in default.output
    library = runner.invoke(app, ["recommend", "--track", "5", "--from-library", "--json"])
    assert library.exit_code == 0, library.output
    assert asked == [("new", None), ("library", None)]


def test_an_unknown_listener_is_named_in_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RESONANCE_DATA_DIR", str(tmp_path))
    result = runner.invoke(app, ["recommend", "--track", "5", "--user", "nobody"])
    assert result.exit_code == 1
    assert "No listener with Spotify id 'nobody'" in result.output
    assert "Traceback" not in result.output
