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
import os
import time
from pathlib import Path

import numpy as np
from journey_worlds import demo_world, synthetic

from resonance.index import load_index, save_index, serve_single_threaded
from resonance.recommend import Recommender, flow, paths
from resonance.recommend.flow import camelot, flow_order, key_cost, tempo_cost
from resonance.recommend.paths import song_path
from resonance.recommend.radio import Feedback, RadioState, radio_batch
from resonance.vectors import Catalogue


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


def evenness(distances: list[float], jumps: list[bool]) -> tuple[float, float]:
    """Largest move / mean move, over all moves and over those not marked a long jump."""
    even = [d for d, jump in zip(distances, jumps, strict=True) if not jump] or distances
    return (
        max(distances) / max(float(np.mean(distances)), 1e-9),
        max(even) / max(float(np.mean(even)), 1e-9),
    )


def nothing_between(model: Recommender, x: int, y: int) -> bool:
    """No track in the whole catalogue within `paths.BETWEEN` × the move's distance of both
    ends: the check `song_path` makes on the index's answer, made over every track."""
    vectors = model.vectors.vectors
    move = 1.0 - float(vectors[x] @ vectors[y])
    reach = np.maximum(1.0 - vectors @ vectors[x], 1.0 - vectors @ vectors[y])
    reach[[x, y]] = np.inf
    return bool(reach.min() > paths.BETWEEN * move)


Bars = list[tuple[str, str, bool]]  # (bar, what was measured, met)


def bench_paths(
    model: Recommender, rng: np.random.Generator, pairs: int, steps: int, bars: Bars
) -> None:
    ids = model.catalogue.track_ids
    closer, ratio, ratio_even, with_jump, ours, rand, greedy = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    repeats, ms, cpu_ms, confirmed = 0, [], [], []
    for _ in range(pairs):
        a_row, b_row = rng.choice(len(ids), 2, replace=False)
        a, b = int(ids[a_row]), int(ids[b_row])
        t, c = time.perf_counter(), time.process_time()
        path = song_path(model, a, b, steps)
        ms.append((time.perf_counter() - t) * 1000)
        cpu_ms.append((time.process_time() - c) * 1000)
        ends = [s.similarity_to_end for s in path]
        closer.append(np.mean([y > x for x, y in itertools.pairwise(ends)]))
        distances = [1 - s.similarity_to_previous for s in path[1:]]
        both = evenness(distances, [s.long_jump for s in path[1:]])
        ratio.append(both[0])
        ratio_even.append(both[1])
        with_jump.append(any(s.long_jump for s in path))
        rows = [model.row_of(s.track_id) for s in path]
        for i, s in enumerate(path[1:]):
            if s.long_jump:
                confirmed.append(nothing_between(model, rows[i], rows[i + 1]))
        chosen = [s.track_id for s in path]
        ours.append(mean_similarity(model, chosen))
        middle = [int(t) for t in rng.choice(ids, steps - 2, replace=False)]
        rand.append(mean_similarity(model, [a, *middle, b]))
        greedy.append(mean_similarity(model, greedy_walk(model, a, b, steps)))
        artists = [model.catalogue.artist_ids[model.row_of(t)] for t in chosen]
        repeats += sum(x == y for x, y in itertools.pairwise(artists))
    power = paths.STEP_POWER
    print(f"\n| path metric ({pairs} pairs, {steps} steps, power {power}) | value | bar |")
    print("|---|---|---|")
    print(f"| steps closer to B | {np.mean(closer):.1%} | ≥ 90 % |")
    for label, values in (
        ("all moves", ratio),
        ("moves that are not a long jump", ratio_even),
    ):
        share = np.mean(np.asarray(values) <= 1.5)
        print(
            f"| largest / mean move, {label}: median (paths ≤ 1.5) "
            f"| {np.median(values):.2f} ({share:.0%}) | ≤ 1.5 |"
        )
    print(f"| paths with a long jump (nothing in between) | {np.mean(with_jump):.0%} | |")
    print(
        f"| long jumps a brute-force search confirms | {sum(confirmed)} of {len(confirmed)} | all |"
    )
    sims = f"{np.mean(ours):.3f} / {np.mean(rand):.3f} / {np.mean(greedy):.3f}"
    label = "consecutive similarity: path / random with ends / greedy walk"
    print(f"| {label} | {sims} | path above both |")
    above = np.mean(np.asarray(ours) > np.maximum(rand, greedy))
    print(f"| pairs where the path is smoother than both | {above:.0%} | |")
    print(f"| same artist back to back | {repeats} | 0 |")
    timing = (
        f"{np.median(ms):.0f} / {max(ms):.0f} (CPU {np.median(cpu_ms):.0f} / {max(cpu_ms):.0f})"
    )
    print(f"| path ms p50 / max | {timing} | ≤ 150 |")
    even, even_rest = np.asarray(ratio) <= 1.5, np.asarray(ratio_even) <= 1.5
    bars += [
        (
            "path: distance to B falls in ≥ 90 % of steps",
            f"{np.mean(closer):.1%}",
            bool(np.mean(closer) >= 0.9),
        ),
        (
            "path: largest move ≤ 1.5 × mean move, every path",
            f"median {np.median(ratio):.2f}, {even.mean():.0%} of paths",
            bool(even.all()),
        ),
        (
            "path: the same, moves over a gap (long jumps) left out",
            (
                f"median {np.median(ratio_even):.2f}, {even_rest.mean():.0%} of paths;"
                f" {np.mean(with_jump):.0%} of paths have a long jump,"
                f" {sum(confirmed)} of {len(confirmed)} confirmed by brute force"
            ),
            bool(even_rest.all()),
        ),
        (
            "path: smoother than random-with-ends and greedy",
            f"{sims}, {above:.0%} of pairs",
            bool(np.mean(ours) > max(np.mean(rand), np.mean(greedy))),
        ),
        ("path: no artist twice in a row", f"{repeats} repeats", repeats == 0),
        (f"path: {steps} steps ≤ 150 ms (p50)", timing, bool(np.median(ms) <= 150)),
    ]


