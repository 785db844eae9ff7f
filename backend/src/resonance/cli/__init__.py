"""`resonance …` command line: database, server, and each feature's commands."""

from __future__ import annotations

import typer

from resonance.settings import get_settings

app = typer.Typer(no_args_is_help=True, help="Resonance: explainable music recommendations.")
db_app = typer.Typer(no_args_is_help=True, help="Database migrations.")
app.add_typer(db_app, name="db")


def _register_features() -> None:
    from resonance.cli.audio import audio_app, library_app
    from resonance.cli.corpus import app as corpus_app
    from resonance.cli.index import app as index_app
    from resonance.cli.ingest import import_app, ingest_app
    from resonance.cli.jobs import app as jobs_app
    from resonance.cli.journeys import order_command, path_command, radio_app
    from resonance.cli.recommend import recommend_command
    from resonance.cli.sandbox import sandbox_command

    app.command("sandbox")(sandbox_command)
    app.add_typer(ingest_app, name="ingest")
    app.add_typer(import_app, name="import")
    app.add_typer(library_app, name="library")
    app.add_typer(audio_app, name="audio")
    app.add_typer(index_app, name="index")
    app.command("recommend")(recommend_command)
    app.command("path")(path_command)
    app.command("order")(order_command)
    app.add_typer(radio_app, name="radio")
    app.add_typer(jobs_app, name="jobs")
    app.add_typer(corpus_app, name="corpus")


_register_features()


def _configure_logging(fmt: str | None = None) -> None:
    from resonance.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, fmt or settings.log_format, settings.secret_values())


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from resonance.db import upgrade

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url, revision)
    typer.echo(f"database at {revision}: {_safe_url(settings.resolved_database_url)}")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument("base")) -> None:
    """Revert migrations down to REVISION (default: base, an empty database)."""
    from resonance.db import downgrade

    settings = get_settings()
    downgrade(settings.resolved_database_url, revision)
    typer.echo(f"database at {revision}")


@app.command()
def serve(
    host: str = typer.Option(None, help="Bind address (default from settings)."),
    port: int = typer.Option(None, help="Port (default from settings)."),
    migrate_first: bool = typer.Option(
        True, "--migrate/--no-migrate", help="Run migrations first."
    ),
    workers: int = typer.Option(1, help="Uvicorn worker processes."),
) -> None:
    """Serve the HTTP API."""
    import uvicorn

    from resonance.db import upgrade

    settings = get_settings()
    _configure_logging()
    if migrate_first:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        upgrade(settings.resolved_database_url)
    uvicorn.run(
        "resonance.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_config=None,
        access_log=False,
        # Longer than any client keeps an idle connection (Node's fetch: 4 s), so that the
        # server never closes one a client has just picked to send on. With uvicorn's 5 s,
        # 2 and 8 of about 2,500 requests in two runs of the web app's load test never
        # reached the API; with 75 s, none did (docs/benchmarks.md).
        timeout_keep_alive=75,
    )


@app.command()
def worker(
    check: bool = typer.Option(False, "--check", help="Exit 0 if the queue is reachable."),
) -> None:
    """Run an arq worker executing jobs from the Redis queue (needs RESONANCE_REDIS_URL)."""
    from resonance.app import worker as job_worker

    settings = get_settings()
    if check:
        raise typer.Exit(0 if job_worker.check(settings) else 1)
    if not settings.redis_url:
        typer.echo("resonance worker needs RESONANCE_REDIS_URL (jobs run in-process without it)")
        raise typer.Exit(2)
    _configure_logging()
    job_worker.run_worker(settings)


@app.command()
def openapi(
    out: str = typer.Option("-", "--out", help="Write to this file instead of standard output."),
) -> None:
    """Print the API's OpenAPI document (JSON): the one source of request defaults and limits."""
    import json

    from resonance.app import create_app

    document = json.dumps(create_app().openapi(), indent=2, sort_keys=True) + "\n"
    if out == "-":
        typer.echo(document, nl=False)
    else:
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(document)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    app()
