"""Key and mode are categories: explanations never compare their means with the seeds'."""

from __future__ import annotations

import numpy as np
import pytest

from resonance.recommend.explain import seed_means


def test_seed_means_leave_key_and_mode_out() -> None:
    descriptors = {
        "energy": np.asarray([0.2, 0.4, 0.9]),
        "key": np.asarray([0.0, 7.0, 2.0]),
        "mode": np.asarray([1.0, 0.0, 1.0]),
    }
    assert seed_means(descriptors, np.asarray([0, 1])) == {"energy": pytest.approx(0.3)}
