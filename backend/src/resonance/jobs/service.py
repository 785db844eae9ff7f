"""Submitting, de-duplicating and executing jobs, whatever queue carries them."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.cache import Cache, Lock
from resonance.db import TERMINAL_STATES, Job
from resonance.jobs import repository
from resonance.jobs.errors import JobDeferred, JobStopped, TransientJobError
from resonance.jobs.queue import ArqQueue, InProcessQueue, JobQueue
from resonance.jobs.registry import JobHandlers
from resonance.jobs.runtime import JobRun
from resonance.jobs.secrets import JobSecret, secret_box
from resonance.logging import job_id_var, log_fields
from resonance.settings import Settings

logger = logging.getLogger(__name__)

# Worth retrying: the network and the disk, besides what job functions flag themselves.
RETRYABLE = (TransientJobError, OSError, TimeoutError)
# Spotify access tokens live an hour: longer than that, a bare one is of no use.
ACCESS_TOKEN_SECONDS = 3600.0


# What asyncpg reports when its connection was killed in the middle of an operation.
_DRIVER_DISCONNECTS = {"ConnectionDoesNotExistError", "InternalClientError"}


def database_connection_lost(error: BaseException) -> bool:
    """A database error caused by losing the connection, not by the statement."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated or isinstance(error, OperationalError | InterfaceError):
        return True
    return type(error.orig).__name__ in _DRIVER_DISCONNECTS


def create_queue(settings: Settings) -> JobQueue:
    if settings.uses_arq:
        assert settings.redis_url is not None
        return ArqQueue(settings.redis_url, settings.jobs_queue_name)
    return InProcessQueue(settings.job_concurrency)


