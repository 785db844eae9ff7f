"""A recommendation request that names a playlist Resonance has not read yet.

The playlist is ingested first with the user's token; when that takes longer
than the request is willing to wait, the caller gets the job to poll instead.
"""

from __future__ import annotations

from resonance import catalog
from resonance.catalog import CurrentUserInfo
from resonance.db import TERMINAL_STATES
from resonance.errors import InvalidInput, NotFound, RateLimited, Unauthorized, UpstreamFailure
from resonance.jobs import JobOut, Jobs
from resonance.recommend.schemas import PendingResponse, RecommendRequest
from resonance.runtime import Runtime
from resonance.spotify import SpotifyBadRequest, SpotifyForbidden, SpotifyNotFound

STOP_WAITING = TERMINAL_STATES | {"waiting_rate_limit"}


async def ingest_playlist_first(
    runtime: Runtime, jobs: Jobs, request: RecommendRequest, user: CurrentUserInfo
) -> PendingResponse | None:
    """None when the playlist is (now) ingested; a pending answer when its job is still going."""
    assert request.playlist_id is not None
    async with runtime.sessionmaker() as session:
        if await catalog.ingested_playlist_tracks(session, request.playlist_id) is not None:
            return None
    job, _ = await jobs.submit(
        kind="playlist", target=request.playlist_id, user_id=user.id, secret=user.token
    )
    try:
        job = await jobs.wait(job.id, timeout=request.wait_seconds, states=STOP_WAITING)
    except TimeoutError:
        return PendingResponse(
            job=JobOut.model_validate(await jobs.get(job.id) or job),
            detail=f"Reading playlist {request.playlist_id}; poll the job, then ask again.",
        )
    if job.state == "done":
        return None
    if job.state == "waiting_rate_limit":
        return PendingResponse(
            job=JobOut.model_validate(job),
            detail="Spotify asked us to slow down; the playlist will be read at resume_at.",
        )
    if job.state == "needs_reauth":
        raise Unauthorized(
            job.error or "Sign in again.",
            title="Spotify sign-in needed",
            type_="/problems/spotify-reauth",
        )
    if job.state == "quota_exceeded":
        raise RateLimited(job.error or "Spotify quota exceeded.", type_="/problems/spotify-quota")
    # The job records a Spotify refusal as "SpotifyNotFound: …" (jobs/service.py); those
    # are about the playlist asked for, not an outage.
    error = job.error or ""
    if error.startswith(SpotifyNotFound.__name__):
        raise NotFound(
            f"Playlist {request.playlist_id} was not found on Spotify.",
            title="Not found on Spotify",
            type_="/problems/spotify-not-found",
            job_id=job.id,
        )
    if error.startswith((SpotifyBadRequest.__name__, SpotifyForbidden.__name__)):
        raise InvalidInput(
            f"Spotify refused to read playlist {request.playlist_id}: {error}", job_id=job.id
        )
    raise UpstreamFailure(f"Reading the playlist failed: {job.error}", job_id=job.id)
