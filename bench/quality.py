"""Playlist-continuation quality, as in the RecSys Challenge 2018.

Hold out playlists, keep their first tracks as seeds, ask for 500
recommendations, and score R-precision, NDCG and recall@500 (track level) for
Resonance's configurations against random, popularity and item co-occurrence
kNN baselines — all in one run, through the same `Recommender` API the product
uses.

    python bench/quality.py                        # ../shared/data/mpd-subset-tuning.jsonl.gz
    python bench/quality.py --data playlists.jsonl.gz --holdout 500 --seeds 10
    python bench/quality.py --exportify-dir ~/exports   # a folder of Exportify CSVs

Input: JSON lines `{"pid", "name", "tracks": [{"uri", "name", "artist"}, …]}`
(optionally with per-track "genres" or features), or Exportify CSV files.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from resonance.recommend import Recommender, RecommendOptions, Seeds
from resonance.vectors import Catalogue, VectorConfig

DEFAULT_DATA = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "mpd-subset-tuning.jsonl.gz"
)


@dataclass
class Playlist:
    tracks: list[str]
    artists: list[str]


def read_jsonl(path: Path) -> Iterator[Playlist]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        for line in handle:
            record = json.loads(line)
            tracks = record.get("tracks", [])
            yield Playlist([t["uri"] for t in tracks], [t.get("artist", "") for t in tracks])


def read_exportify(directory: Path) -> Iterator[Playlist]:
    for path in sorted(directory.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        yield Playlist(
            [r["Track URI"] for r in rows if r.get("Track URI")],
            [(r.get("Artist Name(s)") or "").split(",")[0] for r in rows if r.get("Track URI")],
        )


def build(
    playlists: list[Playlist], holdout: int, n_seeds: int, seed: int
) -> tuple[Catalogue, list[tuple[list[int], set[int]]], np.ndarray]:
    rng = np.random.default_rng(seed)
    eligible = [i for i, p in enumerate(playlists) if len(set(p.tracks)) >= n_seeds + 5]
    test_ids = set(rng.choice(eligible, size=min(holdout, len(eligible)), replace=False).tolist())
    row_of: dict[str, int] = {}
    artist_of: dict[str, int] = {}
    artists: list[int] = []

    def row(uri: str, artist: str) -> int:
        if uri not in row_of:
            row_of[uri] = len(row_of)
            artists.append(artist_of.setdefault(artist, len(artist_of)))
        return row_of[uri]

    train: list[np.ndarray] = []
    tests: list[tuple[list[str], list[str]]] = []
    for i, p in enumerate(playlists):
        pairs = list(dict.fromkeys(zip(p.tracks, p.artists, strict=True)))
        if i in test_ids:
            seeds, hidden = pairs[:n_seeds], pairs[n_seeds:]
            # The seed part is known to the system (the user's playlist as ingested so far).
            train.append(np.asarray([row(u, a) for u, a in seeds], np.int64))
            tests.append(([u for u, _ in seeds], [u for u, _ in hidden]))
        else:
            train.append(np.asarray([row(u, a) for u, a in pairs], np.int64))
    n = len(row_of)
    catalogue = Catalogue(
        track_ids=np.arange(n, dtype=np.int64),
        artist_ids=np.asarray(artists, np.int64),
        album_ids=np.full(n, -1, np.int64),
        audio=np.zeros((n, 1), np.float32),
        audio_mask=np.zeros(n, bool),
        spotify=np.zeros((n, 1), np.float32),
        spotify_mask=np.zeros(n, bool),
        genres=[[] for _ in range(n)],
        playlists=train,
    )
    cases = [
        ([row_of[u] for u in seeds], {row_of[u] for u in hidden if u in row_of})
        for seeds, hidden in tests
    ]
    # Tracks only in hidden parts are unknown to every method; they stay in the ground truth
    # (as in the challenge), so recall has a ceiling below 1.
    truth_sizes = np.asarray([len(set(hidden)) for _, hidden in tests])
    return catalogue, cases, truth_sizes


def metrics(recommended: list[int], truth: set[int], truth_size: int) -> tuple[float, float, float]:
    r_prec = len(set(recommended[:truth_size]) & truth) / truth_size
    dcg = sum(1.0 / math.log2(i + 2) for i, t in enumerate(recommended) if t in truth)
    idcg = sum(1.0 / math.log2(i + 2) for i in range(min(truth_size, len(recommended))))
    recall = len(set(recommended) & truth) / truth_size
    return r_prec, dcg / idcg, recall


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--exportify-dir", type=Path)
    parser.add_argument("--holdout", type=int, default=300)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--playlist-weights", default="0,0.5,1,2", help="comma list to compare")
    args = parser.parse_args()

    source = read_exportify(args.exportify_dir) if args.exportify_dir else read_jsonl(args.data)
    if not args.exportify_dir and not args.data.exists():
        print(f"no data at {args.data}; pass --data or --exportify-dir", file=sys.stderr)
        return 2
    started = time.perf_counter()
    playlists = list(source)
    catalogue, cases, truth_sizes = build(playlists, args.holdout, args.seeds, args.seed)
    print(
        f"{len(playlists)} playlists, {catalogue.n_items} tracks, {len(cases)} held out, "
        f"{args.seeds} seeds each, {args.n} recommendations "
        f"(loaded in {time.perf_counter() - started:.1f}s)"
    )

    rng = np.random.default_rng(args.seed)
    popularity = np.zeros(catalogue.n_items)
    for p in catalogue.playlists:
        popularity[p] += 1
    by_popularity = np.lexsort((np.arange(catalogue.n_items), -popularity))

    methods: dict[str, Callable[[list[int]], list[int]]] = {}
    methods["random"] = lambda seeds: [
        int(r) for r in rng.permutation(catalogue.n_items)[: args.n + len(seeds)] if r not in seeds
    ][: args.n]
    methods["popularity"] = lambda seeds: [
        int(r) for r in by_popularity[: args.n + len(seeds)] if r not in seeds
    ][: args.n]

    fitted: dict[float, Recommender] = {}
    for weight in [float(w) for w in args.playlist_weights.split(",")]:
        t0 = time.perf_counter()
        fitted[weight] = Recommender.fit(catalogue, VectorConfig(playlist_weight=weight))
        print(f"fit (playlist weight {weight}): {time.perf_counter() - t0:.1f}s")
    any_model = next(iter(fitted.values()))

    def knn(seeds: list[int]) -> list[int]:
        rows, scores = any_model.vectors.cooc.neighbour_scores(np.asarray(sorted(seeds)))
        keep = ~np.isin(rows, seeds)
        rows, scores = rows[keep], scores[keep]
        ranked = rows[np.lexsort((rows, -scores))][: args.n].tolist()
        seen = set(ranked) | set(seeds)
        ranked += [int(r) for r in by_popularity[: args.n * 2] if r not in seen][
            : args.n - len(ranked)
        ]
        return ranked

    methods["item co-occurrence kNN"] = knn
    default = RecommendOptions()
    accuracy = RecommendOptions(diversity=0.0, max_per_artist=None, max_per_album=None)
    for weight, model in fitted.items():
        for label, options in (("default", default), ("no diversity", accuracy)):

            def run(
                seeds: list[int], model: Recommender = model, options: RecommendOptions = options
            ) -> list[int]:
                return [
                    r.track_id
                    for r in model.recommend(
                        Seeds(track_ids=tuple(seeds)), n=args.n, options=options
                    )
                ]

            methods[f"resonance pw={weight:g} {label}"] = run

    print()
    print(f"{'method':<38} {'R-prec':>7} {'NDCG':>7} {'Rec@500':>8} {'ms/query':>9}")
    for name, method in methods.items():
        scores = []
        t0 = time.perf_counter()
        for (seeds, truth), size in zip(cases, truth_sizes, strict=True):
            scores.append(metrics(method(seeds), truth, int(size)))
        elapsed = (time.perf_counter() - t0) * 1000 / len(cases)
        r, ndcg, rec = np.mean(scores, axis=0)
        print(f"{name:<38} {r:7.4f} {ndcg:7.4f} {rec:8.4f} {elapsed:9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
