"""Playlist-continuation quality, cross-validated, as in the RecSys Challenge 2018.

K-fold cross-validation over a JSON-lines playlist file: every playlist with at least
`--min-tracks` distinct tracks is eligible as a test playlist; the eligible ones are
split into `--folds` folds and, for each fold, every method is fitted on all the
other playlists (the test playlists are never seen in training) and asked for 500
tracks from each test playlist's first tracks. Scores: R-precision, NDCG and
recall@500 at track level (as this bench has always reported them), per fold and
method, with mean, 95 % interval and a paired per-fold comparison against item
co-occurrence kNN. Also per method: ms/query, fit seconds and peak RSS (each
method is fitted and queried in its own forked process), intra-list diversity and
artist coverage, and the RecSys seed categories (0 = title only, 1, 5, 10, 25 seeds).

    python bench/quality.py                          # 5 folds of ../shared/data/...tuning
    python bench/quality.py --folds 2 --limit 100    # a quick run (a few minutes)
    python bench/quality.py --train a.jsonl.gz --test b.jsonl   # an explicit split
    python bench/quality.py --exportify-dir ~/exports --min-tracks 15   # Exportify CSVs
    python bench/quality.py --replicate 2 --run-folds 1 --limit 300     # 2× the catalogue

Input lines: `{"pid", "name", "tracks": [{"uri", "name", "artist"}, …]}`. With
`--test`, a line carries its split: `{"name", "seeds": [track, …], "hidden": [track,
…]}`, a track being an object with "uri" (and "artist") or a bare URI string.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import multiprocessing
import re
import resource
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from resonance.recommend import Recommender, RecommendOptions, Seeds
from resonance.vectors import Catalogue, Cooccurrence, VectorConfig

DEFAULT_DATA = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "mpd-subset-tuning.jsonl.gz"
)
MAIN_SEEDS = 10
CATEGORIES = (0, 1, 5, 10, 25)
T_975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}


class InputError(ValueError):
    """A data file this bench cannot use; the message says which line and why."""


@dataclass
class Playlist:
    name: str
    tracks: list[str]
    artists: list[str]
    hidden: list[str] = field(default_factory=list)  # only for --test lines
    hidden_artists: list[str] = field(default_factory=list)
    duplicates: int = 0


def _track(item: Any, path: Path, number: int) -> tuple[str, str]:
    if isinstance(item, str):
        return item, ""
    if isinstance(item, dict) and isinstance(item.get("uri"), str):
        return item["uri"], str(item.get("artist", ""))
    raise InputError(f"{path}:{number}: a track must be a URI string or an object with 'uri'")


def _dedupe(pairs: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], int]:
    unique = list(dict.fromkeys(pairs))
    seen: set[str] = set()
    out = []
    for uri, artist in unique:
        if uri not in seen:
            seen.add(uri)
            out.append((uri, artist))
    return out, len(pairs) - len(out)


def read_jsonl(path: Path, *, split: bool = False) -> Iterator[Playlist]:
    """Playlists from a JSON-lines file (gzipped when it ends in .gz).

    Tracks repeated in a playlist count once, at their first place.
    """
    if not path.exists():
        raise InputError(f"no data at {path}")
    opener: Callable[..., Any] = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise InputError(f"{path}:{number}: expected an object")
            name = str(record.get("name") or "")
            if split:
                if "seeds" not in record or "hidden" not in record:
                    raise InputError(f"{path}:{number}: a test line needs 'seeds' and 'hidden'")
                seeds, dup_s = _dedupe([_track(t, path, number) for t in record["seeds"]])
                hidden, dup_h = _dedupe([_track(t, path, number) for t in record["hidden"]])
                seed_uris = {u for u, _ in seeds}
                hidden = [(u, a) for u, a in hidden if u not in seed_uris]
                yield Playlist(
                    name,
                    [u for u, _ in seeds],
                    [a for _, a in seeds],
                    [u for u, _ in hidden],
                    [a for _, a in hidden],
                    dup_s + dup_h,
                )
            else:
                if not isinstance(record.get("tracks"), list):
                    raise InputError(f"{path}:{number}: a playlist line needs a 'tracks' list")
                pairs, dup = _dedupe([_track(t, path, number) for t in record["tracks"]])
                yield Playlist(name, [u for u, _ in pairs], [a for _, a in pairs], duplicates=dup)


def read_exportify(directory: Path) -> Iterator[Playlist]:
    """Playlists from a folder of Exportify CSV files (the file name is the title)."""
    if not directory.is_dir():
        raise InputError(f"no folder at {directory}")
    for path in sorted(directory.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [r for r in csv.DictReader(handle) if r.get("Track URI")]
        pairs, dup = _dedupe(
            [(r["Track URI"], (r.get("Artist Name(s)") or "").split(",")[0]) for r in rows]
        )
        yield Playlist(path.stem, [u for u, _ in pairs], [a for _, a in pairs], duplicates=dup)


def replicate(playlists: list[Playlist], copies: int) -> list[Playlist]:
    """`copies` copies of every playlist; copy c > 0 renames its tracks and artists with a
    `#c` suffix, so the copies share nothing and the catalogue grows `copies` times."""
    if copies < 1:
        raise InputError("--replicate must be at least 1")
    out = list(playlists)
    for c in range(1, copies):
        out.extend(
            Playlist(
                p.name,
                [f"{t}#{c}" for t in p.tracks],
                [f"{a}#{c}" for a in p.artists],
                duplicates=p.duplicates,
            )
            for p in playlists
        )
    return out


def normalise_name(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())


# --- one fold: a catalogue of the training playlists, and the test cases --------------------


@dataclass
class Case:
    seeds: list[int]  # rows; seeds absent from training are cold rows (in no playlist)
    truth: set[int]  # hidden rows that the catalogue knows
    truth_size: int  # all distinct hidden tracks (unknown ones stay in the ground truth)


@dataclass
class Fold:
    catalogue: Catalogue
    names: list[str]  # of the training playlists, for the title-only category
    cases: dict[int, list[Case]]  # seed count -> cases (0 = title only)
    titles: list[str]  # per case of category 0
    trained: int  # rows below this are in at least one training playlist


def make_fold(
    train: list[Playlist],
    tests: list[Playlist],
    categories: tuple[int, ...],
    explicit: bool,
    category_limit: int | None = None,
) -> Fold:
    row_of: dict[str, int] = {}
    artist_of: dict[str, int] = {}
    artists: list[int] = []

    def row(uri: str, artist: str) -> int:
        if uri not in row_of:
            row_of[uri] = len(row_of)
            artists.append(artist_of.setdefault(artist, len(artist_of)))
        return row_of[uri]

    playlists = [
        np.asarray([row(u, a) for u, a in zip(p.tracks, p.artists, strict=True)], np.int64)
        for p in train
    ]
    trained = len(row_of)
    cases: dict[int, list[Case]] = {k: [] for k in categories}
    titles: list[str] = []
    for number, p in enumerate(tests):
        for k in categories:
            if k != MAIN_SEEDS and category_limit is not None and number >= category_limit:
                continue
            if explicit:
                if k != MAIN_SEEDS:
                    continue
                seeds, seed_artists, hidden = p.tracks, p.artists, p.hidden
            else:
                seeds, seed_artists, hidden = p.tracks[:k], p.artists[:k], p.tracks[k:]
            if not hidden:
                continue
            # Seeds are part of the user's catalogue, even those no training playlist holds.
            rows = [row(u, a) for u, a in zip(seeds, seed_artists, strict=True)]
            truth = {row_of[u] for u in hidden if u in row_of}
            cases[k].append(Case(rows, truth, len(hidden)))
            if k == 0:
                titles.append(p.name)
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
        playlists=playlists,
    )
    return Fold(catalogue, [normalise_name(p.name) for p in train], cases, titles, trained)


def metrics(recommended: list[int], truth: set[int], truth_size: int) -> tuple[float, float, float]:
    r_prec = len(set(recommended[:truth_size]) & truth) / truth_size
    dcg = sum(1.0 / math.log2(i + 2) for i, t in enumerate(recommended) if t in truth)
    idcg = sum(1.0 / math.log2(i + 2) for i in range(min(truth_size, len(recommended))))
    recall = len(set(recommended) & truth) / truth_size
    return r_prec, dcg / idcg if idcg else 0.0, recall


# --- methods: each is fitted and queried in a forked process --------------------------------

Ranker = Callable[[list[int], int], list[int]]


def popularity_order(catalogue: Catalogue) -> np.ndarray:
    degree = np.zeros(catalogue.n_items)
    for p in catalogue.playlists:
        degree[p] += 1
    return np.lexsort((np.arange(catalogue.n_items), -degree))


def fit_group(names: list[str], fold: Fold, cooc_holder: list[Cooccurrence]) -> dict[str, Ranker]:
    """Fit once for methods sharing a model ("resonance …" options on one Recommender)."""
    if not names[0].startswith("resonance"):
        return {names[0]: fit_method(names[0], fold, cooc_holder)}
    model = Recommender.fit(fold.catalogue, vector_config=VectorConfig())
    cooc_holder.append(model.vectors.cooc)
    out: dict[str, Ranker] = {}
    for name in names:
        if name not in RESONANCE_OPTIONS:
            raise ValueError(f"unknown method {name!r} (known: {', '.join(RESONANCE_OPTIONS)})")

        def resonance(
            seeds: list[int], n: int, options: RecommendOptions = RESONANCE_OPTIONS[name]
        ) -> list[int]:
            items = model.recommend(Seeds(track_ids=tuple(seeds)), n=n, options=options)
            return [r.track_id for r in items]

        out[name] = resonance
    return out


def fit_method(name: str, fold: Fold, cooc_holder: list[Cooccurrence]) -> Ranker:
    catalogue = fold.catalogue
    by_popularity = popularity_order(catalogue)

    def fill(ranked: list[int], seeds: list[int], n: int) -> list[int]:
        seen = set(ranked) | set(seeds)
        extra = [int(r) for r in by_popularity[: n + len(seen)] if r not in seen]
        return ranked + extra[: n - len(ranked)]

    if name == "popularity":
        cooc_holder.append(Cooccurrence.fit(catalogue.playlists, catalogue.n_items))
        return lambda seeds, n: fill([], seeds, n)
    if name == "item-kNN":
        cooc = Cooccurrence.fit(catalogue.playlists, catalogue.n_items)
        cooc_holder.append(cooc)

        def knn(seeds: list[int], n: int) -> list[int]:
            rows, scores = cooc.neighbour_scores(np.asarray(sorted(set(seeds)), np.int64))
            keep = ~np.isin(rows, seeds)
            rows, scores = rows[keep], scores[keep]
            return fill(rows[np.lexsort((rows, -scores))][:n].tolist(), seeds, n)

        return knn
    raise ValueError(f"unknown method {name!r}")


RESONANCE_OPTIONS = {
    "resonance": RecommendOptions(),
    "resonance no-diversity": RecommendOptions(
        diversity=0.0, max_per_artist=None, max_per_album=None
    ),
}


def title_seeds(title: str, names: list[str], playlists: list[np.ndarray], k: int) -> list[int]:
    """Category 0: the tracks most often in training playlists named like `title`.

    Same normalised name first; else playlists sharing words with it, weighted by
    the Jaccard overlap of their words. Empty when no name is alike.
    """
    wanted = normalise_name(title)
    votes: Counter[int] = Counter()
    same = [i for i, name in enumerate(names) if name == wanted and wanted]
    if same:
        for i in same:
            votes.update(playlists[i].tolist())
    else:
        words = set(wanted.split())
        for i, name in enumerate(names):
            other = set(name.split())
            overlap = len(words & other)
            if overlap:
                weight = overlap / len(words | other)
                for r in playlists[i].tolist():
                    votes[r] += weight
    return [r for r, _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


def intra_list_diversity(cooc: Cooccurrence, rows: list[int]) -> float:
    """Mean over pairs of 1 − cosine co-occurrence (0 = always together, 1 = never)."""
    if len(rows) < 2:
        return float("nan")
    index = np.asarray(rows, np.int64)
    counts = cooc.counts[index][:, index].toarray()
    norm = np.sqrt(np.maximum(cooc.degree[index], 1.0))
    cos = counts / norm[:, None] / norm[None, :]
    pairs = len(rows) * (len(rows) - 1)
    return float(1.0 - (cos.sum() - np.trace(cos)) / pairs)


def current_rss_mb() -> float:
    """Resident memory now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_group(names: list[str], fold: Fold, n: int) -> dict[str, dict[str, Any]]:
    """Fit a group of methods on a fold and answer every case: run in a forked child."""
    from resonance.index import serve_single_threaded

    serve_single_threaded()
    base_mb = current_rss_mb()  # what the fork inherited: the parent's playlists and imports
    holder: list[Cooccurrence] = []
    t0, cpu0 = time.perf_counter(), time.process_time()
    rankers = fit_group(names, fold, holder)
    fit_seconds = time.perf_counter() - t0
    fit_cpu = time.process_time() - cpu0
    cooc = holder[0]
    results = {}
    for name, method in rankers.items():
        out = run_method(method, fold, n, cooc)
        out["fit_s"], out["fit_cpu_s"] = fit_seconds, fit_cpu
        out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out["base_mb"] = base_mb
        results[name] = out
    return results


