"""Imported (Exportify) playlists in a listener's library: who an import belongs to, and
analysing one from the web app.

The rule: an import belongs to the listener named with ``--user`` (a Spotify user id
that has signed in here); without it, to the only listener of this catalogue. With
several listeners and no ``--user`` the import is refused (it would land in someone's
library by guess); with none yet it is kept, unlinked, and the CLI says to import it
again after signing in. README.md ("The command line") repeats this.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from resonance import catalog
from resonance.db import Job
from resonance.errors import InvalidInput, NotFound
from resonance.jobs import Jobs


async def import_owners(session: AsyncSession, spotify_user_id: str | None) -> list[int]:
    """The users an import joins: the one named, else the only one (none when nobody has
    signed in yet). `InvalidInput`/`NotFound` say what to pass instead."""
    if spotify_user_id is not None:
        user = await catalog.get_user_by_spotify_id(session, spotify_user_id)
        if user is None:
            raise NotFound(
                f"No listener with Spotify id {spotify_user_id!r} has signed in here: sign in"
                " to the web app once, then import again."
            )
        return [user.id]
    users = await catalog.first_users(session)
    if len(users) > 1:
        raise InvalidInput(
            "Several listeners use this catalogue: say whose library the playlist joins"
            " with --user SPOTIFY_ID."
        )
    return [user.id for user in users]


async def analyse_imported(session: AsyncSession, jobs: Jobs, key: str, user_id: int) -> Job:
    """Queue the audio analysis of an imported playlist's own tracks (its "Analyse").

    There is nothing to read from Spotify: the tracks came with the file. The audio job
    measures just these tracks, then queues an index build, exactly as it does after a
    Spotify playlist is read. Concurrent requests share the job (same target).
    """
    playlist = await catalog.get_playlist_by_key(session, key)
    if playlist is None or await catalog.user_relation(session, user_id, playlist.id) is None:
        raise NotFound(
            f"There is no imported playlist {key!r} in your library.",
            title="Playlist not found",
            code="not_found",
        )
    track_ids = await catalog.playlist_track_ids(session, playlist.id)
    job, _ = await jobs.submit(
        kind="audio",
        target=f"playlist:{key}",
        user_id=user_id,
        params={"track_ids": sorted(set(track_ids))},
    )
    return job
