"""`resonance ingest library|playlist` and `resonance import exportify FILE…`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from resonance.app import command_runtime
from resonance.db import TERMINAL_STATES
from resonance.jobs import JobOut
from resonance.settings import Settings, get_settings

ingest_app = typer.Typer(no_args_is_help=True, help="Ingest a Spotify library or playlist.")
import_app = typer.Typer(no_args_is_help=True, help="Import playlists from files.")
console = Console(stderr=True)

TOKEN_HELP = "The user's Spotify access token (or set SPOTIFY_ACCESS_TOKEN)."  # noqa: S105 - help text
AUDIO_HELP = "Also analyse the new tracks' audio in this process (else: resonance audio analyse)."
DISCOVER_HELP = (
    "Also discover music the user does not have yet from what was read, in this process"
    " (docs/discovery.md)."
)
SANDBOX_HELP = "Get a token for this sandbox user instead (demo, alice, bob, carol, bench)."


def _token(settings: Settings, token: str | None, sandbox_user: str | None) -> str:
    if token:
        return token
    if sandbox_user:
        response = httpx.post(
            f"{settings.accounts_url}/_sandbox/token", json={"user": sandbox_user}, timeout=30
        )
        response.raise_for_status()
        return str(response.json()["access_token"])
    raise typer.BadParameter("give --token (or SPOTIFY_ACCESS_TOKEN) or --sandbox-user")


async def _spotify_user_id(settings: Settings, token: str) -> str:
    """The token owner's id: the library job's target, so two runs for one user share a job."""
    from resonance.spotify import SpotifyClient

    async with SpotifyClient(settings, token) as client:
        return str((await client.me())["id"])


async def _run_with_progress(
    kind: str, target: str | None, token: str, *, force: bool, audio: bool, discover: bool
) -> JobOut:
    async with command_runtime() as runtime:
        jobs = runtime.jobs
        params = {"force": force, "audio": audio, "discover": discover}
        job, created = await jobs.submit(kind=kind, target=target, params=params, secret=token)
        if created:  # the in-process queue is already running it
            stop = TERMINAL_STATES | {"waiting_rate_limit"}
            task = asyncio.create_task(jobs.wait(job.id, timeout=24 * 3600, states=stop))
        else:  # left unfinished by a process that died: run it here, from its checkpoint
            console.print(f"resuming unfinished job {job.id}")
            task = asyncio.create_task(jobs.run_now(job.id))
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=True) as bar:
            shown = bar.add_task(kind, total=None)
            while not task.done():
                await asyncio.sleep(0.2)
                row = await jobs.get(job.id)
                if row is not None:
                    bar.update(
                        shown,
                        description=row.stage or kind,
                        completed=row.progress_done,
                        total=row.progress_total,
                    )
        done = await task
        chained = done.counters.get("discover_job_id")
        if discover and chained:
            console.print(f"discovering: job {chained}")
            found = await jobs.wait(str(chained), timeout=24 * 3600)
            console.print(
                f"job {found.id}: {found.state}" + (f" ({found.error})" if found.error else "")
            )
        return JobOut.model_validate(done)


def _finish(job: JobOut) -> None:
    console.print(f"job {job.id}: {job.state}" + (f" ({job.error})" if job.error else ""))
    if job.resume_at is not None and job.state == "waiting_rate_limit":
        console.print(f"  resumes at {job.resume_at:%H:%M:%S} UTC (resonance jobs resume)")
    for name, value in sorted(job.counters.items()):
        console.print(f"  {name:<28} {value}")
    if job.state != "done":
        raise typer.Exit(1)
    if job.counters.get("audio_pending") and not job.counters.get("audio_job_submitted"):
        console.print("tracks wait for audio analysis: run `resonance audio analyse`")


@ingest_app.command("library")
def ingest_library(
    token: str = typer.Option(None, envvar="SPOTIFY_ACCESS_TOKEN", help=TOKEN_HELP),
    sandbox_user: str = typer.Option(None, help=SANDBOX_HELP),
    audio: bool = typer.Option(False, help=AUDIO_HELP),
    discover: bool = typer.Option(False, help=DISCOVER_HELP),
) -> None:
    """Saved, top and recently played tracks and the user's playlists."""
    settings = get_settings()
    access = _token(settings, token, sandbox_user)
    target = sandbox_user or asyncio.run(_spotify_user_id(settings, access))
    job = asyncio.run(
        _run_with_progress("library", target, access, force=False, audio=audio, discover=discover)
    )
    _finish(job)


