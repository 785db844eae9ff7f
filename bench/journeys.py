"""Song paths, flow ordering and radio against their bars (issue 17).

    python bench/journeys.py --world synthetic --tracks 100000
    python bench/journeys.py --world demo

Paths: for random pairs of tracks, how often the distance to B falls from step to step,
the largest step against the mean step, consecutive similarity against a random path
with the same ends and a straight greedy walk (same pairs, same run), artists repeated
back to back, and latency. Orders: every playlist of the demo world, or random 100-track
lists of the synthetic catalogue: the mean transition cost against the original order,
tempo steps within 8 % (half/double allowed), key-compatible transitions, and latency.
Radio: artists out after 3 dislikes, the pull of 3 likes, and the latency of a batch.
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np
from journey_worlds import demo_world, synthetic

from resonance.recommend import Recommender, flow
from resonance.recommend.flow import camelot, flow_order, key_cost, tempo_cost
from resonance.recommend.paths import song_path
from resonance.recommend.radio import Feedback, RadioState, radio_batch


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


def bench_paths(model: Recommender, rng: np.random.Generator, pairs: int, steps: int) -> None:
    ids = model.catalogue.track_ids
    closer, ratio, ours, rand, greedy, repeats, ms = [], [], [], [], [], 0, []
    for _ in range(pairs):
        a_row, b_row = rng.choice(len(ids), 2, replace=False)
        a, b = int(ids[a_row]), int(ids[b_row])
        t = time.perf_counter()
        path = song_path(model, a, b, steps)
        ms.append((time.perf_counter() - t) * 1000)
        ends = [s.similarity_to_end for s in path]
        closer.append(np.mean([y >= x for x, y in itertools.pairwise(ends)]))
        distances = [1 - s.similarity_to_previous for s in path[1:]]
        ratio.append(max(distances) / max(np.mean(distances), 1e-9))
        chosen = [s.track_id for s in path]
        ours.append(mean_similarity(model, chosen))
        middle = [int(t) for t in rng.choice(ids, steps - 2, replace=False)]
        rand.append(mean_similarity(model, [a, *middle, b]))
        greedy.append(mean_similarity(model, greedy_walk(model, a, b, steps)))
        artists = [model.catalogue.artist_ids[model.row_of(t)] for t in chosen]
        repeats += sum(x == y for x, y in itertools.pairwise(artists))
    even = np.mean(np.asarray(ratio) <= 1.5)
    print(f"\n| path metric ({pairs} pairs, {steps} steps) | value | bar |\n|---|---|---|")
    print(f"| steps closer to B | {np.mean(closer):.1%} | ≥ 90 % |")
    evenness = f"{np.median(ratio):.2f} ({even:.0%})"
    print(f"| largest step / mean step: median (paths ≤ 1.5) | {evenness} | ≤ 1.5 |")
    sims = f"{np.mean(ours):.3f} / {np.mean(rand):.3f} / {np.mean(greedy):.3f}"
    label = "consecutive similarity: path / random with ends / greedy walk"
    print(f"| {label} | {sims} | path above both |")
    print(f"| same artist back to back | {repeats} | 0 |")
    print(f"| path ms p50 / max | {np.median(ms):.0f} / {max(ms):.0f} | ≤ 150 |")


def bench_orders(model: Recommender, lists: list[list[int]], label: str) -> None:
    drops, tempo_ok, key_ok, order_ms, sizes = [], [], [], [], []
    tempo = model.catalogue.descriptors.get("tempo_bpm")
    key, mode = model.catalogue.descriptors.get("key"), model.catalogue.descriptors.get("mode")
    for chosen in lists:
        t = time.perf_counter()
        ordered = flow_order(model, chosen)
        order_ms.append((time.perf_counter() - t) * 1000)
        sizes.append(len(chosen))
        drops.append(1 - ordered.total / ordered.original_total)
        rows = [model.row_of(x) for x in ordered.track_ids]
        for x, y in itertools.pairwise(rows):
            if tempo is not None and np.isfinite(tempo[[x, y]]).all():
                tempo_ok.append(tempo_cost(float(tempo[x]), float(tempo[y])) <= np.log2(1.08))
            if key is not None and mode is not None:
                ka, kb = camelot(key[x], mode[x]), camelot(key[y], mode[y])
                if ka and kb:
                    key_ok.append(key_cost(ka, kb) == 0)
    print(f"\n| order metric ({label}) | value | bar |\n|---|---|---|")
    falls = f"{np.mean(drops):.1%} / {min(drops):.1%}"
    print(f"| mean transition cost fall: mean / worst list | {falls} | ≥ 40 % each |")
    tempo_share = f"{np.mean(tempo_ok):.1%}" if tempo_ok else "no tempo"
    print(f"| tempo steps within 8 % (half/double allowed) | {tempo_share} | ≥ 80 % |")
    key_share = f"{np.mean(key_ok):.1%}" if key_ok else "no keys"
    print(f"| key-compatible transitions | {key_share} | ≥ 70 % |")
    at_100 = [m for m, s in zip(order_ms, sizes, strict=True) if s <= 100] or order_ms
    times = f"{np.median(at_100):.0f} / {max(at_100):.0f}"
    print(f"| order ms p50 / max, lists ≤ 100 tracks | {times} | ≤ 150 |")
    largest = int(np.argmax(sizes))
    print(f"| order ms, largest list ({sizes[largest]} tracks) | {order_ms[largest]:.0f} | |")


def play(model: Recommender, state: RadioState) -> list[int]:
    picks = [p.track_id for p in radio_batch(model, state, 10).picks]
    state.played.extend(picks)
    return picks


def bench_radio(model: Recommender, rng: np.random.Generator, sessions: int) -> None:
    ids, artists, vectors = (
        model.catalogue.track_ids,
        model.catalogue.artist_ids,
        model.vectors.vectors,
    )
    absent, shown_before, rises, before_sim, after_sim, ms = [], [], [], [], [], []
    for _ in range(sessions):
        state = RadioState(seeds=[int(ids[rng.integers(len(ids))])])
        # Play until one artist has 3 tracks played, then dislike those 3.
        for _ in range(8):
            play(model, state)
            counts = np.bincount([artists[model.row_of(t)] for t in state.played])
            if counts.max() >= 3:
                break
        artist = int(np.argmax(counts))
        shown_before.append(counts.max() >= 3)
        disliked = [t for t in state.played if artists[model.row_of(t)] == artist][:3]
        state.feedback += [Feedback(t, "dislike") for t in disliked]
        t = time.perf_counter()
        next_20 = play(model, state)
        ms.append((time.perf_counter() - t) * 1000)
        next_20 += play(model, state)
        absent.append(artist not in {int(artists[model.row_of(t)]) for t in next_20})

        state = RadioState(seeds=[int(ids[rng.integers(len(ids))])])
        first = play(model, state)
        liked = [int(t) for t in rng.choice(first, 3, replace=False)]
        state.feedback += [Feedback(t, "like") for t in liked]
        t = time.perf_counter()
        after = play(model, state)
        ms.append((time.perf_counter() - t) * 1000)
        liked_rows = [model.row_of(t) for t in liked]

        def to_liked(batch: list[int], liked_rows: list[int] = liked_rows) -> float:
            rows = [model.row_of(t) for t in batch]
            return float((vectors[rows] @ vectors[liked_rows].T).mean())

        before = to_liked([t for t in first if t not in liked])
        before_sim.append(before)
        after_sim.append(to_liked(after))
        rises.append(after_sim[-1] > before)
    print(f"\n| radio metric ({sessions} sessions) | value | bar |\n|---|---|---|")
    print(
        f"| artist with 3 played tracks found before the dislikes | {np.mean(shown_before):.0%} | |"
    )
    print(f"| disliked artist absent from the next 20 | {np.mean(absent):.0%} | 100 % |")
    sims = f"{np.mean(before_sim):.3f} → {np.mean(after_sim):.3f}"
    print(f"| similarity to 3 liked: batch before → next 10 (mean) | {sims} | rises |")
    print(f"| sessions where it rises | {np.mean(rises):.0%} | 100 % |")
    print(
        f"| batch of 10 after feedback ms p50 / max | {np.median(ms):.0f} / {max(ms):.0f} | ≤ 100 |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--world", choices=("synthetic", "demo"), default="synthetic")
    parser.add_argument("--tracks", type=int, default=100_000, help="synthetic only")
    parser.add_argument("--pairs", type=int, default=30)
    parser.add_argument("--lists", type=int, default=20, help="synthetic only")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--only", choices=("paths", "orders", "radio"), help="one section")
    parser.add_argument(
        "--key-weights", default="", help="orders once per key weight, e.g. 0.5,0.18"
    )
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    t0 = time.perf_counter()
    catalogue, playlists = demo_world() if args.world == "demo" else synthetic(args.tracks)
    model = Recommender.fit(catalogue)
    print(f"{args.world}: fitted {model.n_items} tracks in {time.perf_counter() - t0:.1f} s")
    if args.only in (None, "paths"):
        bench_paths(model, rng, args.pairs, args.steps)
    if args.only in (None, "orders"):
        if args.world == "demo":
            lists, label = playlists, f"{len(playlists)} demo playlists, original order"
        else:
            ids = model.catalogue.track_ids
            lists = [
                [int(t) for t in rng.choice(ids, 100, replace=False)] for _ in range(args.lists)
            ]
            label = f"{args.lists} random 100-track lists"
        weights = [float(w) for w in args.key_weights.split(",") if w] or [flow.KEY_WEIGHT]
        for weight in weights:
            flow.KEY_WEIGHT = weight
            bench_orders(model, lists, f"{label}, key weight {weight}")
    if args.only in (None, "radio"):
        bench_radio(model, rng, args.sessions)


if __name__ == "__main__":
    main()
