"""The radio library: feedback moves the next batch, and bad feedback is refused."""

from __future__ import annotations

import numpy as np
import pytest

from resonance.recommend import Recommender, UnknownSeedsError
from resonance.recommend.radio import (
    ARTIST_OUT_AFTER,
    Feedback,
    RadioError,
    RadioState,
    check_feedback,
    check_seeds,
    radio_batch,
)
from resonance.vectors import synthetic_catalogue


@pytest.fixture(scope="module")
def model() -> Recommender:
    catalogue, _ = synthetic_catalogue(4000, seed=11, audio_coverage=0.9)
    return Recommender.fit(catalogue)


def play(model: Recommender, state: RadioState, n: int = 10) -> list[int]:
    batch = radio_batch(model, state, n)
    played = [p.track_id for p in batch.picks]
    state.played.extend(played)
    return played


def artist_of(model: Recommender, track_id: int) -> int:
    return int(model.catalogue.artist_ids[model.row_of(track_id)])


def test_three_dislikes_of_an_artist_keep_it_out_of_the_next_twenty(model: Recommender) -> None:
    counts = np.bincount(model.catalogue.artist_ids[model.catalogue.artist_ids >= 0])
    artist = int(np.argmax(counts))
    tracks = [int(t) for t in model.catalogue.track_ids[model.catalogue.artist_ids == artist]]
    state = RadioState(seeds=tracks[:2], played=tracks[2:5])
    before = play(model, state, 20)
    assert artist in {artist_of(model, t) for t in before}  # the seeds' artist plays at first
    state.feedback += [Feedback(t, "dislike") for t in tracks[2:5]]
    after = play(model, state) + play(model, state)
    assert len(after) == 20
    assert artist not in {artist_of(model, t) for t in after}
    changes = radio_batch(model, state).changes
    assert any(c.kind == "artist_out" and c.count == 3 for c in changes)
    assert ARTIST_OUT_AFTER <= 3


def test_three_likes_pull_the_next_batch_toward_them(model: Recommender) -> None:
    vectors = model.vectors.vectors
    ids = model.catalogue.track_ids
    rising = 0
    for seed in range(5):
        state = RadioState(seeds=[int(ids[seed * 97])])
        first = play(model, state)
        # Like the three the seed is least like: the radio has to move to follow them.
        liked = sorted(first, key=lambda t: float(vectors[model.row_of(t)] @ vectors[seed * 97]))[
            :3
        ]
        state.feedback += [Feedback(t, "like") for t in liked]
        before = play(model, RadioState(seeds=state.seeds, played=list(state.played)))
        after = play(model, state)

        def closeness(batch: list[int], liked: list[int] = liked) -> float:
            rows = [model.row_of(t) for t in batch]
            return float((vectors[rows] @ vectors[[model.row_of(t) for t in liked]].T).mean())

        rising += closeness(after) > closeness(before)
    assert rising == 5


def test_a_skip_shows_in_the_explanations(model: Recommender) -> None:
    ids = model.catalogue.track_ids
    state = RadioState(seeds=[int(ids[3])])
    first = play(model, state)
    state.feedback.append(Feedback(first[0], "skip"))
    batch = radio_batch(model, state)
    assert [(c.kind, c.track_id, c.signal) for c in batch.changes] == [("away", first[0], "skip")]
    assert any(p.away_from == first[0] and p.away_signal == "skip" for p in batch.picks)
    assert not set(first) & {p.track_id for p in batch.picks}  # nothing plays twice


def test_the_latest_feedback_on_a_track_wins(model: Recommender) -> None:
    state = RadioState(seeds=[1], played=[2])
    state.feedback += [Feedback(2, "dislike"), Feedback(2, "like")]
    assert state.tracks_with("like") == [2] and state.tracks_with("dislike") == []


def test_bad_radio_input_says_why(model: Recommender) -> None:
    state = RadioState(seeds=[1], played=[2, 3])
    with pytest.raises(RadioError, match="not played on this radio"):
        check_feedback(state, 99, "like")
    with pytest.raises(RadioError, match="signal must be one of"):
        check_feedback(state, 2, "love")
    assert check_feedback(state, 3, "skip") == Feedback(3, "skip")
    with pytest.raises(RadioError, match="between 1 and"):
        check_seeds(model, [])
    with pytest.raises(UnknownSeedsError):
        check_seeds(model, [1, 2_000_000])
    with pytest.raises(RadioError, match="1 to"):
        radio_batch(model, state, 0)