def bench_orders(model: Recommender, lists: list[list[int]], label: str, bars: Bars) -> None:
    drops, tempo_ok, key_ok, order_ms, sizes = [], [], [], [], []
    tempo = model.catalogue.descriptors.get("tempo_bpm")
    key, mode = (
        model.catalogue.descriptors.get("key"),
        model.catalogue.descriptors.get("mode"),
    )
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
    catalogue_ids = [int(t) for t in model.catalogue.track_ids]
    rng = np.random.default_rng(11)
    for size in (1000, 10_000):
        chosen = [int(t) for t in rng.choice(catalogue_ids, min(size, len(catalogue_ids)), False)]
        t, c = time.perf_counter(), time.process_time()
        try:
            answer = f"{len(flow_order(model, chosen).track_ids)} tracks ordered"
        except flow.OrderError as exc:
            answer = f"error: {exc}"
        wall, cpu = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
        took = f"{wall:.0f} ms (CPU {cpu:.0f})"
        print(
            f"| order of {len(chosen):,} random tracks | {answer}, {took} | bounded / clear error |"
        )
        bars.append((f"order: {len(chosen):,} tracks", f"{answer}, {took}", True))
    bars[-2:] = [
        ("order: mean cost falls ≥ 40 % on every list", falls, bool(min(drops) >= 0.4)),
        (
            "order: ≥ 80 % of tempo steps within 8 %",
            tempo_share,
            bool(tempo_ok) and bool(np.mean(tempo_ok) >= 0.8),
        ),
        (
            "order: ≥ 70 % of transitions key-compatible",
            key_share,
            bool(key_ok) and bool(np.mean(key_ok) >= 0.7),
        ),
        (
            "order: ≤ 100 tracks in ≤ 150 ms (p50)",
            times,
            bool(np.median(at_100) <= 150),
        ),
        (bars[-2][0], bars[-2][1], "ordered" in bars[-2][1]),
        (
            "order: 10,000 tracks answer a clear error",
            bars[-1][1],
            "error" in bars[-1][1],
        ),
    ]


def play(model: Recommender, state: RadioState) -> list[int]:
    picks = [p.track_id for p in radio_batch(model, state, 10).picks]
    state.played.extend(picks)
    return picks


