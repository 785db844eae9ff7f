"""Index and recommendation performance on synthetic catalogues.

For each size: build time, index memory, recall@10 of the index against exact
search, and in-process `recommend(n=20)` latency on one core. With `--http`,
also requests/s and latency of `POST /v1/recommendations` against a real API
server (see bench/http_load.py).

    python bench/recommend.py                       # 10k and 100k
    python bench/recommend.py --sizes 10000,100000,1000000
    python bench/recommend.py --sizes 1000000 --cache /tmp/resonance-bench   # build once

With `--cache`, a fitted model is saved after its first build and loaded on later
runs with the same parameters; the table then shows the timings of the run that
built it.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import time
from pathlib import Path

import faiss
import numpy as np

from resonance.index import IndexConfig, load_index, save_index
from resonance.recommend import Recommender, RecommendOptions, Seeds
from resonance.vectors import VectorConfig, synthetic_catalogue

AUDIO_DIM = 64  # about the size of the DSP descriptor vector


def catalogue_for(n: int, seed: int = 0):  # type: ignore[no-untyped-def]
    # Playlists ~ what a user base's libraries look like: n/20 lists of ~20 tracks.
    return synthetic_catalogue(
        n,
        audio_dim=AUDIO_DIM,
        n_playlists=max(50, n // 20),
        playlist_len=20,
        seed=seed,
        audio_coverage=0.8,
        spotify_coverage=0.3,
    )


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact top k of each query by inner product, equal scores by lower row (the order
    the index promises), in blocks of queries to bound memory."""
    best = np.empty((len(queries), k), np.float32)
    truth = np.empty((len(queries), k), np.int64)
    for start in range(0, len(queries), 32):
        scores = vectors @ queries[start : start + 32].T
        for j in range(scores.shape[1]):
            column = scores[:, j]
            tenth = np.partition(column, len(column) - k)[len(column) - k]
            rows = np.flatnonzero(column >= tenth)
            order = np.lexsort((rows, -column[rows]))[:k]
            truth[start + j], best[start + j] = rows[order], column[rows[order]]
    return best, truth


def recall_at_10(
    model: Recommender, queries: np.ndarray, candidates: int = 200
) -> tuple[float, float, float]:
    """(index recall@10 by id, by score, retrieval recall@10 by score) against exact search
    (1.0 for a flat index, which is exact).

    By id counts the exact top 10's ids among the index's 10, exact search breaking equal
    scores by lower row as the index does (tracks with identical vectors — same genres,
    no audio, no playlists — are common in a catalogue, and the index keeps each such
    vector once and returns its rows lowest first). By score counts a returned track as a
    hit when its exact score reaches the 10th best exact score. Retrieval is how the
    recommender uses the index: it proposes `candidates` (K ≫ n) and exact inner
    products re-rank them.
    """
    if model.index.kind == "flat":
        return 1.0, 1.0, 1.0
    vectors = model.vectors.vectors
    best, truth = exact_top(vectors, queries, 10)
    _, found = model.index.search(queries, 10)
    by_id = float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)]))

    def by_score(rows: np.ndarray, q: np.ndarray, tenth: float) -> float:
        rows = rows[rows >= 0]
        scores = np.sort(vectors[rows] @ q)[::-1][:10]
        return min(10, int((scores >= tenth - 1e-5).sum())) / 10

    _, pool = model.index.search(queries, candidates)
    raw = [by_score(f, q, b[-1]) for f, q, b in zip(found, queries, best, strict=True)]
    rerank = [by_score(p, q, b[-1]) for p, q, b in zip(pool, queries, best, strict=True)]
    return by_id, float(np.mean(raw)), float(np.mean(rerank))


