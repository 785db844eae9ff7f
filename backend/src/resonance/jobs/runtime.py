"""What a job function receives: its job row's fields and the means to report progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.cache import Cache
from resonance.jobs import repository
from resonance.jobs.secrets import JobSecret
from resonance.settings import Settings

if TYPE_CHECKING:
    from resonance.jobs.service import Jobs


@dataclass
class JobRun:
    """One execution of a job.

    Progress, counters and the checkpoint are persisted (and committed) by
    `progress`, so a job killed halfway resumes from its last checkpoint.
    """

    job_id: str
    kind: str
    target: str | None
    user_id: int | None
    params: dict[str, Any]
    checkpoint: dict[str, Any]
    counters: dict[str, Any]
    attempts: int
    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    cache: Cache
    jobs: Jobs = field(repr=False)

    async def progress(
        self,
        *,
        done: int | None = None,
        total: int | None = None,
        stage: str | None = None,
        counters: dict[str, Any] | None = None,
        checkpoint: dict[str, Any] | None = None,
    ) -> None:
        values: dict[str, Any] = {}
        if done is not None:
            values["progress_done"] = done
        if total is not None:
            values["progress_total"] = total
        if stage is not None:
            values["stage"] = stage
        if counters is not None:
            self.counters = {**self.counters, **counters}
            values["counters"] = self.counters
        if checkpoint is not None:
            self.checkpoint = {**self.checkpoint, **checkpoint}
            values["checkpoint"] = self.checkpoint
        if not values:
            return
        async with self.sessionmaker() as session, session.begin():
            await repository.update_job(session, self.job_id, **values)

    async def secret(self) -> str | None:
        """The credential handed over at submit time (a Spotify access token), if still held."""
        return await self.jobs.secret(self.job_id)

    def can_run(self, kind: str) -> bool:
        """Whether this process knows jobs of `kind` (a follow-up stage may be left out)."""
        return kind in self.jobs.handlers

    async def credentials(self) -> JobSecret | None:
        """The access token with its refresh token and expiry, if still held."""
        return await self.jobs.credentials(self.job_id)

    async def renew_credentials(self, secret: JobSecret) -> None:
        """Keep refreshed credentials for the rest of this job (and its later attempts)."""
        await self.jobs.store_secret(self.job_id, secret)

    async def submit(
        self,
        kind: str,
        target: str | None = None,
        params: dict[str, Any] | None = None,
        *,
        user_id: int | None = None,
        secret: str | None = None,
    ) -> str:
        """Chain a follow-up job for the same user (or `user_id`); returns its id (an existing
        one if running). `secret` hands this job's credential on (a stage calling Spotify)."""
        job, _ = await self.jobs.submit(
            kind=kind,
            target=target,
            user_id=user_id if user_id is not None else self.user_id,
            params=params,
            secret=secret,
        )
        return job.id
