"""Jobs: persisted state and progress, run in-process or on arq workers.

A job is a database row; a queue only carries its id. Feature packages export their
job functions as `JOB_HANDLERS`; the application layer hands them to `Jobs`.
"""

from resonance.jobs.errors import JobDeferred, JobStopped, TransientJobError
from resonance.jobs.probe import JOB_HANDLERS as PROBE_JOB_HANDLERS
from resonance.jobs.queue import ARQ_FUNCTION, ArqQueue, InProcessQueue, JobQueue
from resonance.jobs.registry import JobFunction, JobHandlers
from resonance.jobs.repository import count_jobs_by_state, get_job, latest_job, list_jobs
from resonance.jobs.runtime import JobRun
from resonance.jobs.schemas import JobOut
from resonance.jobs.secrets import EXPIRY_MARGIN, JobSecret
from resonance.jobs.service import Jobs

__all__ = [
    "ARQ_FUNCTION",
    "EXPIRY_MARGIN",
    "PROBE_JOB_HANDLERS",
    "ArqQueue",
    "InProcessQueue",
    "JobDeferred",
    "JobFunction",
    "JobHandlers",
    "JobOut",
    "JobQueue",
    "JobRun",
    "JobSecret",
    "JobStopped",
    "Jobs",
    "TransientJobError",
    "count_jobs_by_state",
    "get_job",
    "latest_job",
    "list_jobs",
]
