"""The words of journeys: what changes from one track to the next, in a listener's terms."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from resonance.vectors import Catalogue


class ChangeWords(NamedTuple):
    """How a step is described when a descriptor (in [0, 1]) rises or falls."""

    rises: str
    falls: str


CHANGE_WORDS = {
    "energy": ChangeWords("more energetic", "calmer"),
    "brightness": ChangeWords("brighter", "darker"),
    "percussiveness": ChangeWords("more percussive", "softer"),
    "rhythmic_regularity": ChangeWords("steadier beat", "looser beat"),
    "tonal_clarity": ChangeWords("more tonal", "less tonal"),
    "noisiness": ChangeWords("noisier", "cleaner"),
}
# A change smaller than this is not worth a word.
NOTICEABLE = 0.05


class JourneyError(ValueError):
    """A path, order or radio that cannot be made as asked; the message says why."""


PITCH_CLASSES = ("C", "C♯", "D", "E♭", "E", "F", "F♯", "G", "A♭", "A", "B♭", "B")


def _value(catalogue: Catalogue, name: str, row: int) -> float | None:
    values = catalogue.descriptors.get(name)
    if values is None:
        return None
    value = float(values[row])
    return value if math.isfinite(value) else None


def key_name(catalogue: Catalogue, row: int) -> str | None:
    """ "A minor" from the `key` (pitch class) and `mode` (1 major) descriptors, if known."""
    key, mode = _value(catalogue, "key", row), _value(catalogue, "mode", row)
    if key is None or mode is None:
        return None
    return f"{PITCH_CLASSES[int(key) % 12]} {'major' if mode >= 0.5 else 'minor'}"


def biggest_change(catalogue: Catalogue, before: int, after: int) -> str | None:
    """The word for the descriptor that changes most between two rows, if any noticeably."""
    best, word = NOTICEABLE, None
    for name, words in CHANGE_WORDS.items():
        a, b = _value(catalogue, name, before), _value(catalogue, name, after)
        if a is not None and b is not None and abs(b - a) >= best:
            best, word = abs(b - a), words.rises if b > a else words.falls
    return word


def step_sentence(
    catalogue: Catalogue, before: int, after: int, index: int, total: int, long_jump: bool = False
) -> str:
    """ "Step 4 of 12: brighter; 118 → 122 BPM; A minor → C major." for one move; a long
    jump over a gap in the catalogue says so first."""
    if index == 0:
        return f"Step 1 of {total}: where the path starts."
    parts = []
    if long_jump:
        parts.append(f"a long jump from step {index}, with nothing in the catalogue between")
    if (word := biggest_change(catalogue, before, after)) is not None:
        parts.append(word)
    a, b = _value(catalogue, "tempo_bpm", before), _value(catalogue, "tempo_bpm", after)
    if a is not None and b is not None and np.isfinite([a, b]).all():
        parts.append(f"{a:.0f} → {b:.0f} BPM")
    ka, kb = key_name(catalogue, before), key_name(catalogue, after)
    if ka and kb and ka != kb:
        parts.append(f"{ka} → {kb}")
    where = "arriving" if index == total - 1 else "toward the end track"
    detail = "; ".join(parts) if parts else "a close neighbour"
    return f"Step {index + 1} of {total}: {detail}, {where}."
