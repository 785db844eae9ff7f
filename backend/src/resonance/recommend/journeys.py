"""POST /v1/paths, /v1/order and the radio routes: journeys over the serving model."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.errors import InvalidInput, NotFound
from resonance.recommend import radio
from resonance.recommend.flow import MAX_TRACKS, MIN_TRACKS, Arc, OrderError, flow_order
from resonance.recommend.paths import MAX_STEPS, PathError, song_path
from resonance.recommend.recommender import UnknownSeedsError
from resonance.recommend.schemas import TrackId, TrackOut
from resonance.recommend.service import cards, current_model
from resonance.runtime import Runtime, RuntimeDep, SessionDep

router = APIRouter(tags=["journeys"])
router.include_router(radio.router)


class PathRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_track: TrackId
    to_track: TrackId
    steps: int = Field(12, ge=3, le=MAX_STEPS, description="Tracks in the path, A and B included")


class PathStepOut(BaseModel):
    track: TrackOut
    similarity_to_previous: float
    similarity_to_end: float
    sentence: str


class PathResponse(BaseModel):
    steps: list[PathStepOut]


class ArcIn(BaseModel):
    descriptor: Literal["energy", "tempo_bpm", "brightness"]
    shape: Literal["rising", "falling", "peak"]


class OrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    track_ids: list[TrackId] = Field(min_length=MIN_TRACKS, max_length=MAX_TRACKS)
    arc: ArcIn | None = None


class OrderResponse(BaseModel):
    tracks: list[TrackOut]
    transition_costs: list[float] = Field(description="Cost of each move, in order")
    total: float
    original_total: float


async def _track_cards(
    runtime: Runtime, session: AsyncSession, track_ids: list[int]
) -> list[TrackOut]:
    found = await cards(runtime, session, track_ids)
    return [TrackOut.model_validate_json(found[t]) for t in track_ids if t in found]


def _unknown(exc: UnknownSeedsError) -> NotFound:
    return NotFound(f"Unknown tracks: {exc.missing_tracks[:10]}", title="Unknown tracks")


@router.post(
    "/paths", summary="A path of songs from one track to another", response_model=PathResponse
)
async def make_path(body: PathRequest, runtime: RuntimeDep, session: SessionDep) -> PathResponse:
    model = await current_model(runtime, need=[body.from_track, body.to_track])
    try:
        steps = song_path(model, body.from_track, body.to_track, body.steps)
    except UnknownSeedsError as exc:
        raise _unknown(exc) from exc
    except PathError as exc:
        raise InvalidInput(str(exc)) from exc
    tracks = await _track_cards(runtime, session, [s.track_id for s in steps])
    return PathResponse(
        steps=[
            PathStepOut(
                track=track,
                similarity_to_previous=step.similarity_to_previous,
                similarity_to_end=step.similarity_to_end,
                sentence=step.sentence,
            )
            for step, track in zip(steps, tracks, strict=True)
        ]
    )


@router.post(
    "/order", summary="Re-order tracks for smooth transitions", response_model=OrderResponse
)
async def order_tracks(
    body: OrderRequest, runtime: RuntimeDep, session: SessionDep
) -> OrderResponse:
    model = await current_model(runtime, need=body.track_ids)
    arc = Arc(body.arc.descriptor, body.arc.shape) if body.arc else None
    try:
        ordered = flow_order(model, body.track_ids, arc)
    except UnknownSeedsError as exc:
        raise _unknown(exc) from exc
    except OrderError as exc:
        raise InvalidInput(str(exc)) from exc
    return OrderResponse(
        tracks=await _track_cards(runtime, session, ordered.track_ids),
        transition_costs=ordered.transition_costs,
        total=ordered.total,
        original_total=ordered.original_total,
    )