def run_method(method: Ranker, fold: Fold, n: int, cooc: Cooccurrence) -> dict[str, Any]:
    out: dict[str, Any] = {"scores": {}, "empty": 0, "short": 0}
    artists = fold.catalogue.artist_ids
    popular = popularity_order(fold.catalogue).tolist()
    for k, cases in fold.cases.items():
        scores = []
        ild, coverage = [], []
        t0, cpu0 = time.perf_counter(), time.process_time()
        for i, case in enumerate(cases):
            if k == 0:
                seeds = title_seeds(fold.titles[i], fold.names, fold.catalogue.playlists, 10)
                # No playlist named alike: the most-played tracks, as for any cold start.
                ranked = seeds + method(seeds, n) if seeds else popular[:n]
                ranked = list(dict.fromkeys(ranked))[:n]
            else:
                ranked = method(case.seeds, n)
            if k == MAIN_SEEDS:
                out["empty"] += not ranked
                possible = min(n, fold.catalogue.n_items - len(set(case.seeds)))
                out["short"] += 0 < len(ranked) < possible  # fewer than the catalogue has
                ild.append(intra_list_diversity(cooc, ranked[:20]))
                coverage.append(
                    len(set(artists[ranked[:100]].tolist())) / max(1, len(ranked[:100]))
                )
            scores.append(metrics(ranked, case.truth, case.truth_size))
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        out["scores"][k] = np.asarray(scores).reshape(-1, 3)
        if k == MAIN_SEEDS:
            out["ms"] = elapsed * 1000 / max(1, len(cases))
            # CPU time is what a shared machine's load does not inflate.
            out["cpu_ms"] = cpu * 1000 / max(1, len(cases))
            out["ild"] = float(np.nanmean(ild)) if ild else float("nan")
            out["artists"] = float(np.mean(coverage)) if coverage else float("nan")
    return out