def dislike_session(model: Recommender, rng: np.random.Generator) -> tuple[bool, bool, bool, float]:
    """An artist radio (seeded with 2 tracks of one artist), played until 3 of the
    artist's tracks have played, then those 3 disliked.

    When 8 batches play fewer than 3 (artists whose tracks are not close in sound, as in
    the synthetic catalogue), 3 of its other tracks are added to what was played, as if
    the listener had queued them. Returns (played naturally, artist in the next 20
    without the dislikes, artist absent from the next 20 after them, ms of that batch).
    """
    artists = model.catalogue.artist_ids
    counts = np.bincount(artists[artists >= 0])
    artist = int(rng.choice(np.flatnonzero(counts >= 5)))
    own = [int(t) for t in model.catalogue.track_ids[artists == artist]]
    seeds = [int(t) for t in rng.choice(own, 2, replace=False)]
    state = RadioState(seeds=seeds)
    for _ in range(8):
        play(model, state)
        theirs = [t for t in state.played if artists[model.row_of(t)] == artist]
        if len(theirs) >= 3:
            break
    natural = len(theirs) >= 3
    if not natural:
        extra = [t for t in own if t not in seeds and t not in theirs][: 3 - len(theirs)]
        state.played += extra
        theirs += extra

    def artist_in_next_20(state: RadioState) -> bool:
        batch = play(model, state) + play(model, state)
        return artist in {int(artists[model.row_of(t)]) for t in batch}

    control = artist_in_next_20(RadioState(seeds, list(state.played), list(state.feedback)))
    state.feedback += [Feedback(t, "dislike") for t in theirs[:3]]
    t = time.perf_counter()
    radio_batch(model, state, 10)
    ms = (time.perf_counter() - t) * 1000
    return natural, control, not artist_in_next_20(state), ms


def like_session(model: Recommender, rng: np.random.Generator) -> tuple[float, ...]:
    """A radio from one random seed; 3 of its first 10 liked at random. Similarity to the
    liked tracks of: the other 7 of the first batch, the next 10, the next 10 the same
    session would have played without the likes, and the 10 unplayed tracks closest to the
    liked ones (the most any radio that never repeats a track could reach); and the ms."""
    ids, vectors = model.catalogue.track_ids, model.vectors.vectors
    state = RadioState(seeds=[int(ids[rng.integers(len(ids))])])
    first = play(model, state)
    liked = [int(t) for t in rng.choice(first, 3, replace=False)]
    without = radio_batch(model, RadioState(seeds=state.seeds, played=list(state.played)), 10)
    state.feedback += [Feedback(t, "like") for t in liked]
    t = time.perf_counter()
    after = play(model, state)
    ms = (time.perf_counter() - t) * 1000
    liked_rows = [model.row_of(t) for t in liked]

    def to_liked(batch: list[int]) -> float:
        rows = [model.row_of(t) for t in batch]
        return float((vectors[rows] @ vectors[liked_rows].T).mean())

    closeness = vectors @ vectors[liked_rows].mean(axis=0)
    closeness[[model.row_of(t) for t in (*state.seeds, *first)]] = -np.inf
    ceiling = [int(ids[r]) for r in np.argsort(-closeness)[:10]]
    return (
        to_liked([t for t in first if t not in liked]),
        to_liked(after),
        to_liked([p.track_id for p in without.picks]),
        to_liked(ceiling),
        ms,
    )


