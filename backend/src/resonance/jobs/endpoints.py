"""Job progress for the UI and operators."""

from __future__ import annotations

from fastapi import APIRouter

from resonance.api.deps import SessionDep
from resonance.api.problems import ProblemError
from resonance.jobs import repository
from resonance.jobs.schemas import JobOut

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("/{job_id}", summary="A job's state and progress", response_model=JobOut)
async def get_job(job_id: str, session: SessionDep) -> JobOut:
    job = await repository.get_job(session, job_id)
    if job is None:
        raise ProblemError(404, f"No job with id {job_id!r}.")
    return JobOut.model_validate(job)
