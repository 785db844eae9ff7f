"""POST /v1/recommendations, similar tracks, track details and the catalogue map."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import FileResponse

from resonance.catalog import current_user
from resonance.errors import NotFound
from resonance.jobs import JobOut
from resonance.recommend import catalogue_map, journeys, service
from resonance.recommend.ingest_first import ingest_playlist_first
from resonance.recommend.new_music import ensure_discovery
from resonance.recommend.options import API_MAX_N
from resonance.recommend.previews import media_type, preview_provider_name, provider_preview
from resonance.recommend.schemas import (
    ID_MAX,
    ID_MIN,
    MapPending,
    MapResponse,
    PendingResponse,
    RecommendRequest,
    RecommendResponse,
    SimilarResponse,
    TrackOut,
)
from resonance.recommend.tracks import track_cards
from resonance.runtime import (
    CacheDep,
    JobsDep,
    RuntimeDep,
    SessionDep,
    SettingsDep,
    SpotifyTokenDep,
)

router = APIRouter(tags=["recommendations"])
# Ids the database can hold: a larger one made the query itself fail (500).
TrackIdPath = Annotated[int, Path(ge=ID_MIN, le=ID_MAX, description="Resonance track id")]


@router.post(
    "/recommendations",
    summary="Recommend tracks for seeds or a playlist, with explanations",
    description="With `playlist_id` and the user's token (X-Spotify-Access-Token), a playlist"
    " not yet ingested is read first; if that takes longer than `wait_seconds` the answer is"
    ' 202 with the job to poll. By default (`source` "new") only music the listener does'
    " not have yet is recommended: that, and `exclude_library`, need the token too.",
    response_model=RecommendResponse | PendingResponse,
    responses={
        202: {"description": "The playlist is still being read", "model": PendingResponse},
        404: {"description": "Unknown seeds"},
        409: {"description": "Empty catalogue"},
    },
)
async def recommend(
    body: RecommendRequest,
    runtime: RuntimeDep,
    session: SessionDep,
    cache: CacheDep,
    token: SpotifyTokenDep,
    jobs: JobsDep,
    response: Response,
) -> Response | PendingResponse:
    user = await current_user(runtime, cache, token) if token else None
    if body.playlist_id and user is not None:
        pending = await ingest_playlist_first(runtime, jobs, body, user)
        if pending is not None:
            response.status_code = 202
            response.headers["Location"] = f"/v1/jobs/{pending.job.id}"
            return pending
    if body.playlist_id and user is not None and body.source == "new":
        await ensure_discovery(runtime, user.id, user.token, body.playlist_id)
    payload = await service.recommend_for(runtime, session, body, user_id=user.id if user else None)
    return Response(payload, media_type="application/json")


@router.get(
    "/tracks/{track_id}", summary="One track with genres and descriptors", response_model=TrackOut
)
async def get_track(track_id: TrackIdPath, session: SessionDep, settings: SettingsDep) -> TrackOut:
    cards = await track_cards(session, [track_id], preview_provider=preview_provider_name(settings))
    if track_id not in cards:
        raise NotFound(f"No track with id {track_id}.")
    return cards[track_id]


@router.get(
    "/tracks/{track_id}/preview",
    summary="The track's 30 s clip from the ISRC preview provider (a card's `preview.url`)",
    response_class=FileResponse,
    responses={
        200: {"content": {"audio/mpeg": {}}, "description": "The clip's bytes"},
        404: {"description": "Unknown track, or the provider has no clip of it"},
        502: {"description": "The provider did not answer"},
    },
)
async def track_preview(
    track_id: TrackIdPath, session: SessionDep, settings: SettingsDep
) -> FileResponse:
    path = await provider_preview(settings, session, track_id)
    # Private: the clip is served to signed-in users of this deployment only.
    headers = {"Cache-Control": "private, max-age=3600"}
    return FileResponse(path, media_type=media_type(path), headers=headers)


@router.get(
    "/tracks/{track_id}/similar",
    summary="Tracks most similar to one track",
    response_model=SimilarResponse,
)
async def similar_tracks(
    track_id: TrackIdPath,
    runtime: RuntimeDep,
    session: SessionDep,
    n: int = Query(10, ge=1, le=API_MAX_N),
) -> Response:
    payload = await service.similar(runtime, session, track_id, n)
    return Response(payload, media_type="application/json")


@router.get(
    "/map",
    summary="A 2-D map of the catalogue: similar tracks close, neighbourhoods spread",
    description="202 with how far it has got while the catalogue's first layout is computed"
    " (later index versions are laid out when built; until then the last layout serves).",
    response_model=MapResponse | MapPending,
    responses={202: {"description": "The first layout is being computed", "model": MapPending}},
)
async def map_points(
    runtime: RuntimeDep,
    session: SessionDep,
    response: Response,
    limit: int = Query(50_000, ge=10, le=50_000),
) -> MapResponse | MapPending:
    found = await catalogue_map.catalogue_map(runtime, session, limit)
    if isinstance(found, MapPending):
        response.status_code = 202
        response.headers["Retry-After"] = "1"
    return found


@router.post(
    "/index/rebuild",
    summary="Rebuild the index as a job (joins a rebuild already under way)",
    status_code=202,
    response_model=JobOut,
)
async def rebuild_index(jobs: JobsDep) -> JobOut:
    job, _ = await jobs.submit(kind="index", target="catalogue")
    return JobOut.model_validate(job)


router.include_router(journeys.router)
