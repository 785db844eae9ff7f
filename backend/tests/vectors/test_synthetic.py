"""Synthetic catalogues: the fast playlist sampler draws exactly what numpy's would."""

from __future__ import annotations

import numpy as np
import pytest

from resonance.vectors.synthetic import _WeightedSampler


@pytest.mark.parametrize("seed", range(6))
def test_weighted_sampler_draws_the_same_as_numpy_choice(seed: int) -> None:
    # Heavy-tailed weights make repeats in the first round common, so the later rounds
    # (weights of the tracks already drawn zeroed) are exercised too.
    weights = np.random.default_rng(seed).pareto(1.2, 300) + 1
    sampler = _WeightedSampler(weights)
    ours, numpy_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    for size in [1, 5, 20, 40, 120, 300]:
        drawn = sampler.draw(ours, size)
        assert len(set(drawn.tolist())) == size
        expected = numpy_rng.choice(300, size=size, replace=False, p=weights / weights.sum())
        assert drawn.tolist() == expected.tolist()
    assert ours.random() == numpy_rng.random()  # the two streams are still in step
