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
from resonance.recommend.radio.schemas import FeedbackIn, FeedbackOut, RadioBatchOut
from resonance.recommend.radio.service import feedback, next_batch, start

__all__ = [
    "ARTIST_OUT_AFTER",
    "SIGNALS",
    "Feedback",
    "FeedbackIn",
    "FeedbackOut",
    "RadioBatch",
    "RadioBatchOut",
    "RadioError",
    "RadioPick",
    "RadioState",
    "Signal",
    "check_feedback",
    "check_seeds",
    "feedback",
    "next_batch",
    "radio_batch",
    "router",
    "start",
]
