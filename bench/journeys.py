"""Song paths and flow ordering against their bars, on a synthetic catalogue.

    python bench/journeys.py --tracks 100000 --pairs 30

Paths: for random pairs of tracks from different families, how often the distance to B
falls from step to step, the largest step against the mean step, consecutive similarity
against a random path with the same ends and a straight greedy walk, artists repeated
back to back, and latency. Orders: for random 100-track lists, the mean transition cost
against the original order, tempo steps within 8 % (half/double allowed), key-compatible
transitions where keys are known, and latency.
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np

from resonance.recommend import Recommender
from resonance.recommend.flow import camelot, flow_order, key_cost, tempo_cost
from resonance.recommend.paths import song_path
from resonance.vectors import synthetic_catalogue


def greedy_walk(model: Recommender, a: int, b: int, steps: int) -> list[int]:
    """Each step the unused neighbour of the current track most similar to B."""
    vectors = model.vectors.vectors
    end = model.row_of(b)
    rows, used = [model.row_of(a)], {model.row_of(a), end}
    for _ in range(steps - 2):
        _, found = model.index.search(vectors[rows[-1]][None, :], 50)
        options = [int(r) for r in found[0] if r >= 0 and int(r) not in used]
        best = max(options, key=lambda r: float(vectors[r] @ vectors[end]))
        rows.append(best)
        used.add(best)
    rows.append(end)
    return [int(model.catalogue.track_ids[r]) for r in rows]


def mean_similarity(model: Recommender, ids: list[int]) -> float:
    vectors = model.vectors.vectors
    rows = [model.row_of(t) for t in ids]
    return float(np.mean([vectors[x] @ vectors[y] for x, y in itertools.pairwise(rows)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=30)
    parser.add_argument("--lists", type=int, default=20)
    parser.add_argument("--steps", type=int, default=12)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    t0 = time.perf_counter()
    catalogue, _ = synthetic_catalogue(args.tracks, seed=7)
    model = Recommender.fit(catalogue)
    print(f"fitted {args.tracks} tracks in {time.perf_counter() - t0:.1f} s")
    ids = model.catalogue.track_ids

    closer, ratio, ours, rand, greedy, repeats, ms = [], [], [], [], [], 0, []
    for _ in range(args.pairs):
        a_row, b_row = rng.choice(len(ids), 2, replace=False)
        a, b = int(ids[a_row]), int(ids[b_row])
        t = time.perf_counter()
        path = song_path(model, a, b, args.steps)
        ms.append((time.perf_counter() - t) * 1000)
        ends = [s.similarity_to_end for s in path]
        closer.append(np.mean([y >= x for x, y in itertools.pairwise(ends)]))
        distances = [1 - s.similarity_to_previous for s in path[1:]]
        ratio.append(max(distances) / max(np.mean(distances), 1e-9))
        chosen = [s.track_id for s in path]
        ours.append(mean_similarity(model, chosen))
        middle = [int(t) for t in rng.choice(ids, args.steps - 2, replace=False)]
        rand.append(mean_similarity(model, [a, *middle, b]))
        greedy.append(mean_similarity(model, greedy_walk(model, a, b, args.steps)))
        artists = [model.catalogue.artist_ids[model.row_of(t)] for t in chosen]
        repeats += sum(x == y for x, y in itertools.pairwise(artists))
    print("\n| path metric | value | bar |\n|---|---|---|")
    print(f"| steps closer to B | {np.mean(closer):.1%} | ≥ 90 % |")
    print(f"| largest step / mean step (median) | {np.median(ratio):.2f} | ≤ 1.5 |")
    print(f"| consecutive similarity: path | {np.mean(ours):.3f} | > both below |")
    print(f"| consecutive similarity: random with ends | {np.mean(rand):.3f} | |")
    print(f"| consecutive similarity: greedy walk | {np.mean(greedy):.3f} | |")
    print(f"| same artist back to back | {repeats} | 0 |")
    print(f"| {args.steps}-step path ms p50 / max | {np.median(ms):.0f} / {max(ms):.0f} | ≤ 150 |")

    drops, tempo_ok, key_ok, key_known, order_ms = [], [], [], [], []
    tempo = model.catalogue.descriptors.get("tempo_bpm")
    key, mode = model.catalogue.descriptors.get("key"), model.catalogue.descriptors.get("mode")
    for _ in range(args.lists):
        chosen = [int(t) for t in rng.choice(ids, 100, replace=False)]
        t = time.perf_counter()
        ordered = flow_order(model, chosen)
        order_ms.append((time.perf_counter() - t) * 1000)
        drops.append(1 - ordered.total / ordered.original_total)
        rows = [model.row_of(x) for x in ordered.track_ids]
        for x, y in itertools.pairwise(rows):
            if tempo is not None and np.isfinite(tempo[[x, y]]).all():
                tempo_ok.append(tempo_cost(float(tempo[x]), float(tempo[y])) <= np.log2(1.08))
            if key is not None and mode is not None:
                ka, kb = camelot(key[x], mode[x]), camelot(key[y], mode[y])
                if ka and kb:
                    key_known.append(True)
                    key_ok.append(key_cost(ka, kb) == 0)
    print("\n| order metric | value | bar |\n|---|---|---|")
    print(f"| mean transition cost fall vs original | {np.mean(drops):.1%} | ≥ 40 % |")
    tempo_share = f"{np.mean(tempo_ok):.1%}" if tempo_ok else "no tempo"
    print(f"| tempo steps within 8 % (half/double allowed) | {tempo_share} | ≥ 80 % |")
    key_share = f"{np.mean(key_ok):.1%}" if key_known else "no keys in this catalogue"
    print(f"| key-compatible transitions | {key_share} | ≥ 70 % |")
    p50, worst = np.median(order_ms), max(order_ms)
    print(f"| 100-track order ms p50 / max | {p50:.0f} / {worst:.0f} | ≤ 150 |")


if __name__ == "__main__":
    main()
