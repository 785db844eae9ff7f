"""Job kinds and the functions that run them.

Each feature package exports a `JOB_HANDLERS` mapping from kind to function; the
application layer merges them into one `JobHandlers` and hands it to the `Jobs`
service it wires, so every kind a process can run is named in code, not found by
string at run time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from resonance.jobs.runtime import JobRun

JobFunction = Callable[["JobRun"], Awaitable[dict[str, Any] | None]]


class JobHandlers:
    """The job functions a process can run, by kind."""

    def __init__(self, *groups: Mapping[str, JobFunction]) -> None:
        self._by_kind: dict[str, JobFunction] = {}
        for group in groups:
            for kind, function in group.items():
                if kind in self._by_kind and self._by_kind[kind] is not function:
                    raise ValueError(f"two handlers for jobs of kind {kind!r}")
                self._by_kind[kind] = function

    def get(self, kind: str) -> JobFunction | None:
        return self._by_kind.get(kind)

    def __contains__(self, kind: object) -> bool:
        return kind in self._by_kind

    def kinds(self) -> list[str]:
        return sorted(self._by_kind)

    def without(self, *kinds: str) -> JobHandlers:
        """The same handlers less `kinds` (a CLI run that leaves a stage for later)."""
        return JobHandlers({k: f for k, f in self._by_kind.items() if k not in kinds})
