"""Job kinds and the functions that run them.

Feature packages register handlers with `job_handler`; the modules listed in
`HANDLER_MODULES` are imported on first lookup so a worker process knows every
kind without importing the web app.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from resonance.jobs.runtime import JobRun

JobFunction = Callable[["JobRun"], Awaitable[dict[str, Any] | None]]

HANDLER_MODULES = (
    "resonance.jobs.probe",
    "resonance.ingest.jobs",
    "resonance.audio.jobs",
    "resonance.vectors.jobs",
)

_handlers: dict[str, JobFunction] = {}
_loaded = False


def job_handler(kind: str) -> Callable[[JobFunction], JobFunction]:
    """Register `function` as the runner of jobs of `kind`."""

    def register(function: JobFunction) -> JobFunction:
        _handlers[kind] = function
        return function

    return register


def load_handlers() -> None:
    global _loaded
    if _loaded:
        return
    for module in HANDLER_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            # A feature package not installed yet must not take the others down.
            missing = error.name or ""
            if not (module == missing or module.startswith(f"{missing}.")):
                raise
    _loaded = True


def get_handler(kind: str) -> JobFunction | None:
    load_handlers()
    return _handlers.get(kind)


def known_kinds() -> list[str]:
    load_handlers()
    return sorted(_handlers)
