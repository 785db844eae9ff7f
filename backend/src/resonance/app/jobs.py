"""Job progress for the UI and operators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from resonance.errors import NotFound
from resonance.jobs import JobOut
from resonance.jobs import get_job as find_job
from resonance.runtime import SessionDep

router = APIRouter(prefix="/jobs", tags=["jobs"])
# Job ids are UUIDs; anything else cannot exist, and a NUL would fail PostgreSQL's query.
JobIdPath = Annotated[str, Path(pattern=r"^[0-9A-Za-z-]{1,36}$", description="Job id")]


@router.get("/{job_id}", summary="A job's state and progress", response_model=JobOut)
async def get_job(job_id: JobIdPath, session: SessionDep) -> JobOut:
    job = await find_job(session, job_id)
    if job is None:
        raise NotFound(f"No job with id {job_id!r}.")
    return JobOut.model_validate(job)
