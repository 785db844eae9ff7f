"""`resonance recommend`: recommendations with explanations in the terminal."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console
from rich.table import Table

from resonance.app import command_runtime
from resonance.errors import ResonanceError
from resonance.recommend import API_MAX_N, RecommendRequest

# The API's request schema is the one source of defaults and limits.
DEFAULTS = {name: field.default for name, field in RecommendRequest.model_fields.items()}

console = Console()


def recommend_command(
    playlist: str | None = typer.Option(
        None, "--playlist", help="Spotify id of an ingested playlist"
    ),
    track: list[str] = typer.Option(
        [], "--track", help="Track: Resonance id or Spotify id (repeatable)"
    ),
    n: int = typer.Option(DEFAULTS["n"], "--n", min=1, max=API_MAX_N),
    diversity: float = typer.Option(DEFAULTS["diversity"], min=0.0, max=1.0),
    genre_mode: str = typer.Option(DEFAULTS["genre_mode"], help="focus | blend | explore"),
) -> None:
    """Recommend tracks for a playlist or tracks, and show why."""
    from pydantic import ValidationError

    from resonance.recommend import RecommendResponse, recommend_for

    ids = [int(t) for t in track if t.isdigit()]
    spotify_ids = [t.removeprefix("spotify:track:") for t in track if not t.isdigit()]
    try:
        request = RecommendRequest(
            track_ids=ids,
            spotify_track_ids=spotify_ids,
            playlist_id=playlist,
            n=n,
            diversity=diversity,
            genre_mode=genre_mode,
        )
    except ValidationError as exc:
        console.print(f"[red]{exc.errors()[0]['msg']}[/red]")
        raise typer.Exit(2) from exc

    async def run() -> None:
        async with command_runtime() as runtime, runtime.sessionmaker() as session:
            body = await recommend_for(runtime, session, request, user_id=None)
        response = RecommendResponse.model_validate_json(body)
        table = Table("#", "score", "track", "why", show_lines=True)
        for item in response.items:
            shares = item.explanation.shares
            top = sorted(((v, k) for k, v in shares.items() if v > 0), reverse=True)[:3]
            split = " + ".join(f"{k} {v:.2f}" for v, k in top)
            artists = ", ".join(a.name for a in item.track.artists)
            why = "\n".join([split, *item.explanation.sentences])
            table.add_row(str(item.rank), f"{item.score:.3f}", f"{item.track.name}\n{artists}", why)
        console.print(table)
        console.print(f"index v{response.index_version}, {response.took_ms:.0f} ms")

    try:
        asyncio.run(run())
    except ResonanceError as exc:
        console.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(1) from exc