class Clock:
    """Wall and CPU seconds of a stretch of work (CPU of every thread of this process: a
    shared machine stretches the wall time, not the CPU time)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> dict[str, float]:
        return {
            "wall": time.perf_counter() - self.wall,
            "cpu": time.process_time() - self.cpu,
        }


def fitted(n: int, args: argparse.Namespace) -> tuple[Recommender, np.ndarray, dict[str, float]]:
    """The fitted model for size n, its families, and the wall and CPU seconds of the data
    and of the build (from the cache if asked)."""
    config = IndexConfig(
        exact_threshold=args.threshold,
        hnsw_m=args.hnsw_m,
        ef_construction=args.ef_construction,
        ef_search=args.ef_search,
        ivf_nprobe=args.ivf_nprobe,
        ivf_threshold=args.ivf_threshold,
    )
    name = (
        f"n{n}-t{args.threshold}-m{args.hnsw_m}-efc{args.ef_construction}"
        f"-ivf{args.ivf_threshold}-p{args.ivf_nprobe}"
    )
    cached = Path(args.cache) / name if args.cache else None
    if cached is not None and (cached / "timings.json").exists():
        timings = json.loads((cached / "timings.json").read_text())
        model = Recommender.from_index(load_index(cached / "model", ef_search=args.ef_search))
        return model, np.load(cached / "family.npy"), timings
    clock = Clock()
    catalogue, family = catalogue_for(n)
    data = clock.read()
    clock = Clock()
    model = Recommender.fit(catalogue, vector_config=VectorConfig(), index_config=config)
    build = clock.read()
    timings = {
        "data s": data["wall"],
        "build s": build["wall"],
        "data cpu s": data["cpu"],
        "build cpu s": build["cpu"],
        "load": os.getloadavg()[0],
    }
    if cached is not None:
        cached.mkdir(parents=True, exist_ok=True)
        save_index(model.fitted, cached / "model")
        np.save(cached / "family.npy", family)
        (cached / "timings.json").write_text(json.dumps(timings))
    return model, family, timings


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--threshold", type=int, default=50_000, help="exact below, HNSW above")
    defaults = IndexConfig()
    parser.add_argument("--hnsw-m", type=int, default=defaults.hnsw_m)
    parser.add_argument("--ef-construction", type=int, default=defaults.ef_construction)
    parser.add_argument("--ef-search", type=int, default=defaults.ef_search)
    parser.add_argument("--ivf-nprobe", type=int, default=defaults.ivf_nprobe)
    parser.add_argument(
        "--ivf-threshold",
        type=int,
        default=defaults.ivf_threshold,
        help="distinct vectors from which the index is an inverted file (200000: IVF at 1M)",
    )
    parser.add_argument("--http", action="store_true", help="also load a real server with wrk")
    parser.add_argument("--http-seconds", type=int, default=20)
    parser.add_argument("--connections", default="4,8,16", help="comma list of wrk clients")
    parser.add_argument("--cache", help="directory to keep fitted models in between runs")
    args = parser.parse_args()

    rows = []
    http_rows: list[dict[str, float]] = []
    for n in [int(s) for s in args.sizes.split(",")]:
        faiss.omp_set_num_threads(2)
        model, family, timings = fitted(n, args)
        # As the server does after loading a version: keep the catalogue's millions of
        # objects out of the collector's full passes.
        gc.collect()
        gc.freeze()
        rng = np.random.default_rng(1)
        query_rows = rng.choice(n, size=min(args.queries, n), replace=False)
        recall_id, recall, retrieval_recall = recall_at_10(model, model.vectors.vectors[query_rows])

        faiss.omp_set_num_threads(1)  # latency on one core
        seed_sets = []
        for r in query_rows:
            same = np.flatnonzero(family == family[r])
            seed_sets.append(
                Seeds(track_ids=tuple(int(t) + 1 for t in rng.choice(same, size=5, replace=False)))
            )
        options = RecommendOptions()
        for seeds in seed_sets[:20]:
            model.recommend(seeds, n=20, options=options)  # warm-up
        latencies, cpu = [], []
        for seeds in seed_sets:
            t0, c0 = time.perf_counter(), time.process_time()
            model.recommend(seeds, n=20, options=options)
            latencies.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        lat = np.asarray(latencies)
        if args.http:
            from http_load import run_http

            counts = tuple(int(c) for c in args.connections.split(","))
            for result in run_http(model, family, duration=args.http_seconds, connections=counts):
                http_rows.append({"tracks": float(n), **result})
        rows.append(
            {
                "tracks": n,
                "index": model.index.kind,
                "dim": model.vectors.dim,
                "distinct": float(model.index.index.ntotal),
                **{k: float(v) for k, v in timings.items()},
                "index MB": model.index.memory_bytes() / 2**20,
                "rec@10 id": recall_id,
                "rec@10": recall,
                "K=200 rec@10": retrieval_recall,
                "p50 ms": np.percentile(lat, 50),
                "p99 ms": np.percentile(lat, 99),
                "p50 cpu ms": np.percentile(cpu, 50),
                "p99 cpu ms": np.percentile(cpu, 99),
                "peak RSS MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
        print(f"done {n}", file=sys.stderr, flush=True)

    print_table(rows)
    if http_rows:
        print("\nPOST /v1/recommendations (n=20): 2 uvicorn workers, wrk on the same 2 cores")
        print_table(http_rows)
    return 0


def print_table(rows: list[dict[str, object]]) -> None:
    columns = list(rows[0])
    print(" ".join(f"{c:>12}" for c in columns))
    for row in rows:
        cells = []
        for c in columns:
            value = row[c]
            if isinstance(value, float):
                digits = (
                    3 if "rec" in c else (0 if c in {"tracks", "connections", "distinct"} else 1)
                )
                cells.append(f"{value:>12.{digits}f}")
            else:
                cells.append(f"{value!s:>12}")
        print(" ".join(cells))


if __name__ == "__main__":
    sys.exit(main())
