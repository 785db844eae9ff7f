"""`resonance index …`: build and inspect index versions."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console
from rich.table import Table

from resonance.settings import get_settings

app = typer.Typer(no_args_is_help=True, help="The vector index.")
console = Console()


@app.command("build")
def build() -> None:
    """Build a new index version from the catalogue (skipped if another build is running)."""
    from resonance.cache import create_cache
    from resonance.db.engine import create_engine, create_sessionmaker
    from resonance.vectors.service import EmptyCatalogue, build_index

    settings = get_settings()

    async def run() -> None:
        engine = create_engine(settings.resolved_database_url)
        cache = create_cache(settings)
        try:
            result = await build_index(create_sessionmaker(engine), cache, settings)
        finally:
            await cache.close()
            await engine.dispose()
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
    from resonance.db.engine import create_engine, create_sessionmaker
    from resonance.vectors.repository import list_versions

    settings = get_settings()

    async def run() -> None:
        engine = create_engine(settings.resolved_database_url)
        async with create_sessionmaker(engine)() as session:
            rows = await list_versions(session)
        await engine.dispose()
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
