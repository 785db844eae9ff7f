"""Targets on a model built before the sound analysis finished.

An index build copies the descriptors measured by its start; the sound analysis goes on
afterwards (a fresh library has none measured at its first build). So a request with
targets first reads the newer measurements into the held model (at most once every
`REFRESH_SECONDS`), and a target that no track has a value for yet is left out with a
note saying why, instead of failing the whole list. A name that is no descriptor at all
still fails (`UnknownTargetError`, a 422).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from resonance.recommend.explain import TargetMatch
from resonance.recommend.options import Target
from resonance.recommend.recommender import Recommendation, Recommender
from resonance.runtime import Runtime
from resonance.vectors import descriptor_names, load_descriptors

REFRESH_SECONDS = 10.0
PARTIAL = 0.9  # below this share of tracks measured, the list says so


class _Refreshed:
    """When this process last read descriptors into which model."""

    def __init__(self) -> None:
        self.model: int | None = None
        self.at = 0.0


def _label(name: str) -> str:
    return "Tempo" if name == "tempo_bpm" else name.replace("_", " ").capitalize()


def _complete(model: Recommender, name: str) -> bool:
    values = model.catalogue.descriptors.get(name)
    return values is not None and not bool(np.isnan(values).any())


async def usable_targets(
    runtime: Runtime, model: Recommender, targets: Sequence[Target]
) -> tuple[list[Target], list[str]]:
    """The targets the model can apply now, and notes on those it cannot (fully)."""
    if not targets:
        return [], []
    known = set(descriptor_names())
    if any(t.name in known and not _complete(model, t.name) for t in targets):
        state = runtime.component(_Refreshed, lambda _: _Refreshed())
        now = time.monotonic()
        if state.model != id(model) or now - state.at >= REFRESH_SECONDS:
            state.model, state.at = id(model), now
            async with runtime.sessionmaker() as session:
                fresh = await load_descriptors(session, model.catalogue.track_ids)
            model.catalogue.descriptors.update(fresh)
    kept: list[Target] = []
    notes: list[str] = []
    for target in targets:
        values = model.catalogue.descriptors.get(target.name)
        if target.name not in known:
            kept.append(target)  # the recommender refuses it by name
        elif values is None or bool(np.isnan(values).all()):
            notes.append(
                f"{_label(target.name)} is not measured for any track yet (the sound analysis"
                " runs in the background after a playlist is read), so this target is left"
                " out for now."
            )
        else:
            kept.append(target)
            measured = int((~np.isnan(values)).sum())
            if measured < PARTIAL * len(values):
                notes.append(
                    f"{_label(target.name)} is measured for {measured} of {len(values)} tracks"
                    " so far; the others count as average for your target until the sound"
                    " analysis reaches them."
                )
    return kept, notes


def explain_targets(
    model: Recommender, items: Sequence[Recommendation], targets: Sequence[Target]
) -> None:
    """Add to each item's explanation how it stands against the targets applied."""
    if not targets or not items:
        return
    ids = model.catalogue.track_ids
    wanted = np.asarray([i.track_id for i in items], np.int64)
    rows = np.flatnonzero(np.isin(ids, wanted))
    row_of = {int(ids[r]): int(r) for r in rows}
    confidences = model.catalogue.descriptors.get("tempo_confidence")
    for item in items:
        row = row_of.get(item.track_id)
        if row is None:
            continue
        for target in targets:
            value = float(model.catalogue.descriptors[target.name][row])
            if np.isnan(value):
                continue
            confidence = None if confidences is None else float(confidences[row])
            item.explanation.targets.append(
                TargetMatch(target.name, value, target.value, confidence)
            )
