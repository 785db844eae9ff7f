"""The job service as a request dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from resonance.api.deps import ContextDep
from resonance.jobs.service import Jobs


async def get_jobs(context: ContextDep) -> Jobs:
    jobs = context.services.get("jobs")
    assert isinstance(jobs, Jobs), "the job service starts with the app"
    return jobs


JobsDep = Annotated[Jobs, Depends(get_jobs)]
