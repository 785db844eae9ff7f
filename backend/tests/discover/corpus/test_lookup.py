"""`Corpus.neighbours` against a brute-force count over the same playlists."""

from __future__ import annotations

import math
import random

import pytest

from resonance.discover.corpus import Corpus, LookupLimits, import_corpus
from tests.discover.corpus.fixtures import Playlist, random_playlists, track_id, write_mpd_slice


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Corpus, list[Playlist]]:
    folder = tmp_path_factory.mktemp("lookup")
    playlists = random_playlists(400, 150, seed=21)
    write_mpd_slice(folder / "mpd.slice.0-399.json", playlists)
    import_corpus([folder / "mpd.slice.0-399.json"], folder / "corpus", workers=1)
    corpus = Corpus.open(folder / "corpus")
    assert corpus is not None
    return corpus, playlists


def brute_force(
    playlists: list[Playlist], seeds: list[int]
) -> dict[int, tuple[int, set[int], float]]:
    """Per candidate: playlists shared with seeds, seeds met, score — counted one by one."""
    popularity: dict[int, int] = {}
    for p in playlists:
        for n in p.tracks:
            popularity[n] = popularity.get(n, 0) + 1
    found: dict[int, list] = {}
    for p in playlists:
        met = {i for i, s in enumerate(seeds) if s in p.tracks}
        if not met:
            continue
        for n in p.tracks:
            if n in seeds:
                continue
            entry = found.setdefault(n, [0, set(), 0])
            entry[0] += 1
            entry[1] |= met
            entry[2] += len(met)
    return {
        n: (hits, met, weight * len(met) / math.sqrt(popularity[n]))
        for n, (hits, met, weight) in found.items()
    }


@pytest.mark.parametrize("seed", range(5))
def test_neighbours_match_a_brute_force_count(
    built: tuple[Corpus, list[Playlist]], seed: int
) -> None:
    corpus, playlists = built
    rng = random.Random(seed)
    seeds = rng.sample(range(150), 10)
    want = brute_force(playlists, seeds)
    got = corpus.neighbours(
        [track_id(n) for n in seeds], limit=1000, limits=LookupLimits(10**6, 10**6)
    )
    by_id = {track_id(n): n for n in range(150)}
    assert len(got) == len(want)
    for neighbour in got:
        n = by_id[neighbour.spotify_id]
        hits, met, score = want[n]
        assert neighbour.playlists == hits
        assert set(neighbour.seeds) == met
        assert neighbour.score == pytest.approx(score)
        assert neighbour.text.name == f"Song {n}"
    scores = [n.score for n in got]
    assert scores == sorted(scores, reverse=True)


def test_the_best_come_first_and_the_limit_holds(built: tuple[Corpus, list[Playlist]]) -> None:
    corpus, playlists = built
    seeds = [0, 1, 2, 5, 8]
    want = brute_force(playlists, seeds)
    best = sorted(want.values(), key=lambda v: -v[2])[:7]
    got = corpus.neighbours(
        [track_id(n) for n in seeds], limit=7, limits=LookupLimits(10**6, 10**6)
    )
    assert [n.score for n in got] == pytest.approx([v[2] for v in best])


def test_capped_lookups_count_only_what_they_read(built: tuple[Corpus, list[Playlist]]) -> None:
    corpus, playlists = built
    seeds = [0, 1, 2, 3]  # the most popular tracks: far more playlists than the caps
    exact = {n.uri: n for n in corpus.neighbours([track_id(n) for n in seeds], limit=1000)}
    capped = corpus.neighbours(
        [track_id(n) for n in seeds], limit=1000, limits=LookupLimits(per_seed=20, playlists=30)
    )
    assert capped
    assert sum(n.playlists for n in capped) <= sum(len(p.tracks) for p in playlists[:30]) + 30 * 30
    for neighbour in capped:
        assert neighbour.playlists <= exact[neighbour.uri].playlists
        assert neighbour.playlists <= 30


def test_unknown_seeds_are_ignored(built: tuple[Corpus, list[Playlist]]) -> None:
    corpus, _ = built
    assert corpus.neighbours(["0" * 22, "not-an-id"]) == []
    with_unknown = corpus.neighbours(["0" * 22, track_id(4)], limit=20)
    alone = corpus.neighbours([track_id(4)], limit=20)
    assert [n.uri for n in with_unknown] == [n.uri for n in alone]
    assert all(n.seeds == (1,) for n in with_unknown)
