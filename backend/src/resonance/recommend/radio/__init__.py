"""A radio that keeps playing from seeds and adapts to likes, skips and dislikes.

The library (`radio_batch` over a `RadioState`) works without the web app; the API keeps
each session in the database.
"""

from resonance.recommend.radio.endpoints import router
from resonance.recommend.radio.library import (
    ARTIST_OUT_AFTER,
    SIGNALS,
    Feedback,
    RadioBatch,
    RadioError,
    RadioPick,
    RadioState,
    Signal,
    check_feedback,
    check_seeds,
    radio_batch,
)

__all__ = [
    "ARTIST_OUT_AFTER",
    "SIGNALS",
    "Feedback",
    "RadioBatch",
    "RadioError",
    "RadioPick",
    "RadioState",
    "Signal",
    "check_feedback",
    "check_seeds",
    "radio_batch",
    "router",
]
