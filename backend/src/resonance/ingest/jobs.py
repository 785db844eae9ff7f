"""Job handlers: "library" (target: the user's Spotify id) and "playlist" (target: its id)."""

from __future__ import annotations

import logging
from typing import Any

from resonance import audio, catalog
from resonance.ingest.service import SpotifyIngest, UserRef
from resonance.ingest.spotify_library import ingest_library
from resonance.jobs import EXPIRY_MARGIN, JobFunction, JobRun, JobSecret, JobStopped
from resonance.spotify import (
    AccountsClient,
    ReauthorizationRequired,
    SpotifyClient,
    SpotifyNotFound,
)

logger = logging.getLogger(__name__)


async def _client(run: JobRun) -> SpotifyClient:
    """A client with a live access token: refreshed here when it expired while the job waited
    (a 24 h Retry-After outlasts a 1 h token), or the job ends in ``needs_reauth``."""
    secret = await run.credentials()
    if secret is None:
        # The token lives in the cache only (never the DB) and it has gone: ask for a new sign-in.
        raise ReauthorizationRequired(
            "The Spotify access token for this job is gone (it expires after an hour); "
            "sign in again to resume the job."
        )
    can_refresh = secret.refresh_token is not None and bool(run.settings.spotify_client_id)
    if not can_refresh and secret.expires_within(0.0):
        raise ReauthorizationRequired(
            "The Spotify access token for this job expired while it waited and there is "
            "no refresh token; sign in again to resume the job."
        )
    if can_refresh and secret.expires_within(EXPIRY_MARGIN):
        assert secret.refresh_token is not None and run.settings.spotify_client_id
        accounts = AccountsClient(
            run.settings.accounts_url,
            run.settings.spotify_client_id,
            timeout=run.settings.spotify_timeout,
        )
        tokens = await accounts.refresh(secret.refresh_token)  # invalid_grant: needs_reauth
        secret = JobSecret(tokens.access_token, tokens.refresh_token, tokens.expires_at)
        await run.renew_credentials(secret)
        logger.info("refreshed the job's Spotify access token")
    return SpotifyClient(run.settings, secret.access_token, cache=run.cache)


async def _remember_mode(run: JobRun, client: SpotifyClient, user: UserRef) -> None:
    mode = await client.mode()
    if mode is None:
        return
    async with run.sessionmaker() as session, session.begin():
        await catalog.set_user_quota_mode(session, user.id, mode)


async def _discover(run: JobRun, ingest: SpotifyIngest, user: UserRef, target: str) -> None:
    """Queue discovery (music the user does not have yet) from what was just read.

    Params {"discover": false} or RESONANCE_DISCOVER_ENABLED=false leave it out. The job
    gets this job's token: discovery reads Spotify's catalogue as the user.
    """
    if not (run.settings.discover_enabled and run.params.get("discover", True)):
        return
    if not run.can_run("discover"):
        return
    job_id = await run.submit(
        "discover",
        target=target,
        params={k: run.params[k] for k in ("audio", "index") if k in run.params} or None,
        user_id=user.id,
        secret=await run.secret(),
    )
    ingest.counters["discover_job_submitted"] = 1
    await run.progress(counters={"discover_job_id": job_id})


async def _hand_off(run: JobRun, ingest: SpotifyIngest) -> None:
    """Queue the audio stage for tracks still pending, then an index build."""
    async with run.sessionmaker() as session:
        pending = await audio.pending_audio_count(session)
    ingest.counters["audio_pending"] = pending
    # Params {"audio": false} leave the hand-off to a later `resonance audio analyse`.
    if pending and run.params.get("audio", True) and run.can_run("audio"):
        # One audio job serves every pending track in the catalogue, so the UI follows a
        # playlist's analysis through its tracks' statuses rather than through this job.
        await run.submit("audio")
        ingest.counters["audio_job_submitted"] = 1
    # Index what was read now, so the first recommendation does not wait for a build;
    # the audio job queues another once descriptors exist.
    if run.params.get("index", True) and run.can_run("index"):
        index_job = await run.submit("index", target="catalogue")
        await run.progress(counters={"index_job_id": index_job})


async def library_job(run: JobRun) -> dict[str, Any]:
    """Saved, top and recently played tracks and owned/collaborative playlists of a user."""
    async with await _client(run) as client:
        ingest = SpotifyIngest(
            client, run.sessionmaker, progress=run.progress, checkpoint=run.checkpoint
        )
        try:
            user = await ingest.resolve_user(run.user_id)
            await ingest_library(ingest, user)
            await _remember_mode(run, client, user)
            async with run.sessionmaker() as session, session.begin():
                await catalog.mark_library_synced(session, user.id)
            await _hand_off(run, ingest)
            await _discover(run, ingest, user, f"library:{user.spotify_id or user.id}")
        finally:
            await ingest.aclose()
        ingest.counters["spotify_requests"] = client.requests
        return dict(ingest.counters)


async def playlist_job(run: JobRun) -> dict[str, Any]:
    """One playlist's metadata and entries (skipped when its snapshot_id is unchanged)."""
    assert run.target, "a playlist job targets a playlist id"
    async with await _client(run) as client:
        ingest = SpotifyIngest(
            client, run.sessionmaker, progress=run.progress, checkpoint=run.checkpoint
        )
        try:
            user = await ingest.resolve_user(run.user_id)
            force = bool(run.params.get("force"))
            try:
                outcome = await ingest.playlist(user, run.target, force=force)
            except SpotifyNotFound as error:
                # No such playlist (or not visible to this user): an answer, not a fault.
                raise JobStopped("failed", f"{type(error).__name__}: {error}") from None
            # A resumed attempt finds the playlist "unchanged" when the previous one was
            # stopped (429 beyond the cap, a kill) after the entries but before the artist
            # details: enrich again, it only fetches what is still missing.
            if outcome == "ingested" or run.attempts > 1:
                await ingest.enrich()
            await _remember_mode(run, client, user)
            await _hand_off(run, ingest)
            if outcome != "unavailable":
                await _discover(run, ingest, user, f"playlist:{run.target}")
        finally:
            await ingest.aclose()
        ingest.counters["spotify_requests"] = client.requests
        await ingest.save(stage=outcome)
        return dict(ingest.counters)


JOB_HANDLERS: dict[str, JobFunction] = {"library": library_job, "playlist": playlist_job}
