"""Ingestion jobs, the user's library, stored playlists and saving a playlist to Spotify."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.types import DecoratedCallable

from resonance import catalog
from resonance.catalog import CurrentUser
from resonance.db import Job
from resonance.errors import NotFound
from resonance.ingest import views
from resonance.ingest.imports import analyse_imported
from resonance.ingest.save import on_spotify, save_playlist
from resonance.ingest.schemas import LibraryOut, PlaylistCreate, PlaylistCreated, PlaylistOut
from resonance.jobs import JobOut
from resonance.runtime import CacheDep, JobsDep, SessionDep, SettingsDep, SpotifyTokenDep
from resonance.spotify import SPOTIFY_ID_PATTERN

router = APIRouter()
# Checked before it reaches a Spotify URL or a query (a control character made the job's
# request fail, a NUL the PostgreSQL query).
PlaylistIdPath = Annotated[
    str,
    Path(pattern=SPOTIFY_ID_PATTERN, description='Spotify id, or "imported-<n>" (a file)'),
]
_REAUTH: dict[int | str, dict[str, Any]] = {
    401: {"description": "The Spotify token is missing, expired or revoked"}
}


def _job_route(
    path: str, summary: str, description: str
) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """An ingestion endpoint: it answers 202 with the job, whose URL is in `Location`."""
    return router.post(
        path,
        status_code=202,
        response_model=JobOut,
        tags=["ingest"],
        summary=summary,
        description=description,
        responses=_REAUTH,
    )


def _accepted(job: Job, response: Response) -> JobOut:
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return JobOut.model_validate(job)


@_job_route(
    "/ingest/library",
    "Ingest the user's Spotify library",
    "Saved, top and recently played tracks and the user's playlists (contents of"
    " owned and collaborative ones). A request while one runs returns that job.",
)
async def ingest_library(user: CurrentUser, jobs: JobsDep, response: Response) -> JobOut:
    job, _ = await jobs.submit(
        kind="library", target=user.spotify_id, user_id=user.id, secret=user.token
    )
    return _accepted(job, response)


@_job_route(
    "/ingest/playlists/{playlist_id}",
    "Ingest one Spotify playlist, or analyse an imported one",
    "Skipped when its snapshot_id is unchanged. Concurrent requests for the same"
    ' playlist share one job (same id). For an imported playlist ("imported-<n>", in the'
    " user's library) the job is the audio analysis of its tracks: there is nothing to read.",
)
async def ingest_playlist(
    playlist_id: PlaylistIdPath,
    user: CurrentUser,
    jobs: JobsDep,
    session: SessionDep,
    response: Response,
    force: bool = Query(False, description="Re-read the entries even if unchanged"),
) -> JobOut:
    if catalog.is_imported_key(playlist_id):
        return _accepted(await analyse_imported(session, jobs, playlist_id, user.id), response)
    job, _ = await jobs.submit(
        kind="playlist",
        target=playlist_id,
        user_id=user.id,
        params={"force": force} if force else None,
        secret=user.token,
    )
    return _accepted(job, response)


@router.get(
    "/me/library",
    response_model=LibraryOut,
    tags=["library"],
    summary="The user's playlists, saved tracks and top tracks (as ingested)",
    responses=_REAUTH,
)
async def my_library(
    user: CurrentUser,
    session: SessionDep,
    limit: int = Query(500, ge=1, le=10_000, description="At most this many saved/top tracks"),
) -> LibraryOut:
    return await views.library_view(session, user.id, user.spotify_id, limit=limit)


@router.get(
    "/playlists/{playlist_id}",
    response_model=PlaylistOut,
    tags=["library"],
    summary="An ingested playlist with its tracks",
    description="404 when it was never ingested; with the user's token, a playlist Spotify"
    " does not know either is a 404 of type `/problems/spotify-not-found`.",
    responses={404: {"description": "The playlist was never ingested (or does not exist)"}},
)
async def get_playlist(
    playlist_id: PlaylistIdPath,
    session: SessionDep,
    settings: SettingsDep,
    cache: CacheDep,
    token: SpotifyTokenDep,
) -> PlaylistOut:
    found = await views.playlist_view(session, playlist_id)
    if found is not None:
        return found
    if catalog.is_imported_key(playlist_id):
        raise NotFound(
            f"There is no imported playlist {playlist_id!r}.",
            title="Playlist not found",
            code="not_found",
        )
    if token and not await on_spotify(settings, cache, token, playlist_id):
        raise NotFound(
            f"There is no playlist {playlist_id!r} on Spotify (or it is not shared with you).",
            title="Playlist not found",
            type_="/problems/spotify-not-found",
            code="not_found",
        )
    raise NotFound(f"Playlist {playlist_id!r} has not been ingested.")


@router.post(
    "/playlists",
    status_code=201,
    response_model=PlaylistCreated,
    tags=["library"],
    summary="Save tracks as a playlist in the user's Spotify account (once per list)",
    description="The same user saving the same tracks in the same order again gets the"
    " playlist made the first time (200, `already_saved`), not a second copy.",
    responses={**_REAUTH, 200: {"description": "Saved before: the playlist made then"}},
)
async def create_playlist(
    body: PlaylistCreate,
    user: CurrentUser,
    settings: SettingsDep,
    cache: CacheDep,
    response: Response,
) -> PlaylistCreated:
    saved = await save_playlist(settings, cache, user, body)
    if saved.already_saved:
        response.status_code = 200
    return saved
