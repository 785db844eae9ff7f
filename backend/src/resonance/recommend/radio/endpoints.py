"""POST /v1/radio, /v1/radio/{id}/feedback and /v1/radio/{id}/next: a radio that learns."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from resonance.recommend.radio import service
from resonance.recommend.radio.schemas import (
    FeedbackIn,
    FeedbackOut,
    RadioBatchOut,
    RadioNext,
    RadioStart,
)
from resonance.runtime import RuntimeDep, SessionDep

router = APIRouter(tags=["journeys"])
SessionPath = Annotated[str, Path(pattern="^[0-9a-f]{32}$", description="The radio session id")]


@router.post("/radio", summary="Start a radio from seed tracks", response_model=RadioBatchOut)
async def start_radio(body: RadioStart, runtime: RuntimeDep, session: SessionDep) -> RadioBatchOut:
    return await service.start(runtime, session, body.seed_track_ids, body.n)


@router.post(
    "/radio/{session_id}/feedback",
    summary="Like, skip or dislike a track the radio played",
    response_model=FeedbackOut,
)
async def radio_feedback(
    session_id: SessionPath, body: FeedbackIn, runtime: RuntimeDep, session: SessionDep
) -> FeedbackOut:
    return await service.feedback(runtime, session, session_id, body)


@router.post(
    "/radio/{session_id}/next",
    summary="The next batch of a radio, adapted to its feedback",
    response_model=RadioBatchOut,
)
async def next_radio_batch(
    session_id: SessionPath, runtime: RuntimeDep, session: SessionDep, body: RadioNext | None = None
) -> RadioBatchOut:
    return await service.next_batch(runtime, session, session_id, (body or RadioNext()).n)
