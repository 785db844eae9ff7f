"""`resonance recommend`: recommendations with explanations in the terminal, or as JSON."""

from __future__ import annotations

import asyncio
import json
import math

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.app import command_runtime
from resonance.errors import InvalidInput, NotFound, ResonanceError
from resonance.recommend import API_MAX_N, RecommendRequest

# The API's request schema is the one source of defaults and limits.
DEFAULTS = {name: field.default for name, field in RecommendRequest.model_fields.items()}
# What the API's field names are called on this command line, for error messages.
OPTION_OF = {
    "track_ids": "--track",
    "spotify_track_ids": "--track",
    "playlist_id": "--playlist",
    "targets": "--target",
    "genre_mode": "--genre-mode",
}
SEEDS_NEEDED = "give --playlist ID or at least one --track (a Resonance id or a Spotify id)"

console = Console()


def parse_target(text: str) -> dict[str, float | str]:
    """`energy=0.8` or `tempo_bpm=120:0.7` (value, then an optional strength 0–1)."""
    name, sep, rest = text.partition("=")
    value, _, strength = rest.partition(":")
    try:
        numbers = [float(value), *([float(strength)] if strength else [])]
    except ValueError:
        numbers = []
    if not sep or not name.strip() or not numbers or not all(map(math.isfinite, numbers)):
        raise typer.BadParameter(f"{text!r}: write NAME=VALUE or NAME=VALUE:STRENGTH")
    parsed: dict[str, float | str] = {"name": name.strip(), "value": numbers[0]}
    if len(numbers) > 1:
        parsed["strength"] = numbers[1]
    return parsed


def _request(**fields: object) -> RecommendRequest:
    from pydantic import ValidationError

    try:
        return RecommendRequest.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = OPTION_OF.get(str(first["loc"][0]), f"--{first['loc'][0]}") if first["loc"] else ""
        message = SEEDS_NEEDED if not where else f"{where}: {first['msg']}"
        console.print(f"[red]{message}[/red]")
        raise typer.Exit(2) from exc


NO_LISTENER = (
    "No listener in this catalogue yet, so nothing is left out as theirs: these come from"
    " everything it holds."
)


async def listener(session: AsyncSession, spotify_user_id: str | None) -> int | None:
    """The listener whose music --new-only leaves out: the one named, else the only one."""
    from resonance import catalog

    if spotify_user_id is not None:
        user = await catalog.get_user_by_spotify_id(session, spotify_user_id)
        if user is None:
            raise NotFound(f"No listener with Spotify id {spotify_user_id!r} has signed in here.")
        return user.id
    users = await catalog.first_users(session)
    if len(users) > 1:
        raise InvalidInput(
            "Several listeners use this catalogue: name one with --user SPOTIFY_ID, or ask"
            " --from-library."
        )
    return users[0].id if users else None


async def _imported_tracks(name_or_id: str) -> list[int] | None:
    """The tracks of an imported (Exportify) playlist of that name or id, else None."""
    from resonance.ingest import imported_playlist_tracks

    async with command_runtime() as runtime, runtime.sessionmaker() as session:
        return await imported_playlist_tracks(session, name_or_id)


def recommend_command(
    playlist: str | None = typer.Option(
        None,
        "--playlist",
        help="An ingested playlist's Spotify id, or an imported one's name or id",
    ),
    track: list[str] = typer.Option(
        [], "--track", help="Track: Resonance id or Spotify id (repeatable)"
    ),
    target: list[str] = typer.Option(
        [], "--target", help="Pull toward a descriptor: energy=0.8, tempo_bpm=120:0.7 (repeatable)"
    ),
    n: int = typer.Option(DEFAULTS["n"], "--n", min=1, max=API_MAX_N),
    diversity: float = typer.Option(DEFAULTS["diversity"], min=0.0, max=1.0),
    genre_mode: str = typer.Option(DEFAULTS["genre_mode"], help="focus | blend | explore"),
    new_only: bool = typer.Option(
        DEFAULTS["source"] == "new",
        "--new-only/--from-library",
        help="Only music the listener does not have yet (default), or rediscover their library.",
    ),
    user: str | None = typer.Option(
        None,
        "--user",
        help="Spotify user id of the listener whose music is left out with --new-only"
        " (default: the catalogue's only listener)",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the API's JSON answer instead."),
    save: str | None = typer.Option(
        None, "--save", help="Also save the list as this Spotify playlist (once: safe to repeat)"
    ),
) -> None:
    """Recommend tracks for a playlist or tracks, and show why."""
    from resonance.cli.save import save_list
    from resonance.errors import InvalidInput
    from resonance.ingest import PlaylistCreated
    from resonance.recommend import RecommendResponse, recommend_for

    if not playlist and not track:
        console.print(f"[red]{SEEDS_NEEDED}[/red]")
        raise typer.Exit(2)
    imported = asyncio.run(_imported_tracks(playlist)) if playlist else None
    if imported is not None:
        if not imported:
            console.print(f"[red]The imported playlist {playlist!r} holds no tracks.[/red]")
            raise typer.Exit(1)
        playlist, track = None, [*track, *map(str, imported)]
    request = _request(
        track_ids=[int(t) for t in track if t.isdigit()],
        spotify_track_ids=[t.removeprefix("spotify:track:") for t in track if not t.isdigit()],
        playlist_id=playlist,
        targets=[parse_target(t) for t in target],
        n=n,
        diversity=diversity,
        genre_mode=genre_mode,
        source="new" if new_only else "library",
    )

    async def run() -> tuple[bytes, PlaylistCreated | None]:
        async with command_runtime() as runtime, runtime.sessionmaker() as session:
            user_id = await listener(session, user) if new_only else None
            body = await recommend_for(runtime, session, request, user_id=user_id)
            if not save:
                return body, None
            items = RecommendResponse.model_validate_json(body).items
            ids = [i.track.spotify_id for i in items if i.track.spotify_id]
            if not ids:
                raise InvalidInput(
                    "none of these tracks is on Spotify, so there is nothing to save"
                )
            return body, await save_list(runtime, save, ids)

    try:
        body, saved = asyncio.run(run())
    except ResonanceError as exc:
        console.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(1) from exc
    if saved is not None:
        said = "already saved as" if saved.already_saved else "saved as"
        # On stderr, so that --json output stays one JSON document.
        typer.echo(f"{said} {saved.name!r}: {saved.url}", err=True)
    if as_json:
        typer.echo(json.dumps(json.loads(body), indent=2))
        return
    response = RecommendResponse.model_validate_json(body)
    table = Table("#", "match", "track", "why", show_lines=True)
    for item in response.items:
        split = item.explanation.summary
        artists = ", ".join(a.name for a in item.track.artists)
        why = "\n".join([split, *item.explanation.sentences])
        name = f"{item.track.name}\n{artists}"
        if item.explanation.found_by:
            name += f"\n[cyan]{item.explanation.found_by}[/cyan]"
        table.add_row(str(item.rank), f"{item.match:.0f}%", name, why)
    console.print(table)
    if new_only and response.discovery is None:
        console.print(f"[yellow]{NO_LISTENER}[/yellow]")
    for note in response.notes:
        console.print(f"[yellow]{note}[/yellow]")
    console.print(f"index v{response.index_version}, {response.took_ms:.0f} ms")
