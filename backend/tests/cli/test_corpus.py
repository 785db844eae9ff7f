"""`resonance corpus import` and `resonance corpus status` on the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from resonance.cli import app
from resonance.settings import get_settings
from tests.discover.corpus.fixtures import jsonl_line, random_playlists, write_mpd_slice

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("RESONANCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RESONANCE_CORPUS_DIR", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def test_import_then_status(tmp_path: Path, data_dir: Path) -> None:
    before = runner.invoke(app, ["corpus", "status"])
    assert before.exit_code == 1 and "No corpus" in before.output
    folder = tmp_path / "files"
    folder.mkdir()
    write_mpd_slice(folder / "mpd.slice.0-19.json", random_playlists(20, 50))
    lines = [jsonl_line(p) for p in random_playlists(3, 50, seed=2)]
    lines[1] = "{broken"
    (folder / "more.jsonl").write_text("\n".join(lines) + "\n")

    result = runner.invoke(app, ["corpus", "import", str(folder)])
    assert result.exit_code == 0, result.output
    assert "22 playlists added (0 already in the corpus)" in result.output
    assert f"{folder / 'more.jsonl'}:2: not valid JSON, line skipped" in result.stderr
    assert "1 problems skipped" in result.output
    assert (data_dir / "corpus" / "CURRENT").is_file()

    again = runner.invoke(app, ["corpus", "import", "-q", str(folder / "mpd.slice.0-19.json")])
    assert again.exit_code == 0, again.output
    assert "0 playlists added (20 already in the corpus)" in again.output
    assert "reading" not in again.output

    status = runner.invoke(app, ["corpus", "status"])
    assert status.exit_code == 0, status.output
    assert "22 playlists" in status.output and "2 files imported" in status.output


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["corpus", "import", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "No such file or folder" in result.stderr
