"""`resonance library scan PATH…` and `resonance audio analyse`, with progress bars."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.app import command_runtime
from resonance.settings import Settings

library_app = typer.Typer(no_args_is_help=True, help="Your own music files.")
audio_app = typer.Typer(no_args_is_help=True, help="Audio analysis (DSP descriptors).")
console = Console()
# What the first minute of a first scan is spent on, said instead of a bar stuck at 0/?.
WARMING_UP = "starting the audio workers (a first run compiles the DSP code: about a minute)"
T = TypeVar("T")


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def _with_db(work: Callable[[async_sessionmaker[AsyncSession], Settings], Awaitable[T]]) -> T:
    async def run() -> T:
        async with command_runtime() as runtime:
            return await work(runtime.sessionmaker, runtime.settings)

    return asyncio.run(run())


@library_app.command("scan")
def scan_command(
    paths: list[Path] = typer.Argument(..., help="Folders of audio files."),
) -> None:
    """Add audio files to the catalogue; re-scans only read files that changed."""
    from resonance.ingest import scan_folders

    with _bar() as bar:
        task = bar.add_task("looking for audio files", total=None)

        def progress(done: int, total: int) -> None:
            stage = "analysing files" if done else WARMING_UP
            bar.update(task, completed=done, total=total, description=stage)

        summary = _with_db(lambda sm, s: scan_folders(paths, sm, s, progress=progress))
    table = Table("files", "count", title="Library scan")
    for key, value in summary.as_dict().items():
        if key != "reasons":
            table.add_row(key, str(value))
    console.print(table)
    if summary.reasons:
        reasons = Table("reason", "files", "for example", title="Not analysed")
        for reason, count in summary.reasons.most_common():
            reasons.add_row(reason, str(count), summary.examples.get(reason, ""))
        console.print(reasons)


@audio_app.command("analyse")
def analyse_command(
    track_id: list[int] = typer.Option(None, "--track", help="Only these track ids."),
) -> None:
    """Analyse every track without current descriptors, in this process."""
    from resonance.audio import analyse_tracks

    with _bar() as bar:
        task = bar.add_task("analysing audio", total=None)

        async def progress(done: int, total: int, stage: str) -> None:
            bar.update(task, completed=done, total=total, description=stage)

        report = _with_db(
            lambda sm, s: analyse_tracks(sm, s, track_ids=track_id or None, progress=progress)
        )
    result: dict[str, Any] = report.as_dict()
    console.print(
        f"{result['analysed']} analysed, {result['failed']} failed, "
        f"{result['no_audio']} without audio, {result['retry_later']} to retry "
        f"(of {result['total']})"
    )
    for reason, count in report.reasons.most_common(10):
        console.print(f"  {count:5d}  {reason}")
