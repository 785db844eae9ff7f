"""Job progress for the UI and operators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from resonance.api.deps import SessionDep
from resonance.api.problems import ProblemError
from resonance.jobs import repository
from resonance.jobs.schemas import JobOut

router = APIRouter(prefix="/jobs", tags=["jobs"])
# Job ids are UUIDs; anything else cannot exist, and a NUL would fail PostgreSQL's query.
JobIdPath = Annotated[str, Path(pattern=r"^[0-9A-Za-z-]{1,36}$", description="Job id")]


@router.get("/{job_id}", summary="A job's state and progress", response_model=JobOut)
async def get_job(job_id: JobIdPath, session: SessionDep) -> JobOut:
    job = await repository.get_job(session, job_id)
    if job is None:
        raise ProblemError(404, f"No job with id {job_id!r}.")
    return JobOut.model_validate(job)