_FOLD: Fold | None = None


def _child(names: list[str], n: int) -> dict[str, dict[str, Any]]:
    assert _FOLD is not None
    return run_group(names, _FOLD, n)


def in_child(names: list[str], fold: Fold, n: int) -> dict[str, dict[str, Any]]:
    global _FOLD
    _FOLD = fold  # inherited by the fork, not pickled
    context = multiprocessing.get_context("fork")
    with context.Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(_child, (names, n))


# --- reporting ---------------------------------------------------------------------------------


def interval(values: list[float]) -> str:
    data = np.asarray(values, float)
    mean = float(data.mean())
    if len(data) < 2:
        return f"{mean:.4f}"
    half = T_975.get(len(data) - 1, 1.96) * float(data.std(ddof=1)) / math.sqrt(len(data))
    return f"{mean:.4f} ± {half:.4f}"


def report(results: list[dict[str, dict[str, Any]]], methods: list[str]) -> None:
    folds = len(results)
    print(f"\n## {MAIN_SEEDS} seeds, per fold (R-prec / NDCG / recall@500)")
    header = f"{'method':<24}" + "".join(f"{'fold ' + str(f + 1):>24}" for f in range(folds))
    print(header)
    for m in methods:
        cells = []
        for fold in results:
            r, g, c = fold[m]["scores"][MAIN_SEEDS].mean(axis=0)
            cells.append(f"{r:.4f} {g:.4f} {c:.4f}")
        print(f"{m:<24}" + "".join(f"{cell:>24}" for cell in cells))

    print(f"\n## {MAIN_SEEDS} seeds, mean over folds with 95 % interval (t, {folds - 1} df)")
    print(
        f"{'method':<24} {'R-prec':>17} {'NDCG':>17} {'recall@500':>17} {'ms/query':>9} "
        f"{'CPU ms':>7} {'fit s':>6} {'CPU s':>6} {'RSS MB':>7} {'base MB':>7} {'ILD@20':>7} "
        f"{'artists@100':>11} {'empty':>5} {'short':>5}"
    )
    for m in methods:
        per_fold = np.asarray([fold[m]["scores"][MAIN_SEEDS].mean(axis=0) for fold in results])
        print(
            f"{m:<24} {interval(per_fold[:, 0].tolist()):>17} "
            f"{interval(per_fold[:, 1].tolist()):>17} {interval(per_fold[:, 2].tolist()):>17} "
            f"{np.mean([f[m]['ms'] for f in results]):9.1f} "
            f"{np.mean([f[m]['cpu_ms'] for f in results]):7.1f} "
            f"{max(f[m]['fit_s'] for f in results):6.1f} "
            f"{max(f[m]['fit_cpu_s'] for f in results):6.1f} "
            f"{max(f[m]['rss_mb'] for f in results):7.0f} "
            f"{max(f[m]['base_mb'] for f in results):7.0f} "
            f"{np.mean([f[m]['ild'] for f in results]):7.3f} "
            f"{np.mean([f[m]['artists'] for f in results]):11.3f} "
            f"{sum(f[m]['empty'] for f in results):5d} {sum(f[m]['short'] for f in results):5d}"
        )

    if "item-kNN" in methods:
        print(
            "\n## paired against item-kNN, per fold: R-prec ratio, NDCG and recall@500 differences"
        )
        base = [fold["item-kNN"]["scores"][MAIN_SEEDS].mean(axis=0) for fold in results]
        for m in methods:
            if m == "item-kNN":
                continue
            mine = [fold[m]["scores"][MAIN_SEEDS].mean(axis=0) for fold in results]
            ratio = [a[0] / b[0] for a, b in zip(mine, base, strict=True)]
            d_ndcg = [a[1] - b[1] for a, b in zip(mine, base, strict=True)]
            d_rec = [a[2] - b[2] for a, b in zip(mine, base, strict=True)]
            speed = [f[m]["ms"] / f["item-kNN"]["ms"] for f in results]
            cpu_speed = [f[m]["cpu_ms"] / f["item-kNN"]["cpu_ms"] for f in results]
            print(
                f"{m:<24} R-prec ×  "
                + " ".join(f"{x:.3f}" for x in ratio)
                + f"  mean {interval(ratio)}"
            )
            print(
                f"{'':<24} ΔNDCG    "
                + " ".join(f"{x:+.4f}" for x in d_ndcg)
                + f"  min {min(d_ndcg):+.4f}"
            )
            print(
                f"{'':<24} Δrecall  "
                + " ".join(f"{x:+.4f}" for x in d_rec)
                + f"  min {min(d_rec):+.4f}"
            )
            print(f"{'':<24} ms ×     " + " ".join(f"{x:.2f}" for x in speed))
            print(f"{'':<24} CPU ms × " + " ".join(f"{x:.2f}" for x in cpu_speed))

    others = [k for k in results[0][methods[0]]["scores"] if k != MAIN_SEEDS]
    if others:
        print("\n## seed categories, mean over folds (R-prec / NDCG / recall@500; 0 = title only)")
        print(
            f"{'method':<24}"
            + "".join(f"{str(k) + ' seeds':>24}" for k in sorted([*others, MAIN_SEEDS]))
        )
        for m in methods:
            cells = []
            for k in sorted([*others, MAIN_SEEDS]):
                per_fold = [
                    fold[m]["scores"][k].mean(axis=0)
                    for fold in results
                    if len(fold[m]["scores"][k])
                ]
                r, g, c = np.mean(per_fold, axis=0)
                cells.append(f"{r:.4f} {g:.4f} {c:.4f}")
            print(f"{m:<24}" + "".join(f"{cell:>24}" for cell in cells))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--exportify-dir", type=Path, help="a folder of Exportify CSVs")
    parser.add_argument("--train", type=Path, help="explicit split: training playlists")
    parser.add_argument("--test", type=Path, help="explicit split: test lines (seeds + hidden)")
    parser.add_argument("--folds", type=int, default=5, help="folds to make")
    parser.add_argument("--run-folds", type=int, help="run only the first k folds")
    parser.add_argument("--limit", type=int, help="at most this many test playlists per fold")
    parser.add_argument(
        "--category-limit",
        type=int,
        default=100,
        help="test playlists per fold for the seed categories other than 10",
    )
    parser.add_argument(
        "--replicate",
        type=int,
        default=1,
        help="copies of every playlist, each copy's tracks renamed: a catalogue that many "
        "times larger with the same structure (the 200k-track figures)",
    )
    parser.add_argument("--min-tracks", type=int, default=25)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--categories", default=",".join(map(str, CATEGORIES)))
    parser.add_argument("--methods", default="popularity,item-kNN,resonance,resonance no-diversity")
    args = parser.parse_args()
    if (args.train is None) != (args.test is None):
        parser.error("--train and --test go together")
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    categories = tuple(sorted({int(c) for c in args.categories.split(",")} | {MAIN_SEEDS}))

    started = time.perf_counter()
    try:
        if args.train is not None:
            train = list(read_jsonl(args.train))
            tests = list(read_jsonl(args.test, split=True))
            splits = [(train, tests[: args.limit] if args.limit else tests)]
            categories = (MAIN_SEEDS,)
        else:
            playlists = replicate(
                list(
                    read_exportify(args.exportify_dir)
                    if args.exportify_dir
                    else read_jsonl(args.data)
                ),
                args.replicate,
            )
            rng = np.random.default_rng(args.seed)
            eligible = np.asarray(
                [i for i, p in enumerate(playlists) if len(p.tracks) >= args.min_tracks]
            )
            if len(eligible) < args.folds:
                raise InputError(
                    f"{len(eligible)} playlists have ≥ {args.min_tracks} tracks: too few "
                    f"for {args.folds} folds"
                )
            parts = np.array_split(rng.permutation(eligible), args.folds)
            splits = []
            for part in parts[: args.run_folds or args.folds]:
                test_ids = set(part.tolist())
                train = [p for i, p in enumerate(playlists) if i not in test_ids]
                chosen = sorted(test_ids)[: args.limit] if args.limit else sorted(test_ids)
                splits.append((train, [playlists[i] for i in chosen]))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    dup = sum(p.duplicates for train, _ in splits[:1] for p in train)
    print(
        f"{len(splits)} fold(s) of {args.folds}; methods: {', '.join(methods)}; "
        f"{args.n} predictions; seed categories {categories} (loaded in "
        f"{time.perf_counter() - started:.1f}s; {dup} repeated tracks in training "
        "playlists counted once)"
    )
    results = []
    for f, (train, tests) in enumerate(splits, 1):
        fold = make_fold(train, tests, categories, args.train is not None, args.category_limit)
        main_cases = fold.cases[MAIN_SEEDS]
        known = sum(1 for c in main_cases if c.truth)
        if not main_cases or known == 0:
            print(
                "error: no hidden track of any test playlist is in the training playlists; "
                "nothing can be scored (is --test from another collection?)",
                file=sys.stderr,
            )
            return 2
        unknown = len(main_cases) - known
        cold = sum(1 for c in main_cases if all(s >= fold.trained for s in c.seeds))
        print(
            f"fold {f}: {len(train)} training playlists, {fold.catalogue.n_items} tracks, "
            f"{len(main_cases)} test playlists ({cold} with every seed absent from training, "
            f"{unknown} with no hidden track in training)"
        )
        per_method: dict[str, dict[str, Any]] = {}
        groups: dict[str, list[str]] = defaultdict(list)
        for m in methods:
            groups["resonance" if m.startswith("resonance") else m].append(m)
        for group in groups.values():
            per_method.update(in_child(group, fold, args.n))
        for m in methods:
            r, g, c = per_method[m]["scores"][MAIN_SEEDS].mean(axis=0)
            print(
                f"  {m:<24} {r:.4f} {g:.4f} {c:.4f}  {per_method[m]['ms']:.1f} ms/query "
                f"({per_method[m]['cpu_ms']:.1f} CPU)  "
                f"fit {per_method[m]['fit_s']:.1f}s ({per_method[m]['fit_cpu_s']:.1f}s CPU)  "
                f"RSS {per_method[m]['rss_mb']:.0f} MB (at fork {per_method[m]['base_mb']:.0f})",
                flush=True,
            )
        results.append(per_method)
    report(results, methods)
    print(f"\ntotal {time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
