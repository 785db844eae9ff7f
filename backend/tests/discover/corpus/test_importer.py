"""`import_corpus`: every format, bad files and lines reported by line, idempotent re-imports."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from resonance.discover.corpus import Corpus, ImportResult, import_corpus
from resonance.errors import InvalidInput
from tests.discover.corpus.fixtures import (
    Playlist,
    jsonl_line,
    random_playlists,
    track_id,
    write_exportify,
    write_jsonl,
    write_mpd_slice,
)


def stored(root: Path) -> list[tuple[str, str, list[str]]]:
    """Every playlist in the corpus as (key, name, track ids), read back from the arrays."""
    corpus = Corpus.open(root)
    assert corpus is not None
    a = corpus.arrays
    out = []
    for number in range(a.n_playlists):
        key, name = a.playlist_key_name(number)
        tracks = a.playlist_tracks[a.playlist_indptr[number] : a.playlist_indptr[number + 1]]
        out.append((key, name, [bytes(a.track_ids[t]).decode() for t in tracks]))
    return out


def expected(playlists: list[Playlist], prefix: str) -> list[tuple[str, str, list[str]]]:
    return [(f"{prefix}:{p.pid}", p.name, [track_id(n) for n in p.tracks]) for p in playlists]


@pytest.mark.parametrize("workers", [1, 2])
def test_mpd_slices_are_read_playlist_by_playlist_in_order(tmp_path: Path, workers: int) -> None:
    playlists = random_playlists(40, 60)
    folder = tmp_path / "mpd"
    folder.mkdir()
    write_mpd_slice(folder / "mpd.slice.0-19.json", playlists[:20])
    write_mpd_slice(folder / "mpd.slice.20-39.json", playlists[20:])
    result = import_corpus([folder], tmp_path / "corpus", workers=workers)
    assert result.problem_count == 0
    assert result.playlists_added == 40
    assert result.entries_added == sum(len(p.tracks) for p in playlists)
    assert stored(tmp_path / "corpus") == expected(playlists, "mpd")
    corpus = Corpus.open(tmp_path / "corpus")
    assert corpus is not None
    (number,) = corpus.arrays.find([track_id(playlists[0].tracks[0])])
    assert number is not None
    text = corpus.arrays.track_text_of(number)
    n = playlists[0].tracks[0]
    assert (text.name, text.artist, text.album) == (
        f"Song {n}",
        f"Artist {n // 4}",
        f"Album {n // 2}",
    )
    assert text.artist_uri == f"spotify:artist:{track_id(100_000 + n // 4)}"


def test_the_transpose_lists_each_tracks_playlists(tmp_path: Path) -> None:
    playlists = random_playlists(50, 40, seed=3)
    write_mpd_slice(tmp_path / "mpd.slice.0-49.json", playlists)
    import_corpus([tmp_path / "mpd.slice.0-49.json"], tmp_path / "corpus", workers=1)
    corpus = Corpus.open(tmp_path / "corpus")
    assert corpus is not None
    a = corpus.arrays
    for n in range(40):
        (number,) = a.find([track_id(n)])
        holding = [p.pid for p in playlists if n in p.tracks]
        if number is None:
            assert holding == []
            continue
        got = a.track_playlists[a.track_indptr[number] : a.track_indptr[number + 1]]
        assert list(got) == holding


@pytest.mark.parametrize("name", ["subset.jsonl", "subset.jsonl.gz"])
def test_json_lines_plain_or_gzipped(tmp_path: Path, name: str) -> None:
    playlists = random_playlists(25, 50, seed=2)
    path = write_jsonl(tmp_path / name, playlists)
    result = import_corpus([path], tmp_path / "corpus")
    assert (result.playlists_added, result.problem_count) == (25, 0)
    assert stored(tmp_path / "corpus") == expected(playlists, "subset")


def test_an_exportify_folder_is_one_playlist_per_csv(tmp_path: Path) -> None:
    playlists = random_playlists(3, 30, seed=4)
    folder = write_exportify(tmp_path / "exports", playlists)
    result = import_corpus([folder], tmp_path / "corpus")
    assert (result.playlists_added, result.problem_count) == (3, 0)
    got = sorted(stored(tmp_path / "corpus"))
    want = sorted(
        (f"exportify:{p.name}.csv", p.name, [track_id(n) for n in p.tracks]) for p in playlists
    )
    assert got == want
    corpus = Corpus.open(tmp_path / "corpus")
    assert corpus is not None
    (number,) = corpus.arrays.find([track_id(playlists[0].tracks[0])])
    assert number is not None
    assert corpus.arrays.track_text_of(number).artist == f"Artist {playlists[0].tracks[0] // 4}"


def test_bad_lines_are_skipped_with_their_line_numbers(tmp_path: Path) -> None:
    playlists = random_playlists(6, 30, seed=5)
    lines = [jsonl_line(p) for p in playlists]
    lines[2] = lines[2][: len(lines[2]) // 2]  # line 3: cut in half
    lines[4] = '{"pid": 99, "name": "no tracks"}'  # line 5: no track list
    lines[5] = lines[5][:-40]  # line 6: the file ends mid-line
    (tmp_path / "broken.jsonl").write_text("\n".join(lines))
    result = import_corpus([tmp_path / "broken.jsonl"], tmp_path / "corpus")
    assert [(p.line, "skipped" in p.message) for p in result.problems] == [
        (3, True),
        (5, True),
        (6, True),
    ]
    assert all(p.path == str(tmp_path / "broken.jsonl") for p in result.problems)
    kept = [playlists[i] for i in (0, 1, 3)]
    assert stored(tmp_path / "corpus") == expected(kept, "broken")


def test_a_truncated_file_is_skipped_and_the_import_goes_on(tmp_path: Path) -> None:
    good, bad = random_playlists(10, 30, seed=6), random_playlists(5, 30, seed=7)
    folder = tmp_path / "mpd"
    folder.mkdir()
    write_mpd_slice(folder / "mpd.slice.0-9.json", good)
    text = write_mpd_slice(folder / "mpd.slice.10-14.json", bad).read_text()
    (folder / "mpd.slice.10-14.json").write_text(text[: len(text) // 2])
    gz = gzip.compress(("\n".join(jsonl_line(p) for p in bad)).encode())
    (folder / "cut.jsonl.gz").write_bytes(gz[: len(gz) // 2])
    result = import_corpus([folder], tmp_path / "corpus", workers=2)
    by_file = {Path(p.path).name: p for p in result.problems}
    assert set(by_file) == {"mpd.slice.10-14.json", "cut.jsonl.gz"}
    cut_line = text[: len(text) // 2].count("\n") + 1
    assert by_file["mpd.slice.10-14.json"].line == cut_line
    assert by_file["cut.jsonl.gz"].line is not None
    assert result.playlists_added >= 10
    assert stored(tmp_path / "corpus")[:10] == expected(good, "mpd")


def test_entries_that_are_not_track_uris_are_reported_and_the_rest_kept(tmp_path: Path) -> None:
    playlists = random_playlists(1, 30, seed=8)
    folder = write_exportify(tmp_path / "exports", playlists)
    path = folder / f"{playlists[0].name}.csv"
    rows = path.read_text().splitlines()
    rows[2] = "spotify:local:Someone:Something:Else:180," + rows[2].split(",", 1)[1]
    path.write_text("\n".join(rows) + "\n")
    result = import_corpus([folder], tmp_path / "corpus")
    assert [(p.line, "not a Spotify track URI" in p.message) for p in result.problems] == [
        (3, True)
    ]
    assert result.entries_skipped == 1
    assert stored(tmp_path / "corpus")[0][2] == [track_id(n) for n in playlists[0].tracks[:1]] + [
        track_id(n) for n in playlists[0].tracks[2:]
    ]


def test_importing_the_same_file_again_changes_nothing(tmp_path: Path) -> None:
    playlists = random_playlists(30, 50, seed=9)
    path = write_mpd_slice(tmp_path / "mpd.slice.0-29.json", playlists)
    root = tmp_path / "corpus"
    first = import_corpus([path], root)
    again = import_corpus([path], root)
    assert (again.playlists_added, again.playlists_present, again.tracks_added) == (0, 30, 0)
    assert again.generation == first.generation
    assert (again.playlists, again.entries, again.tracks) == (
        first.playlists,
        first.entries,
        first.tracks,
    )


def test_a_later_import_adds_to_the_corpus_and_keeps_earlier_numbers(tmp_path: Path) -> None:
    playlists = random_playlists(40, 50, seed=10)
    root = tmp_path / "corpus"
    import_corpus([write_mpd_slice(tmp_path / "mpd.slice.0-19.json", playlists[:20])], root)
    before = Corpus.open(root)
    assert before is not None
    ids_before = np.array(before.arrays.track_ids).copy()
    overlapping = write_mpd_slice(tmp_path / "mpd.slice.10-39.json", playlists[10:])
    result: ImportResult = import_corpus([overlapping], root)
    assert (result.playlists_added, result.playlists_present) == (20, 10)
    assert stored(root) == expected(playlists, "mpd")
    after = Corpus.open(root)
    assert after is not None
    assert np.array_equal(np.array(after.arrays.track_ids)[: len(ids_before)], ids_before)
    assert len(list(root.glob("gen-*"))) == 1  # the older generation is gone


def test_a_path_that_is_not_there_or_holds_no_corpus_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="No such file"):
        import_corpus([tmp_path / "missing"], tmp_path / "corpus")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("hello")
    with pytest.raises(InvalidInput, match="No corpus files"):
        import_corpus([tmp_path / "empty"], tmp_path / "corpus")
    assert Corpus.open(tmp_path / "corpus") is None


def test_a_bad_entry_is_named_when_playlists_before_it_were_already_imported(
    tmp_path: Path,
) -> None:
    playlists = random_playlists(3, 30, seed=11)
    root = tmp_path / "corpus"
    import_corpus([write_jsonl(tmp_path / "part.jsonl", playlists[:2])], root)
    lines = [jsonl_line(p) for p in playlists]
    bad_uri = "spotify:local:Someone:Something:Else:180"
    lines[2] = lines[2].replace(f"spotify:track:{track_id(playlists[2].tracks[1])}", bad_uri, 1)
    (tmp_path / "part.jsonl").write_text("\n".join(lines))  # same keys: two already in
    result = import_corpus([tmp_path / "part.jsonl"], root)
    assert (result.playlists_present, result.playlists_added) == (2, 1)
    assert [(p.line, bad_uri in p.message, "entry 2" in p.message) for p in result.problems] == [
        (3, True, True)
    ]
