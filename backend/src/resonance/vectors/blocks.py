"""Block vectors: each block L2-normalised and scaled by √weight.

With that scaling the inner product of two full vectors is exactly
Σ_b w_b · cos_b — the weighted sum of per-block cosines — so a score can be
split into per-block shares that add up to it.

Missing blocks (no audio for a track, no Spotify features, no genre, no
playlist with another track) are stored as zeros and, when scoring, counted
at the block's *expected* similarity μ_b: the mean cosine between random pairs
of tracks that have the block. In expectation a track without audio scores
what a track with unknown-but-typical audio would — neither favoured (as it
would be by renormalising over the blocks it has) nor punished (as it would be
by a zero). Explanations label that share as "no data, counted at average".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from resonance.vectors.snapshot import BoolArray, FloatMatrix

BLOCK_NAMES = ("audio", "spotify", "genre", "cooc")


@dataclass(frozen=True)
class Block:
    name: str
    start: int
    stop: int
    weight: float

    @property
    def slice(self) -> slice:
        return slice(self.start, self.stop)


def normalise_rows(matrix: NDArray[Any]) -> FloatMatrix:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    safe = np.where(norms > 1e-12, norms, 1.0)
    return (matrix / safe).astype(np.float32)


def standardise(
    values: FloatMatrix, mask: BoolArray, *, clip: float = 5.0
) -> tuple[FloatMatrix, dict[str, list[float]]]:
    """Z-score each column over the rows that have the block; statistics are returned
    so that tracks added later are embedded with the same ones."""
    present = values[mask].astype(np.float64)
    if len(present):
        mean = present.mean(axis=0)
        std = present.std(axis=0)
    else:
        mean = np.zeros(values.shape[1])
        std = np.ones(values.shape[1])
    std = np.where(std > 1e-9, std, 1.0)
    return apply_standardise(values, mean, std, clip=clip), {
        "mean": mean.tolist(),
        "std": std.tolist(),
    }


def apply_standardise(
    values: NDArray[Any], mean: NDArray[Any], std: NDArray[Any], *, clip: float = 5.0
) -> FloatMatrix:
    clipped: FloatMatrix = np.clip((values - mean) / std, -clip, clip).astype(np.float32)
    return clipped


def effective_weights(weights: dict[str, float], coverage: dict[str, int]) -> dict[str, float]:
    """Drop blocks no track has and renormalise the rest to sum to 1."""
    kept = {b: max(0.0, weights.get(b, 0.0)) for b in BLOCK_NAMES if coverage.get(b, 0) > 0}
    total = sum(kept.values())
    if total <= 0:
        return dict.fromkeys(BLOCK_NAMES, 0.0)
    return {b: kept.get(b, 0.0) / total for b in BLOCK_NAMES}


def assemble(
    blocks: dict[str, tuple[FloatMatrix, BoolArray]], weights: dict[str, float]
) -> tuple[FloatMatrix, BoolArray, list[Block]]:
    """Concatenate unit-normalised, √w-scaled blocks; zero rows where a block is missing."""
    n = next(iter(blocks.values()))[0].shape[0]
    layout: list[Block] = []
    parts: list[FloatMatrix] = []
    masks = np.zeros((n, len(BLOCK_NAMES)), bool)
    start = 0
    for b_index, name in enumerate(BLOCK_NAMES):
        matrix, mask = blocks[name]
        unit = normalise_rows(matrix)
        mask = mask & (np.linalg.norm(matrix, axis=1) > 1e-12)
        unit[~mask] = 0.0
        weight = weights.get(name, 0.0)
        parts.append((unit * np.sqrt(weight)).astype(np.float32))
        masks[:, b_index] = mask
        layout.append(Block(name, start, start + matrix.shape[1], weight))
        start += matrix.shape[1]
    return np.hstack(parts).astype(np.float32), masks, layout


def expected_cosines(
    vectors: FloatMatrix, masks: BoolArray, layout: list[Block], *, pairs: int = 4000, seed: int = 0
) -> dict[str, float]:
    """μ_b: mean cosine between random distinct pairs of tracks that both have block b."""
    rng = np.random.default_rng(seed)
    out: dict[str, float] = {}
    for b_index, block in enumerate(layout):
        rows = np.flatnonzero(masks[:, b_index])
        if len(rows) < 2 or block.weight <= 0:
            out[block.name] = 0.0
            continue
        a = rng.choice(rows, size=pairs)
        b = rng.choice(rows, size=pairs)
        keep = a != b
        if not keep.any():
            out[block.name] = 0.0
            continue
        dots = np.einsum("ij,ij->i", vectors[a[keep], block.slice], vectors[b[keep], block.slice])
        out[block.name] = float(dots.mean() / block.weight)
    return out
