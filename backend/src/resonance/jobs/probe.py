"""A harmless job that proves the queue works end to end (`resonance jobs probe`).

It runs in steps, checkpointing after each one and recording which worker
process ran it, so operators can see jobs spread over workers and a killed
worker's job finish elsewhere without repeating finished steps.
"""

from __future__ import annotations

import asyncio
import os
import socket
from typing import Any

from resonance.jobs.registry import JobFunction
from resonance.jobs.runtime import JobRun


async def probe(run: JobRun) -> dict[str, Any]:
    steps = int(run.params.get("steps", 5))
    step_seconds = float(run.params.get("step_seconds", 0.2))
    start = int(run.checkpoint.get("step", 0))
    worker = f"{socket.gethostname()}:{os.getpid()}"
    workers = list(run.counters.get("workers", []))
    if worker not in workers:
        workers.append(worker)
    await run.progress(total=steps, counters={"workers": workers}, stage="probing")
    for step in range(start, steps):
        await asyncio.sleep(step_seconds)
        steps_run = int(run.counters.get("steps_run", 0)) + 1
        await run.progress(
            done=step + 1, checkpoint={"step": step + 1}, counters={"steps_run": steps_run}
        )
    return {"worker": worker}


JOB_HANDLERS: dict[str, JobFunction] = {"probe": probe}
