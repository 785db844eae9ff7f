"""Time and quality of the catalogue map's layout on synthetic catalogues.

For each size: seconds to compute the layout on one core (as the API does), and how
well neighbourhoods survive on the map, against the two principal axes (PCA):

- family agreement: share of each track's 10 nearest tracks on the map that belong
  to its genre family (higher is better);
- piled up: share of tracks with another within 1/800 of the map's extent, one pixel
  of an 800-pixel map (lower is better).

    python bench/map_layout.py                  # 2,000 and 10,000 tracks
    python bench/map_layout.py --sizes 50000
"""

from __future__ import annotations

import argparse
import time

import faiss
import numpy as np
from numpy.typing import NDArray

from resonance.index import VectorIndex, layout
from resonance.vectors import VectorConfig, build_vectors, synthetic_catalogue

PROBES = 2000


def quality(points: NDArray[np.float32], family: NDArray[np.int64]) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    probes = rng.choice(len(points), size=min(PROBES, len(points)), replace=False)
    extent = float(np.ptp(points, axis=0).max()) or 1.0
    agree, piled = 0.0, 0
    for row in probes:
        squared = ((points - points[row]) ** 2).sum(axis=1)
        squared[row] = np.inf
        nearest = np.argpartition(squared, 10)[:10]
        agree += float((family[nearest] == family[row]).mean())
        piled += bool(np.sqrt(squared.min()) < extent / 800)
    return agree / len(probes), piled / len(probes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="2000,10000")
    args = parser.parse_args()
    faiss.omp_set_num_threads(1)
    print("| tracks | layout s | family agreement (map / PCA) | piled up (map / PCA) |")
    print("|---:|---:|---:|---:|")
    for n in (int(s) for s in args.sizes.split(",")):
        catalogue, family = synthetic_catalogue(n, audio_dim=64, seed=0, playlist_len=20)
        vectors = build_vectors(catalogue, VectorConfig()).vectors
        index = VectorIndex.build(vectors)
        started = time.perf_counter()
        points = layout(vectors, index)
        took = time.perf_counter() - started
        centred = vectors - vectors.mean(axis=0)
        _, _, axes = np.linalg.svd(centred[:: max(1, n // 20_000)], full_matrices=False)
        linear = (centred @ axes[:2].T).astype(np.float32)
        ours, theirs = quality(points, family), quality(linear, family)
        print(
            f"| {n:,} | {took:.1f} | {ours[0]:.2f} / {theirs[0]:.2f} "
            f"| {ours[1]:.1%} / {theirs[1]:.1%} |"
        )


if __name__ == "__main__":
    main()
