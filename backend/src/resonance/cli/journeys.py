"""`resonance path A B`, `resonance order ID…` and `resonance radio …`: song paths, flow
ordering and a radio that learns from feedback."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from resonance import catalog
from resonance.app import command_runtime
from resonance.db import session_scope
from resonance.errors import ResonanceError
from resonance.recommend import Recommender, current_model, radio

if TYPE_CHECKING:
    from resonance.runtime import Runtime

console = Console()
T = TypeVar("T")


def _with_model(
    track_ids: list[int], work: Callable[[Recommender], T], shown: Callable[[T], list[int]]
) -> tuple[T, dict[int, str]]:
    """Run `work` on the serving model (built if need be); names of the `shown` tracks."""

    async def run() -> tuple[T, dict[int, str]]:
        async with command_runtime() as runtime:
            result = work(await current_model(runtime, need=track_ids))
            async with runtime.sessionmaker() as session:
                tracks = await catalog.get_tracks(session, shown(result))
        return result, {t.id: t.name for t in tracks.values()}

    try:
        return asyncio.run(run())
    except (ResonanceError, ValueError, LookupError) as exc:
        console.print(f"[red]{getattr(exc, 'detail', None) or exc}[/red]")
        raise typer.Exit(1) from exc


def path_command(
    from_track: int = typer.Argument(..., help="Resonance id of the first track (A)"),
    to_track: int = typer.Argument(..., help="Resonance id of the last track (B)"),
    steps: int = typer.Option(12, min=3, max=100, help="Tracks in the path, A and B included"),
) -> None:
    """A path of songs from A to B, each step explained."""
    from resonance.recommend.paths import song_path

    path, names = _with_model(
        [from_track, to_track],
        lambda model: song_path(model, from_track, to_track, steps),
        lambda steps_: [s.track_id for s in steps_],
    )
    table = Table("#", "track", "why")
    for i, step in enumerate(path, 1):
        table.add_row(str(i), names.get(step.track_id, str(step.track_id)), step.sentence)
    console.print(table)


def order_command(
    track_ids: list[int] = typer.Argument(..., help="Resonance ids of the tracks to order"),
    arc: str | None = typer.Option(
        None, help="A curve over the list: energy|tempo_bpm|brightness : rising|falling|peak"
    ),
) -> None:
    """Re-order tracks for smooth transitions (tempo, key, sound), optionally along an arc."""
    from resonance.recommend.flow import Arc, flow_order

    curve = None
    if arc:
        descriptor, _, shape = arc.partition(":")
        if shape not in ("rising", "falling", "peak"):
            raise typer.BadParameter("write --arc DESCRIPTOR:rising|falling|peak")
        curve = Arc(descriptor, shape)  # type: ignore[arg-type]  # checked just above
    ordered, names = _with_model(
        track_ids, lambda model: flow_order(model, track_ids, curve), lambda o: o.track_ids
    )
    table = Table("#", "track", "cost from the one before")
    costs = [None, *ordered.transition_costs]
    for i, (track_id, cost) in enumerate(zip(ordered.track_ids, costs, strict=True), 1):
        shown = "" if cost is None else f"{cost:.2f}"
        table.add_row(str(i), names.get(track_id, str(track_id)), shown)
    console.print(table)
    console.print(f"total {ordered.total:.2f} (original order {ordered.original_total:.2f})")


radio_app = typer.Typer(
    no_args_is_help=True, help="A radio that learns from likes, skips and dislikes."
)


def _radio(work: Callable[[Runtime, AsyncSession], Awaitable[T]]) -> T:
    """Run `work` with the runtime and one committed database session."""

    async def run() -> T:
        async with command_runtime() as runtime, session_scope(runtime.sessionmaker) as session:
            return await work(runtime, session)

    try:
        return asyncio.run(run())
    except (ResonanceError, ValueError, LookupError) as exc:
        console.print(f"[red]{getattr(exc, 'detail', None) or exc}[/red]")
        raise typer.Exit(1) from exc


def _show(batch: radio.RadioBatchOut) -> None:
    for change in batch.changes:
        console.print(f"[cyan]{change}[/cyan]")
    table = Table("id", "track", "why")
    for item in batch.tracks:
        table.add_row(str(item.track.id), item.track.name, item.because)
    console.print(table)
    console.print(f"session {batch.session_id} (until {batch.expires_at:%Y-%m-%d %H:%M} UTC)")


@radio_app.command("start")
def radio_start(
    seeds: list[int] = typer.Argument(..., help="Resonance ids of the seed tracks"),
    n: int = typer.Option(10, min=1, max=50, help="Tracks in the batch"),
) -> None:
    """Start a radio from seed tracks and print its first batch."""
    _show(_radio(lambda runtime, session: radio.start(runtime, session, seeds, n)))


@radio_app.command("feedback")
def radio_feedback(
    session_id: str = typer.Argument(..., help="The session id `radio start` printed"),
    track_id: int = typer.Argument(..., help="A track the radio played"),
    signal: str = typer.Argument(..., help="like, skip or dislike"),
) -> None:
    """Like, skip or dislike a track the radio played."""
    if signal not in ("like", "skip", "dislike"):
        raise typer.BadParameter("signal is like, skip or dislike")
    body = radio.FeedbackIn(track_id=track_id, signal=signal)
    given = _radio(lambda runtime, session: radio.feedback(runtime, session, session_id, body))
    console.print(f"{given.likes} liked, {given.skips} skipped, {given.dislikes} disliked")


@radio_app.command("next")
def radio_next(
    session_id: str = typer.Argument(..., help="The session id `radio start` printed"),
    n: int = typer.Option(10, min=1, max=50, help="Tracks in the batch"),
) -> None:
    """The radio's next batch, adapted to the feedback so far."""
    _show(_radio(lambda runtime, session: radio.next_batch(runtime, session, session_id, n)))