@ingest_app.command("playlist")
def ingest_playlist(
    playlist_id: str = typer.Argument(..., help="Spotify playlist id"),
    token: str = typer.Option(None, envvar="SPOTIFY_ACCESS_TOKEN", help=TOKEN_HELP),
    sandbox_user: str = typer.Option(None, help=SANDBOX_HELP),
    force: bool = typer.Option(False, help="Re-read entries even if the snapshot is unchanged."),
    audio: bool = typer.Option(False, help=AUDIO_HELP),
    discover: bool = typer.Option(False, help=DISCOVER_HELP),
) -> None:
    """One playlist (skipped when its snapshot_id has not changed)."""
    settings = get_settings()
    access = _token(settings, token, sandbox_user)
    job = asyncio.run(
        _run_with_progress(
            "playlist", playlist_id, access, force=force, audio=audio, discover=discover
        )
    )
    _finish(job)


IMPORT_USER_HELP = (
    "The Spotify user id whose library the playlist joins (they must have signed in here);"
    " by default the only listener of this catalogue."
)


@import_app.command("exportify")
def import_exportify(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="Exportify CSVs"),
    user: str = typer.Option(None, "--user", help=IMPORT_USER_HELP),
) -> None:
    """Import Exportify CSV files as playlists; bad rows are listed with their line numbers.

    Each playlist joins a listener's library, where the web app shows it with an
    "Imported" badge: the listener named with --user, else the only one.
    """
    from resonance.errors import ResonanceError
    from resonance.index import build_index
    from resonance.ingest import ImportReport, import_exportify_file, import_owners

    async def main() -> tuple[list[ImportReport], int | None, list[int]]:
        async with command_runtime() as runtime:
            async with runtime.sessionmaker() as session:
                owners = await import_owners(session, user)
            reports = [
                await import_exportify_file(runtime.sessionmaker, p, owners=owners) for p in files
            ]
            if not any(r.imported for r in reports):
                return reports, None, owners
            # Build the index now, so the imported playlists recommend straight away
            # instead of after a separate `resonance index build`.
            with console.status("updating the index"):
                built = await build_index(
                    runtime.sessionmaker, runtime.cache, runtime.settings, wait=600
                )
            if built.layout is not None:  # so the web app's first map view need not wait
                with console.status("laying out the map"):
                    await built.layout
            return reports, built.version, owners

    try:
        reports, version, owners = asyncio.run(main())
    except ResonanceError as refused:
        console.print(refused.detail)
        raise typer.Exit(2) from None
    for report in reports:
        console.print(
            f"{report.path}: playlist {report.playlist!r} (id {report.playlist_id}),"
            f" {report.imported} tracks imported ({report.with_features} with audio features,"
            f" {report.with_genres} with genres), {len(report.errors)} bad rows"
        )
        for error in report.errors:
            console.print(f"  line {error.line}: {error.message}")
    if reports and all(r.imported == 0 for r in reports):
        raise typer.Exit(1)
    if not owners:
        console.print(
            "Nobody has signed in here yet, so these playlists are in no one's library: sign in"
            " to the web app, then import again to see them there."
        )
    if version is not None:
        console.print(f"index v{version} is ready; for recommendations:")
    for report in reports:
        if report.imported:
            console.print(f"  resonance recommend --playlist {report.playlist!r}")
