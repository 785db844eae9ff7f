"""What the recommendation controls do to a list: diversity and the genre modes.

Usage: PYTHONPATH=backend/src .venv/bin/python bench/controls.py [--tracks 3000] [--lists 12]

On two synthetic catalogues with a known genre structure (different seeds and sizes, and
playlists that stray across genre families as real ones do), for lists of 20 from the
first 8 tracks of random playlists:

* diversity 0 … 1: how many of the 20 differ from the list at 0, and the intra-list
  similarity; a control a listener can feel changes the list about evenly along the slider;
* genre modes: how many of the 20 differ from "blend", the share in the seeds' main genre
  family, and the mean sound (audio block) and listened-together shares of the score, so
  "explore" is seen to leave the seeds' genres while staying close in other ways.
"""

from __future__ import annotations

import argparse

import numpy as np

from resonance.recommend import Recommender, RecommendOptions
from resonance.vectors.synthetic import FAMILIES, synthetic_catalogue

LEVELS = (0.0, 0.1, 0.25, 0.5, 0.75, 1.0)
MODES = ("blend", "focus", "explore")


def fitted(
    n_tracks: int, seed: int
) -> tuple[Recommender, np.ndarray, list[list[str]], list[np.ndarray]]:
    catalogue, family = synthetic_catalogue(
        n_tracks, seed=seed, playlist_len=15, audio_coverage=0.85, spotify_coverage=0.0
    )
    rng = np.random.default_rng(seed)
    catalogue.playlists = [
        np.unique(np.concatenate([p, rng.choice(n_tracks, 4, replace=False)]))
        for p in catalogue.playlists
    ]
    return Recommender.fit(catalogue), family, catalogue.genres, catalogue.playlists


def similarity(model: Recommender, ids: list[int]) -> float:
    vectors = model.vectors.vectors[np.asarray(ids) - 1]
    sims = vectors @ vectors.T
    upper = np.triu_indices(len(ids), 1)
    return float(sims[upper].mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=3000)
    parser.add_argument("--lists", type=int, default=12)
    args = parser.parse_args()
    families = list(FAMILIES)
    for n_tracks, seed in ((args.tracks, 5), (2 * args.tracks, 9)):
        model, family, genres, playlists = fitted(n_tracks, seed)
        rng = np.random.default_rng(seed + 1)
        changed = {d: [] for d in LEVELS}
        ils = {d: [] for d in LEVELS}
        modes: dict[str, dict[str, list[float]]] = {
            m: {"changed": [], "family": [], "sound": [], "together": []} for m in MODES
        }
        for _ in range(args.lists):
            chosen = playlists[int(rng.integers(len(playlists)))]
            seeds = [int(r) + 1 for r in chosen[:8]]
            main_family = int(np.bincount(family[chosen[:8]]).argmax())
            seed_genres = set(FAMILIES[families[main_family]])
            base: set[int] = set()
            for d in LEVELS:
                ids = [
                    i.track_id
                    for i in model.recommend(seeds, n=20, options=RecommendOptions(diversity=d))
                ]
                base = base or set(ids)
                changed[d].append(len(set(ids) - base))
                ils[d].append(similarity(model, ids))
            blend: set[int] = set()
            for mode in MODES:
                items = model.recommend(seeds, n=20, options=RecommendOptions(genre_mode=mode))
                ids = [i.track_id for i in items]
                blend = blend or set(ids)
                stats = modes[mode]
                stats["changed"].append(len(set(ids) - blend))
                stats["family"].append(
                    np.mean([bool(set(genres[t - 1]) & seed_genres) for t in ids])
                )
                stats["sound"].append(
                    np.mean([i.explanation.shares.get("audio", 0.0) for i in items])
                )
                stats["together"].append(
                    np.mean([i.explanation.shares.get("playlists", 0.0) for i in items])
                )
        print(f"\n{n_tracks:,} tracks (seed {seed}), {args.lists} lists of 20")
        print("| diversity | changed of 20 vs 0 | intra-list similarity |")
        print("|---|---|---|")
        for d in LEVELS:
            print(f"| {d:.2f} | {np.mean(changed[d]):.1f} | {np.mean(ils[d]):.3f} |")
        print(
            "| genre mode | changed of 20 vs blend | in seeds' family | sound share"
            " | listened-together share |"
        )
        print("|---|---|---|---|---|")
        for mode in MODES:
            s = modes[mode]
            print(
                f"| {mode} | {np.mean(s['changed']):.1f} | {np.mean(s['family']):.0%} |"
                f" {np.mean(s['sound']):.3f} | {np.mean(s['together']):.3f} |"
            )


if __name__ == "__main__":
    main()
