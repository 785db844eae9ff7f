"""`resonance index …`: build and inspect index versions."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console
from rich.table import Table

from resonance.app import command_runtime

app = typer.Typer(no_args_is_help=True, help="The vector index.")
console = Console()


@app.command("build")
def build() -> None:
    """Build a new index version from the catalogue (skipped if another build is running)."""
    from resonance.index import EmptyCatalogue, build_index

    async def run() -> None:
        async with command_runtime() as runtime:
            result = await build_index(runtime.sessionmaker, runtime.cache, runtime.settings)
            if result.layout is not None:  # so the web app's first map view need not wait
                with console.status("laying out the map"):
                    await result.layout
        if result.skipped:
            console.print("Another build is running; it will produce the next version.")
        else:
            console.print(
                f"Index version {result.version}: {result.n_items} tracks, {result.kind}, "
                f"{result.seconds:.1f}s"
            )

    try:
        asyncio.run(run())
    except EmptyCatalogue as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc


@app.command("versions")
def versions() -> None:
    """List recent index versions."""
    from resonance.index import list_versions

    async def run() -> None:
        async with command_runtime() as runtime, runtime.sessionmaker() as session:
            rows = await list_versions(session)
        table = Table("version", "state", "kind", "tracks", "dim", "created", "error")
        for v in rows:
            table.add_row(
                str(v.id),
                v.state,
                v.index_kind or "",
                str(v.n_items),
                str(v.dim),
                v.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                v.error or "",
            )
        console.print(table)

    asyncio.run(run())
