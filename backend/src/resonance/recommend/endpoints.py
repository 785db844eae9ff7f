"""POST /v1/recommendations, similar tracks, track details and the catalogue map."""

from __future__ import annotations

from fastapi import APIRouter, Query

from resonance.api.deps import ContextDep, SessionDep
from resonance.api.problems import ProblemError
from resonance.jobs.deps import JobsDep
from resonance.jobs.schemas import JobOut
from resonance.recommend import service
from resonance.recommend.schemas import (
    MapResponse,
    RecommendRequest,
    RecommendResponse,
    SimilarResponse,
    TrackOut,
)
from resonance.recommend.tracks import track_cards

router = APIRouter(tags=["recommendations"])


@router.post(
    "/recommendations",
    summary="Recommend tracks for seeds or a playlist, with explanations",
    response_model=RecommendResponse,
    responses={404: {"description": "Unknown seeds"}, 409: {"description": "Empty catalogue"}},
)
async def recommend(
    body: RecommendRequest, context: ContextDep, session: SessionDep
) -> RecommendResponse:
    return await service.recommend(context, session, body, user_id=None)


@router.get(
    "/tracks/{track_id}", summary="One track with genres and descriptors", response_model=TrackOut
)
async def get_track(track_id: int, session: SessionDep) -> TrackOut:
    cards = await track_cards(session, [track_id])
    if track_id not in cards:
        raise ProblemError(404, f"No track with id {track_id}.")
    return cards[track_id]


@router.get(
    "/tracks/{track_id}/similar",
    summary="Tracks most similar to one track",
    response_model=SimilarResponse,
)
async def similar_tracks(
    track_id: int, context: ContextDep, session: SessionDep, n: int = Query(10, ge=1, le=100)
) -> SimilarResponse:
    version, items = await service.similar(context, session, track_id, n)
    card = (await track_cards(session, [track_id]))[track_id]
    return SimilarResponse(index_version=version, track=card, items=items)


@router.get(
    "/map",
    summary="A 2-D map of the catalogue (projection of the vectors)",
    response_model=MapResponse,
)
async def catalogue_map(
    context: ContextDep, session: SessionDep, limit: int = Query(5000, ge=10, le=20000)
) -> MapResponse:
    return await service.catalogue_map(context, session, limit)


@router.post(
    "/index/rebuild",
    summary="Rebuild the index as a job (joins a rebuild already under way)",
    status_code=202,
    response_model=JobOut,
)
async def rebuild_index(jobs: JobsDep) -> JobOut:
    job, _ = await jobs.submit(kind="index", target="catalogue")
    return JobOut.model_validate(job)
