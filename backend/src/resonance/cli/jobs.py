"""`resonance jobs …`: look at jobs, resume them, and probe the workers."""

from __future__ import annotations

import asyncio
import json

import typer

from resonance.app import command_runtime
from resonance.jobs import JobOut, list_jobs

app = typer.Typer(no_args_is_help=True, help="Background jobs: list, resume, probe.")


@app.command("list")
def list_command(limit: int = typer.Option(20, help="How many, newest first.")) -> None:
    """Show recent jobs with their state and progress."""

    async def main() -> None:
        async with command_runtime() as runtime, runtime.sessionmaker() as session:
            for job in await list_jobs(session, limit=limit):
                total = job.progress_total if job.progress_total is not None else "?"
                line = f"{job.id}  {job.kind:<8} {job.state:<18} {job.progress_done}/{total}"
                typer.echo(f"{line}  {job.error or ''}".rstrip())

    asyncio.run(main())


@app.command("resume")
def resume() -> None:
    """Enqueue every unfinished job again (after restoring Redis, say)."""

    async def main() -> int:
        async with command_runtime() as runtime:
            jobs = runtime.jobs
            return await jobs.resume_unfinished()

    typer.echo(f"re-enqueued {asyncio.run(main())} unfinished jobs")


@app.command("probe")
def probe(
    steps: int = typer.Option(5, min=1, max=1000),
    step_seconds: float = typer.Option(0.2, min=0.0, max=60.0),
    wait: float = typer.Option(60.0, help="Seconds to wait for the result (0: do not wait)."),
) -> None:
    """Submit a probe job and print where it ran (checks that workers take jobs)."""

    async def main() -> JobOut:
        async with command_runtime() as runtime:
            jobs = runtime.jobs
            params = {"steps": steps, "step_seconds": step_seconds}
            job, _ = await jobs.submit(kind="probe", params=params, dedupe=False)
            if wait > 0:
                job = await jobs.wait(job.id, timeout=wait)
            return JobOut.model_validate(job)

    typer.echo(json.dumps(asyncio.run(main()).model_dump(mode="json"), indent=2))
