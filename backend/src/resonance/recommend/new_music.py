""" "New to you": feed the served model what discovery finds, and say how discovery goes.

Recommendations default to music the listener does not have yet. Right after a
playlist is read, discovery is still finding that music: the served model is fed each
batch as it lands (`resonance.index.IncrementalFeed`), and the answer says how far
discovery has got, so a short list is never silent. The same words reach the web app,
the API's notes and the command line.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from resonance import jobs
from resonance.db import TERMINAL_STATES, Job
from resonance.index import FeedReport, IncrementalFeed
from resonance.recommend.recommender import Recommender
from resonance.runtime import Runtime

DiscoveryState = Literal["finding", "paused", "done", "failed", "none"]

FINDING = "Finding new music… {found} found so far."
PAUSED = "Finding new music is paused ({reason}); it resumes on its own. {found} found so far."
NOTHING_FOUND = (
    "Discovery found no new music for these seeds. Ask “from my library” to rediscover"
    " what you already have."
)
FEW_FOUND = (
    "Only {shown} tracks here are new to you: discovery has finished. Ask “from my"
    " library” to include music you already have."
)
FAILED = (
    "Finding new music stopped: {reason}. What it found is kept; ask “from my library”"
    " to include music you already have."
)
NEVER_RAN = (
    "No discovery has run for you yet: read a playlist or your library to find new music,"
    " or ask “from my library”."
)

NOTHING_OF_YOURS = (
    "Nothing of yours is left to recommend besides these seeds: read your library or more"
    " playlists, or ask “new to you”."
)
FEW_OF_YOURS = (
    "Only {shown} tracks of yours are left besides these seeds: read your library or more"
    " playlists, or ask “new to you”."
)


def library_note(shown: int, wanted: int) -> str | None:
    """What "from my library" says when the listener has too little besides the seeds."""
    if shown >= wanted:
        return None
    return NOTHING_OF_YOURS if shown == 0 else FEW_OF_YOURS.format(shown=shown)


# How often each process looks for tracks and descriptors that arrived since its model
# was built: a look is two indexed queries (about 2 ms on the demo's PostgreSQL).
FEED_INTERVAL = 1.0


@dataclass(frozen=True)
class DiscoveryStatus:
    """How discovery for the listener is going, as the API reports it."""

    state: DiscoveryState
    found: int
    job_id: str | None
    message: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def ensure_discovery(
    runtime: Runtime, user_id: int, token: str, playlist_id: str
) -> str | None:
    """Start discovery from this playlist's seeds unless it has run or is running.

    Sign-in discovers from the whole library's most played artists; a playlist of other
    artists gets its own discovery the first time it is asked about "new to you". Returns
    the job id when one was submitted.
    """
    if not runtime.settings.discover_enabled or "discover" not in runtime.jobs.handlers:
        return None
    target = f"playlist:{playlist_id}"
    async with runtime.sessionmaker() as session:
        if await jobs.latest_job(session, "discover", user_id=user_id, target=target):
            return None
    job, _ = await runtime.jobs.submit(
        kind="discover", target=target, user_id=user_id, secret=token
    )
    return job.id


def feed_of(runtime: Runtime) -> IncrementalFeed:
    """This process's feed of its served model."""
    return runtime.component(IncrementalFeed, lambda _: IncrementalFeed(FEED_INTERVAL))


async def feed_model(runtime: Runtime, model: Recommender, *, force: bool = False) -> FeedReport:
    """Give the served model the tracks and descriptors that arrived since its build."""
    return await feed_of(runtime).catch_up(runtime.sessionmaker, model, force=force)


async def discovery_job(session: AsyncSession, user_id: int, playlist_id: str | None) -> Job | None:
    """The discovery job behind these seeds: the seed playlist's when there is one
    (ingestion chains it), else the listener's newest."""
    job = None
    if playlist_id is not None:
        job = await jobs.latest_job(
            session, "discover", user_id=user_id, target=f"playlist:{playlist_id}"
        )
    return job or await jobs.latest_job(session, "discover", user_id=user_id)


def discovery_ended(job: Job | None) -> bool:
    return job is not None and job.state in TERMINAL_STATES


def discovery_status(job: Job | None, *, shown: int, wanted: int) -> DiscoveryStatus:
    """The state of discovery `job` and what to tell the listener about a list of `shown`
    of the `wanted` tracks. `message` is None when the list is full and nothing needs saying.

    The job is read before the list is ranked (`recommend_for`): a job that ends while the
    list is ranked still reads "finding", so the client asks again and gets what it found.
    """
    if job is None:
        return DiscoveryStatus("none", 0, None, NEVER_RAN if shown < wanted else None)
    found = int((job.counters or {}).get("candidates", 0))
    short = shown < wanted
    if job.state not in TERMINAL_STATES:
        if job.state == "waiting_rate_limit":
            reason = "the music service asked us to slow down"
            return DiscoveryStatus(
                "paused", found, job.id, PAUSED.format(reason=reason, found=found)
            )
        return DiscoveryStatus("finding", found, job.id, FINDING.format(found=found))
    if job.state == "done":
        message = (
            (NOTHING_FOUND if shown == 0 else FEW_FOUND.format(shown=shown)) if short else None
        )
        return DiscoveryStatus("done", found, job.id, message)
    reason = (job.error or job.state).split("\n", 1)[0][:200]
    return DiscoveryStatus("failed", found, job.id, FAILED.format(reason=reason) if short else None)


def not_theirs(model: Recommender, known: set[int]) -> set[int]:
    """The model's tracks the listener does not have: what "from my library" leaves out."""
    ids = model.catalogue.track_ids
    theirs = np.fromiter(known, np.int64, len(known))
    return set(ids[~np.isin(ids, theirs)].tolist())


def candidates_for_new(n: int, n_items: int, excluded: int) -> int:
    """How many nearest tracks to ask the index for when a listener's source leaves
    tracks out: their own ("new": 876 of the demo listener's 899 catalogue tracks were
    theirs) or everything else ("library"). The search reaches past them: the usual
    max(200, 2n) plus every excluded track.
    """
    return min(n_items, max(200, 2 * n) + excluded)