class Jobs:
    """The job service: one per process, shared by endpoints, CLI commands and workers."""

    def __init__(
        self,
        settings: Settings,
        sessionmaker: async_sessionmaker[AsyncSession],
        cache: Cache,
        queue: JobQueue | None = None,
        *,
        handlers: JobHandlers,
    ) -> None:
        self.settings = settings
        self.handlers = handlers
        self.sessionmaker = sessionmaker
        self.cache = cache
        self.queue = queue or create_queue(settings)
        self._box = secret_box(settings)

    async def start(self, *, resume: bool = True) -> None:
        """Start consuming (in-process) and re-deliver jobs a previous process left unfinished."""
        await self.queue.start(self.execute)
        if resume:
            await self.resume_unfinished()

    async def close(self) -> None:
        await self.queue.close()

    # --- submitting -------------------------------------------------------

    async def submit(
        self,
        *,
        kind: str,
        target: str | None = None,
        user_id: int | None = None,
        params: dict[str, Any] | None = None,
        secret: str | JobSecret | None = None,
        dedupe: bool = True,
    ) -> tuple[Job, bool]:
        """Create and enqueue a job; with `dedupe`, join the unfinished one for (kind, target).

        Returns the job and whether this call created it.  The lock makes the
        check-then-create atomic across API replicas and workers.
        """
        async with self.cache.locked(f"jobs:submit:{kind}:{target}", ttl=15, wait=10):
            async with self.sessionmaker() as session, session.begin():
                existing = (
                    await repository.find_active_job(session, kind, target) if dedupe else None
                )
                if existing is not None:
                    job, created = existing, False
                else:
                    job = await repository.create_job(
                        session, kind=kind, target=target, user_id=user_id, params=params
                    )
                    created = True
            if secret is not None:
                await self.store_secret(job.id, secret)
            if created:
                await self.queue.enqueue(job.id)
        logger.info(
            "job submitted" if created else "job joined",
            extra=log_fields(job=job.id, kind=kind, target=target),
        )
        return job, created

    async def secret(self, job_id: str) -> str | None:
        """The job's access token, if its credentials are still held."""
        found = await self.credentials(job_id)
        return found.access_token if found is not None else None

    async def credentials(self, job_id: str) -> JobSecret | None:
        sealed = await self.cache.get(self._secret_key(job_id))
        return self._box.open(sealed) if sealed is not None else None

    async def store_secret(
        self, job_id: str, secret: str | JobSecret, *, until: datetime | None = None
    ) -> None:
        """Seal and keep the job's credentials, for as long as they can be of use.

        Without a refresh token that is until the access token expires (at most an hour,
        Spotify's lifetime); with one, until `until` (a deferred job's resume time) plus
        an hour, never more than ``job_secret_max_seconds``.
        """
        if isinstance(secret, str):
            secret = JobSecret(secret)
        now = time.time()
        if secret.refresh_token is None:
            ttl = ACCESS_TOKEN_SECONDS
            if secret.expires_at is not None:
                ttl = min(ttl, max(secret.expires_at - now, 1.0))
        else:
            horizon = (until.timestamp() - now) if until is not None else 0.0
            ttl = min(
                max(horizon, 0.0) + ACCESS_TOKEN_SECONDS, self.settings.job_secret_max_seconds
            )
        await self.cache.set(self._secret_key(job_id), self._box.seal(secret), ttl=ttl)

    @staticmethod
    def _secret_key(job_id: str) -> str:
        return f"jobs:secret:{job_id}"

    async def resume_unfinished(self, *, include_running: bool = True) -> int:
        """Enqueue every unfinished job again; the run lock keeps live ones from running twice.

        Without `include_running`, running jobs are left to `recover_orphans`, which waits a
        lease period: after a Redis restart their live workers first re-take their leases.
        """
        async with self.sessionmaker() as session:
            jobs = await repository.list_unfinished_jobs(session)
        if not include_running:
            jobs = [job for job in jobs if job.state != "running"]
        for job in jobs:
            # Rate-limited, retrying and deferred jobs all keep their resume time.
            await self.queue.enqueue(job.id, defer_until=job.resume_at)
        return len(jobs)

    async def recover_orphans(self) -> list[str]:
        """Re-deliver running jobs whose run lease expired: their worker died mid-job."""
        async with self.sessionmaker() as session:
            running = await repository.list_jobs(session, states=["running"], limit=500)
        orphans = [
            job.id for job in running if await self.cache.lock_owner(self._run_lock(job.id)) is None
        ]
        for job_id in orphans:
            logger.warning("re-delivering an orphaned job", extra=log_fields(job=job_id))
            await self.queue.enqueue(job_id)
        return orphans

    async def watch_orphans(self) -> None:
        """Run `recover_orphans` every lease period (a task of each worker)."""
        while True:
            await asyncio.sleep(self.settings.job_lease_seconds)
            try:
                await self.recover_orphans()
            except Exception:
                logger.exception("orphan recovery failed; trying again next period")

    @staticmethod
    def _run_lock(job_id: str) -> str:
        return f"jobs:run:{job_id}"

    # --- waiting (CLI, tests) -------------------------------------------

    async def get(self, job_id: str) -> Job | None:
        async with self.sessionmaker() as session:
            return await repository.get_job(session, job_id)

    async def wait(
        self,
        job_id: str,
        timeout: float = 60.0,  # noqa: ASYNC109 - a polling deadline, not a cancel scope
        *,
        states: frozenset[str] = TERMINAL_STATES,
    ) -> Job:
        """Poll until the job reaches one of `states` (terminal by default)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            job = await self.get(job_id)
            if job is None:
                raise LookupError(job_id)
            if job.state in states:
                return job
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"job {job_id} still {job.state} after {timeout} s")
            await asyncio.sleep(0.05)

    async def run_now(self, job_id: str) -> Job:
        """Execute a job in this task (CLI commands) and return its final row."""
        await self.execute(job_id)
        job = await self.get(job_id)
        assert job is not None
        return job

    # --- executing --------------------------------------------------------

    async def execute(self, job_id: str) -> None:
        """Run one delivery of a job: once, under a lease that a dead process lets expire."""
        lease = self.settings.job_lease_seconds
        lock = await self.cache.acquire_lock(self._run_lock(job_id), ttl=lease)
        if lock is None:
            return  # another worker holds the lease and is running it right now
        heartbeat = asyncio.create_task(self._keep_lease(lock, lease / 3))
        token = job_id_var.set(job_id)
        again = None
        try:
            run = await self._begin(job_id)
            if run is not None:
                again = await self._run(run)
        finally:
            job_id_var.reset(token)
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)
            try:
                await lock.release()
            except Exception as error:  # cache down: the lease lapses by itself
                logger.warning("could not release a job lease: %r", error)
        if again is not None:
            # Only now that the lease is free: a retry due at once, delivered while this
            # delivery still held it, would find it taken and be dropped (the job then sat
            # "queued" until the orphan watch, measured in the chaos suite).
            await self.queue.enqueue(job_id, defer_until=again)

    async def _keep_lease(self, lock: Lock, every: float) -> None:
        """Renew the lease while the job runs, through cache outages.

        A failed renewal is tried again next period rather than given up: after a Redis
        restart that lost the lease, the running job takes it back (same token) before
        the orphan watch, which waits a whole lease, could hand the job to another worker.
        """
        lost = False
        while True:
            await asyncio.sleep(every)
            try:
                held = await lock.extend() or bool(
                    await self.cache.acquire_lock(lock.name, ttl=lock.ttl, token=lock.token)
                )
            except Exception as error:  # Redis down: the job carries on, renew next period
                held = False
                logger.debug("lease renewal failed: %r", error)
            if held == lost:
                lost = not held
                logger.warning(
                    "job lease lost" if lost else "job lease taken back",
                    extra=log_fields(lock=lock.name),
                )

    async def _begin(self, job_id: str) -> JobRun | None:
        async with self.sessionmaker() as session, session.begin():
            job = await repository.get_job(session, job_id)
            if job is None or job.state in TERMINAL_STATES:
                return None
            if job.kind not in self.handlers:
                await repository.finish_job(
                    session,
                    job_id,
                    state="failed",
                    error=f"No handler for jobs of kind {job.kind!r}.",
                )
                return None
            attempt = job.attempts + 1  # read before mark_running refreshes the row
            await repository.mark_running(session, job_id)
            return JobRun(
                job_id=job.id,
                kind=job.kind,
                target=job.target,
                user_id=job.user_id,
                params=dict(job.params or {}),
                checkpoint=dict(job.checkpoint or {}),
                counters=dict(job.counters or {}),
                attempts=attempt,
                settings=self.settings,
                sessionmaker=self.sessionmaker,
                cache=self.cache,
                jobs=self,
            )

    async def _run(self, run: JobRun) -> datetime | None:
        """Run the handler and record the outcome; returns when to deliver the job again."""
        handler = self.handlers.get(run.kind)
        assert handler is not None
        logger.info("job started", extra=log_fields(kind=run.kind, attempt=run.attempts))
        try:
            result = await handler(run)
        except JobDeferred as deferred:
            # Credentials that can be refreshed must outlive the wait (bounded); others
            # expire with their access token and the job ends in needs_reauth.
            held = await self.credentials(run.job_id)
            if held is not None and held.refresh_token is not None:
                await self.store_secret(run.job_id, held, until=deferred.resume_at)
            await self._finish(run, deferred.state, deferred.reason, deferred.resume_at)
            return deferred.resume_at
        except JobStopped as stopped:
            await self._finish(run, stopped.state, stopped.reason)
        except RETRYABLE as error:
            return await self._retry_or_fail(run, getattr(error, "reason", None) or repr(error))
        except asyncio.CancelledError:
            # Shutting down: hand the job back so the next process picks it up.
            await self._finish(run, "queued", "Interrupted by a shutdown; will resume.")
            raise
        except Exception as error:
            if not database_connection_lost(error):
                logger.exception("job failed")
                await self._finish(run, "failed", f"{type(error).__name__}: {error}")
                return None
            # Failover, restart, pg_terminate_backend: the pool pre-pings a fresh connection
            # for the next attempt, which resumes from the last committed checkpoint.
            logger.warning("database connection lost mid-job; retrying", exc_info=True)
            return await self._retry_or_fail(
                run, f"database connection lost: {type(error).__name__}"
            )
        else:
            if result:
                await run.progress(counters=result)
            await self._finish(run, "done", None)
            logger.info("job done", extra=log_fields(kind=run.kind, counters=run.counters))
        return None

    async def _retry_or_fail(self, run: JobRun, reason: str) -> datetime | None:
        """Fail the job after its last attempt, else queue it; returns when it is due again."""
        if run.attempts >= self.settings.job_max_attempts:
            await self._finish(run, "failed", f"Gave up after {run.attempts} attempts: {reason}")
            return None
        delay = min(self.settings.job_retry_base_seconds * 2 ** (run.attempts - 1), 300.0)
        resume_at = datetime.now(UTC) + timedelta(seconds=delay)
        await self._finish(run, "queued", f"Retrying in {delay:.0f} s: {reason}", resume_at)
        return resume_at

    async def _finish(
        self, run: JobRun, state: str, error: str | None, resume_at: datetime | None = None
    ) -> None:
        async with self.sessionmaker() as session, session.begin():
            await repository.finish_job(
                session, run.job_id, state=state, error=error, resume_at=resume_at
            )