def bench_radio(model: Recommender, rng: np.random.Generator, sessions: int, bars: Bars) -> None:
    dislikes = np.asarray([dislike_session(model, rng) for _ in range(sessions)], dtype=float)
    likes = np.asarray([like_session(model, rng) for _ in range(sessions)])
    before, after, without, ceiling = likes[:, 0], likes[:, 1], likes[:, 2], likes[:, 3]
    ms = np.concatenate([dislikes[:, 3], likes[:, 4]])
    same = np.isclose(after, without)
    higher = (after > without) & ~same
    print(f"\n| radio metric ({sessions} sessions of each kind) | value | bar |\n|---|---|---|")
    natural = f"{dislikes[:, 0].mean():.0%}"
    print(f"| artist radios that played 3 of the artist's tracks themselves | {natural} | |")
    control = f"{dislikes[:, 1].mean():.0%}"
    print(f"| the artist in the next 20 without the dislikes | {control} | |")
    print(f"| disliked artist absent from the next 20 | {dislikes[:, 2].mean():.0%} | 100 % |")
    print(
        f"| similarity to 3 liked: batch before → next 10 (mean) "
        f"| {before.mean():.3f} → {after.mean():.3f} | rises |"
    )
    print(f"| sessions where it rises against the batch before | {np.mean(after > before):.0%} | |")
    print(
        f"| the most it could reach (the 10 unplayed closest to the liked): mean, sessions "
        f"above the batch before | {ceiling.mean():.3f}, {np.mean(ceiling > before):.0%} | |"
    )
    print(
        f"| next 10 with the likes against without them: mean, sessions higher / the same "
        f"| {after.mean():.3f} vs {without.mean():.3f}, {np.mean(higher):.0%}"
        f" / {np.mean(same):.0%} | rises |"
    )
    print(
        f"| batch of 10 after feedback ms p50 / max | {np.median(ms):.0f} / {ms.max():.0f} "
        "| ≤ 100 |"
    )
    bars += [
        (
            "radio: 3 dislikes of an artist, absent from the next 20",
            (
                f"{dislikes[:, 2].mean():.0%} of sessions (without the dislikes it played in"
                f" {dislikes[:, 1].mean():.0%})"
            ),
            bool(dislikes[:, 2].all()),
        ),
        (
            "radio: after 3 likes, the next 10 closer to them than the batch before",
            (
                f"{before.mean():.3f} → {after.mean():.3f},"
                f" {np.mean(after > before):.0%} of sessions;"
                f" at most {ceiling.mean():.3f} ({np.mean(ceiling > before):.0%}) for any radio"
            ),
            bool(np.all(after > before)),
        ),
        (
            "radio: … closer than the next 10 without the likes",
            (
                f"{without.mean():.3f} → {after.mean():.3f}, higher in {np.mean(higher):.0%},"
                f" the same batch in {np.mean(same):.0%}"
            ),
            bool(np.all(higher | same)),
        ),
        (
            "radio: a batch of 10 after feedback ≤ 100 ms (p50)",
            f"{np.median(ms):.0f} / {ms.max():.0f}",
            bool(np.median(ms) <= 100),
        ),
    ]


def fitted(catalogue: Catalogue, cache: Path | None) -> Recommender:
    """The model of `catalogue`, read from `cache` when a run saved it there (fitting 100k
    tracks takes minutes; the catalogue itself is rebuilt from its seed each run)."""
    if cache is not None and (cache / "index.faiss").exists():
        return Recommender.from_index(load_index(cache))
    model = Recommender.fit(catalogue)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        save_index(model.fitted, cache)
    return model


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
    parser.add_argument(
        "--model-cache",
        type=Path,
        help="a directory: the fitted model is saved there, and read back when it is there",
    )
    parser.add_argument("--path-powers", default="", help="paths once per step power, e.g. 1,2,3")
    parser.add_argument("--seed", type=int, default=7, help="pairs, lists and sessions drawn")
    args = parser.parse_args()
    bars: Bars = []
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    catalogue, playlists = demo_world() if args.world == "demo" else synthetic(args.tracks)
    model = fitted(catalogue, args.model_cache)
    serve_single_threaded()  # as the API serves: one FAISS thread per search
    print(f"{args.world}: fitted {model.n_items} tracks in {time.perf_counter() - t0:.1f} s")
    if args.only in (None, "paths"):
        for power in [float(p) for p in args.path_powers.split(",") if p] or [paths.STEP_POWER]:
            paths.STEP_POWER = power
            bench_paths(model, np.random.default_rng(args.seed), args.pairs, args.steps, bars)
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
            bench_orders(model, lists, f"{label}, key weight {weight}", bars)
    if args.only in (None, "radio"):
        bench_radio(model, rng, args.sessions, bars)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\n| bar ({args.world}, {model.n_items:,} tracks; load average {load}) | measured | met |"
    )
    print("|---|---|---|")
    for name, value, met in bars:
        print(f"| {name} | {value} | {'yes' if met else '**no**'} |")


if __name__ == "__main__":
    main()
