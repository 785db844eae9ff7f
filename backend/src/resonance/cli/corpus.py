"""`resonance corpus …`: import community playlist files and show what is imported."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from resonance.errors import InvalidInput
from resonance.settings import get_settings

app = typer.Typer(no_args_is_help=True, help="The community playlist corpus (discovery).")
console = Console(soft_wrap=True)  # a problem line stays one line, whatever the width
err = Console(stderr=True, soft_wrap=True)


@app.command("import")
def import_command(
    paths: list[Path] = typer.Argument(
        ...,
        help="MPD slices (mpd.slice.*.json), JSON lines (.jsonl[.gz]), Exportify CSVs, "
        "or folders of them.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only the summary and problems."),
) -> None:
    """Import playlists into the corpus; files or lines that cannot be read are skipped."""
    from resonance.discover.corpus import Problem, import_corpus

    root = get_settings().resolved_corpus_dir

    def on_problem(problem: Problem) -> None:
        err.print(f"[yellow]skipped[/yellow] {problem}", markup=True, highlight=False)

    def on_file(path: Path) -> None:
        if not quiet:
            console.print(f"reading {path}", highlight=False)

    try:
        result = import_corpus(paths, root, on_problem=on_problem, on_file=on_file)
    except InvalidInput as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(
        f"{result.playlists_added:,} playlists added ({result.playlists_present:,} already "
        f"in the corpus), {result.entries_added:,} entries, {result.tracks_added:,} new tracks "
        f"from {result.files:,} files in {result.seconds:.1f} s",
        highlight=False,
    )
    if result.problem_count:
        console.print(f"{result.problem_count:,} problems skipped (listed above)", highlight=False)
    if result.duplicate_entries:
        console.print(
            f"{result.duplicate_entries:,} repeated entries (a track again in its playlist) "
            "counted once",
            highlight=False,
        )
    console.print(
        f"corpus: {result.playlists:,} playlists, {result.entries:,} entries, "
        f"{result.tracks:,} tracks ({root})",
        highlight=False,
    )


@app.command("status")
def status_command() -> None:
    """What the corpus holds: playlists, entries, tracks, size on disk, files imported."""
    from resonance.discover.corpus import Corpus

    root = get_settings().resolved_corpus_dir
    corpus = Corpus.open(root)
    if corpus is None:
        console.print(f"No corpus at {root}: run `resonance corpus import PATH`.")
        raise typer.Exit(1)
    a = corpus.arrays
    console.print(
        f"{a.n_playlists:,} playlists, {a.n_entries:,} entries, {a.n_tracks:,} tracks; "
        f"{a.disk_bytes() / 1e6:,.1f} MB on disk in {a.folder}",
        highlight=False,
    )
    files = a.meta.get("files", [])
    console.print(f"{len(files):,} files imported", highlight=False)
