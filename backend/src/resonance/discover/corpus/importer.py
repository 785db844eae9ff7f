"""`resonance corpus import`: read corpus files into a new generation and publish it.

Imports are serialised by a lock file; a playlist whose key is already in the corpus is
skipped, so importing the same file again changes nothing (and writes nothing).
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path

from resonance.discover.corpus.builder import BuildCounts, CorpusBuilder
from resonance.discover.corpus.formats import Problem, corpus_files
from resonance.discover.corpus.parse import parse_all
from resonance.discover.corpus.store import (
    CorpusArrays,
    current_generation,
    next_generation,
    publish,
)
from resonance.errors import InvalidInput

# Below this much input, a pool's start-up (each worker imports the package, about 2 s
# of CPU) costs more than it saves (decoding runs at about 150 MB/s of JSON per core).
POOL_MIN_BYTES = 256 << 20
MAX_PROBLEMS_KEPT = 1000  # each is also passed to `on_problem` as it happens


@dataclass
class ImportResult(BuildCounts):
    """What an import did: its build's counts, the problems it skipped, and the corpus it
    left."""

    files: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    seconds: float = 0.0
    # CPU spent decoding files, summed over the processes that did it (the pool's
    # workers are not the importing process's children: its rusage does not show them).
    decode_cpu_seconds: float = 0.0
    corpus: CorpusArrays | None = None  # the live generation the import left

    @property
    def playlists(self) -> int:
        return self.corpus.n_playlists if self.corpus else 0

    @property
    def tracks(self) -> int:
        return self.corpus.n_tracks if self.corpus else 0

    @property
    def entries(self) -> int:
        return self.corpus.n_entries if self.corpus else 0

    @property
    def generation(self) -> str | None:
        return self.corpus.folder.name if self.corpus else None


@contextmanager
def _pool(workers: int) -> Iterator[Executor | None]:
    count = workers or os.cpu_count() or 1
    if count <= 1:
        yield None
        return
    # Workers forked before the builder grows: they do not copy its memory.
    with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("forkserver")) as pool:
        yield pool


@contextmanager
def import_lock(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".import.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def import_corpus(
    paths: Sequence[Path],
    root: Path,
    *,
    on_problem: Callable[[Problem], None] | None = None,
    on_file: Callable[[Path], None] | None = None,
    workers: int = 0,
) -> ImportResult:
    """Import every corpus file at PATHS into the corpus under ROOT.

    WORKERS processes decode JSON slices and CSVs (0: one per CPU; 1: none, all in
    this process). Raises `InvalidInput` when a path does not exist or holds no corpus
    file; files and lines that cannot be read are skipped and listed in the result's
    `problems`.
    """
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InvalidInput(f"No such file or folder: {path}")
        found = corpus_files(path)
        if not found:
            raise InvalidInput(
                f"No corpus files in {path} (mpd.slice.*.json, *.jsonl[.gz] or Exportify *.csv)"
            )
        files += found
    result = ImportResult(files=len(files))
    started = time.perf_counter()

    def report(problem: Problem) -> None:
        result.problem_count += 1
        if len(result.problems) < MAX_PROBLEMS_KEPT:
            result.problems.append(problem)
        if on_problem is not None:
            on_problem(problem)

    with import_lock(root):
        live = current_generation(root)
        previous = CorpusArrays(live) if live is not None else None
        folder = next_generation(root)
        builder = CorpusBuilder(folder, previous, report)
        try:
            if not workers and sum(p.stat().st_size for p in files) < POOL_MIN_BYTES:
                workers = 1  # starting the pool would cost more than decoding here
            with _pool(workers) as pool:
                seen: set[str] = set()
                for batch in parse_all(files, pool):
                    if on_file is not None and batch.path not in seen:
                        seen.add(batch.path)
                        on_file(Path(batch.path))
                    for problem in batch.problems:
                        report(problem)
                    result.decode_cpu_seconds += batch.cpu_seconds
                    builder.add_batch(batch)
        except BaseException:
            builder.abort()
            raise
        counts = builder.counts
        for counted in fields(BuildCounts):
            setattr(result, counted.name, getattr(counts, counted.name))
        if counts.playlists_added == 0 and previous is not None:
            builder.abort()  # nothing new: the live generation stays as it is
            final = previous
        else:
            old_files = list(previous.meta.get("files", [])) if previous else []
            builder.finish(old_files + [str(p) for p in files])
            publish(root, folder)
            final = CorpusArrays(folder)
    result.corpus = final
    result.seconds = time.perf_counter() - started
    return result
