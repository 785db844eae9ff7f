"""Radio sessions over the serving model: start, take feedback, play the next batch.

Sessions live in the database, so a radio survives a restart of the API (and any
replica can answer for it); each request renews the session until it expires.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from resonance.db import RadioSession, utcnow
from resonance.errors import InvalidInput, NotFound
from resonance.recommend.radio import repository
from resonance.recommend.radio.library import (
    Change,
    Feedback,
    RadioBatch,
    RadioError,
    RadioState,
    check_feedback,
    check_seeds,
    radio_batch,
)
from resonance.recommend.radio.schemas import (
    FeedbackIn,
    FeedbackOut,
    RadioBatchOut,
    RadioTrackOut,
)
from resonance.recommend.recommender import UnknownSeedsError
from resonance.recommend.schemas import TrackOut
from resonance.recommend.service import cards, current_model
from resonance.runtime import Runtime

# Expired sessions are kept this long, so that a late client hears "expired", not "unknown".
KEEP_EXPIRED = timedelta(days=7)
PAST = {"like": "liked", "skip": "skipped", "dislike": "disliked"}


def _state(row: RadioSession) -> RadioState:
    return RadioState(
        seeds=list(row.seed_track_ids),
        played=list(row.played_track_ids),
        feedback=[Feedback(int(f["track_id"]), f["signal"]) for f in row.feedback],
    )


def _expiry(runtime: Runtime, now: datetime) -> datetime:
    return now + timedelta(seconds=runtime.settings.radio_session_ttl_seconds)


async def _live(
    session: AsyncSession, session_id: str
) -> tuple[RadioSession, RadioState, datetime]:
    """The session row (locked for this transaction), its state and the time, if it is live."""
    now = utcnow()
    row = await repository.get(session, session_id, for_update=True)
    if row is None:
        raise NotFound(
            f"No radio session {session_id}; start one with POST /v1/radio.",
            title="Unknown radio session",
        )
    if row.expires_at <= now:
        raise NotFound(
            f"Radio session {session_id} expired at {row.expires_at.isoformat()}; "
            "start a new one with POST /v1/radio.",
            title="Radio session expired",
        )
    return row, _state(row), now


def _names(found: dict[int, TrackOut], track_id: int) -> str:
    track = found.get(track_id)
    return f"“{track.name}”" if track else f"track {track_id}"


def _change_words(change: Change, found: dict[int, TrackOut]) -> str:
    name = _names(found, change.track_id)
    if change.kind == "artist_out":
        track = found.get(change.track_id)
        artist = track.artists[0].name if track and track.artists else "that artist"
        return f"nothing more by {artist}: you disliked {change.count} of their tracks"
    more = "more" if change.kind == "toward" else "less"
    return f"{more} like {name}, which you {PAST[change.signal]}"


async def _answer(
    runtime: Runtime, session: AsyncSession, row: RadioSession, batch: RadioBatch
) -> RadioBatchOut:
    wanted: set[int] = {c.track_id for c in batch.changes}
    for pick in batch.picks:
        wanted |= {pick.track_id, pick.like_track_id}
        if pick.away_from is not None:
            wanted.add(pick.away_from)
    found = {
        t: TrackOut.model_validate_json(card)
        for t, card in (await cards(runtime, session, sorted(wanted))).items()
    }
    tracks = []
    for pick in batch.picks:
        if pick.track_id not in found:
            continue
        anchor = _names(found, pick.like_track_id)
        because = (
            f"like {anchor}, which you liked"
            if pick.like_kind == "liked"
            else f"like {anchor}, one of your seeds"
        )
        if pick.away_from is not None and pick.away_signal is not None:
            away = _names(found, pick.away_from)
            because += f"; less like {away}, which you {PAST[pick.away_signal]}"
        tracks.append(RadioTrackOut(track=found[pick.track_id], score=pick.score, because=because))
    return RadioBatchOut(
        session_id=row.id,
        expires_at=row.expires_at,
        tracks=tracks,
        changes=[_change_words(c, found) for c in batch.changes],
    )


@contextmanager
def _problems() -> Iterator[None]:
    """Radio errors as the service's: unknown tracks are 404, the rest 422."""
    try:
        yield
    except UnknownSeedsError as exc:
        raise NotFound(
            f"Unknown tracks: {exc.missing_tracks[:10]}", title="Unknown tracks"
        ) from exc
    except RadioError as exc:
        raise InvalidInput(str(exc)) from exc


async def start(runtime: Runtime, session: AsyncSession, seeds: list[int], n: int) -> RadioBatchOut:
    """A new radio from `seeds`, with its first batch of `n` tracks."""
    model = await current_model(runtime, need=seeds)
    with _problems():
        state = RadioState(seeds=check_seeds(model, seeds))
        batch = radio_batch(model, state, n)
    now = utcnow()
    await repository.delete_expired(session, now - KEEP_EXPIRED)
    row = await repository.create(session, uuid.uuid4().hex, state.seeds, _expiry(runtime, now))
    return await _play(runtime, session, row, state, batch, now)


async def next_batch(
    runtime: Runtime, session: AsyncSession, session_id: str, n: int
) -> RadioBatchOut:
    """The next `n` tracks of a live radio, adapted to its feedback."""
    row, state, now = await _live(session, session_id)
    model = await current_model(runtime, need=state.seeds)
    with _problems():
        batch = radio_batch(model, state, n)
    return await _play(runtime, session, row, state, batch, now)


async def feedback(
    runtime: Runtime, session: AsyncSession, session_id: str, body: FeedbackIn
) -> FeedbackOut:
    """Record a like, skip or dislike of a track the radio played."""
    row, state, now = await _live(session, session_id)
    with _problems():
        given = check_feedback(state, body.track_id, body.signal)
    state.feedback.append(given)
    await _played(session, row, state, (), now, runtime)
    return FeedbackOut(
        session_id=row.id,
        expires_at=row.expires_at,
        likes=len(state.tracks_with("like")),
        skips=len(state.tracks_with("skip")),
        dislikes=len(state.tracks_with("dislike")),
    )


async def _play(
    runtime: Runtime,
    session: AsyncSession,
    row: RadioSession,
    state: RadioState,
    batch: RadioBatch,
    now: datetime,
) -> RadioBatchOut:
    """Store `batch` as played, renew the session, and answer with the batch's cards."""
    await _played(session, row, state, (p.track_id for p in batch.picks), now, runtime)
    return await _answer(runtime, session, row, batch)


async def _played(
    session: AsyncSession,
    row: RadioSession,
    state: RadioState,
    new: Iterable[int],
    now: datetime,
    runtime: Runtime,
) -> None:
    """Store the state with `new` tracks played, and renew the session."""
    await repository.save(
        session,
        row,
        played=[*state.played, *new],
        feedback=[{"track_id": f.track_id, "signal": f.signal} for f in state.feedback],
        now=now,
        expires_at=_expiry(runtime, now),
    )
