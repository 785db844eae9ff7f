"""Explanations computed from the same numbers as the score — never invented."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from resonance.audio import TEMPO_SURE, tempo_words

# The words for score components, the same in the web app (frontend/lib/format.ts), the
# API's sentences and the CLI.
BLOCK_LABELS = {
    "audio": "Sound",
    "spotify": "Spotify features",
    "genre": "Genre",
    "cooc": "Listened together",
    "playlists": "Shared playlists",
    "targets": "Your targets",
    "genre_mode": "Genre mode",
}


def share_summary(shares: dict[str, float]) -> str:
    """The score's parts in words, as the web app's explanation bar shows them: each
    positive component's share of their sum, largest first ("Sound 62%, Genre 30%")."""
    parts = sorted(((v, k) for k, v in shares.items() if v > 0), key=lambda t: (-t[0], t[1]))
    total = sum(v for v, _ in parts) or 1.0
    shown = [
        f"{BLOCK_LABELS.get(k, k.replace('_', ' '))} {v / total:.0%}"
        for v, k in parts
        if v / total >= 0.01
    ]
    return ", ".join(shown[:4]) if shown else "no breakdown"


BLOCK_WORDS = {"audio": "sound", "spotify": "Spotify feature", "cooc": "listened-together"}

# Descriptors in BPM are compared on this scale (a 30 BPM gap counts like a full 0→1 gap / 2).
# Genre-block cosine to the seeds' genres from which a genre counts as related to theirs.
RELATED_GENRE_SIMILARITY = 0.5
RANGES = {"tempo_bpm": 60.0, "tempo": 60.0, "loudness": 20.0}
# Descriptors that are categories (pitch class, major/minor): a mean of them means
# nothing, so they are not compared with the seeds'; flow ordering uses them instead.
CATEGORIES = frozenset({"key", "mode"})


def tempo_text(bpm: float, confidence: float | None) -> str:
    """ "120 BPM" or "around 120 BPM", in the words of `resonance.audio.tempo_words`.

    A tempo without a confidence (Spotify's own) is stated as given; one the analysis
    is unsure of never reaches here (the loader leaves it out), and would read "?".
    """
    if confidence is None or np.isnan(confidence):
        confidence = TEMPO_SURE
    return tempo_words(bpm, confidence) or "? BPM"


@dataclass
class DescriptorComparison:
    name: str
    value: float
    seeds: float
    difference: float  # on the descriptor's comparison scale, 0 = identical
    confidence: float | None = None  # the analysis's tempo confidence, for tempo

    @cached_property
    def text(self) -> str:
        # Descriptors in [0, 1] read as percentages, as on the track page and the sliders.
        if self.name in ("tempo_bpm", "tempo"):
            return (
                f"tempo {tempo_text(self.value, self.confidence)} vs your seeds' {self.seeds:.0f}"
            )
        return f"{self.name.replace('_', ' ')} {self.value:.0%} vs your seeds' {self.seeds:.0%}"


@dataclass
class TargetMatch:
    """How a result stands against one target the listener set."""

    name: str
    value: float
    target: float
    confidence: float | None = None  # the analysis's tempo confidence, for tempo

    @cached_property
    def text(self) -> str:
        label = self.name.replace("_", " ")
        if self.name in ("tempo_bpm", "tempo"):
            value = tempo_text(self.value, self.confidence)
            return f"tempo {value}, for your target of {self.target:.0f} BPM"
        return f"{label} {self.value:.0%}, for your target of {self.target:.0%}"


@dataclass
class Explanation:
    """Why a track was recommended.

    `shares` splits the score by component; the values add up to the score.
    """

    shares: dict[str, float]
    imputed_blocks: list[str] = field(default_factory=list)
    closest: list[DescriptorComparison] = field(default_factory=list)
    farthest: list[DescriptorComparison] = field(default_factory=list)
    shared_genres: list[str] = field(default_factory=list)
    related_genres: list[tuple[str, str, float]] = field(default_factory=list)
    seeds_in_common_playlists: int = 0
    common_playlists: int = 0
    diversity_note: str | None = None
    genre_similarity: float | None = None
    targets: list[TargetMatch] = field(default_factory=list)

    def sentences(self) -> list[str]:
        """Whole sentences (capital, full stop), in the words the web app uses."""
        out: list[str] = []
        if self.targets:
            out.append("; ".join(t.text for t in self.targets))
        if self.closest:
            out.append("Sounds alike: " + ", ".join(c.text for c in self.closest))
        if self.farthest:
            out.append("Differs most in " + ", ".join(c.text for c in self.farthest))
        if self.shared_genres:
            out.append("Shared genres: " + ", ".join(self.shared_genres))
        elif self.related_genres:
            g, seed_g, _ = self.related_genres[0]
            out.append(f"Its genre {g} is close to your {seed_g}")
        elif self._beyond_seed_genres():
            out.append("A step away from your seeds' genres")
        if self.common_playlists:
            out.append(
                f"In {self.common_playlists} playlist{'s' if self.common_playlists != 1 else ''}"
                f" with {self.seeds_in_common_playlists} of your seeds"
            )
        if self.shares.get("popularity"):
            out.append("Among the catalogue's most-played tracks")
        if self.imputed_blocks:
            missing = " or ".join(BLOCK_WORDS.get(b, b) for b in self.imputed_blocks)
            out.append(f"No {missing} data for it, so that part counts at the catalogue average")
        if self.diversity_note:
            out.append(self.diversity_note)
        return [as_sentence(x) for x in out]

    def _beyond_seed_genres(self) -> bool:
        """A genre mode counted it, and its genres are not related to the seeds'."""
        return (
            self.shares.get("genre_mode", 0.0) < 0
            and self.genre_similarity is not None
            and self.genre_similarity < RELATED_GENRE_SIMILARITY
        )


def as_sentence(text: str) -> str:
    """`text` as a sentence: a capital first, a full stop last (one reason per sentence)."""
    text = text.strip()
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def seed_means(
    descriptors: dict[str, NDArray[np.float64]], seed_rows: NDArray[np.int64]
) -> dict[str, float]:
    """Each descriptor's mean over the seeds that have it (computed once per request)."""
    seeds = np.asarray(seed_rows, dtype=np.int64)
    means: dict[str, float] = {}
    if not len(seeds):
        return means
    for name, values in descriptors.items():
        if name in CATEGORIES:
            continue
        seed_values = values[seeds]
        seed_values = seed_values[~np.isnan(seed_values)]
        if len(seed_values):
            means[name] = float(seed_values.mean())
    return means


def compare_descriptors(
    descriptors: dict[str, NDArray[np.float64]],
    rows: NDArray[np.int64],
    means: dict[str, float],
    *,
    closest: int = 2,
    farthest: int = 1,
) -> list[tuple[list[DescriptorComparison], list[DescriptorComparison]]]:
    """Per row: its descriptors nearest to and farthest from the seeds' means.

    Ties in difference go to the descriptor whose name sorts first; descriptors a
    track lacks are left out.
    """
    names = sorted(means)
    if not names:
        return [([], []) for _ in rows]
    values = np.stack([descriptors[name][rows] for name in names], axis=1)
    seeds = np.asarray([means[name] for name in names])
    scale = np.asarray([RANGES.get(name, 1.0) for name in names])
    difference = np.abs(values - seeds) / scale
    known = ~np.isnan(difference)
    # A stable sort over name-ordered columns breaks ties by name; unknowns sort last.
    order = np.argsort(np.where(known, difference, np.inf), axis=1, kind="stable")
    confidences = descriptors.get("tempo_confidence")
    out = []
    for i, count in enumerate(known.sum(axis=1).tolist()):
        near = order[i, : min(closest, count)].tolist()
        far = order[i, max(closest, count - farthest) : count][::-1].tolist()
        picked = {
            j: DescriptorComparison(
                names[j],
                float(values[i, j]),
                float(seeds[j]),
                float(difference[i, j]),
                None if confidences is None else float(confidences[rows[i]]),
            )
            for j in near + far
        }
        out.append(([picked[j] for j in near], [picked[j] for j in far]))
    return out


def genre_overlap(
    item_genres: Sequence[str],
    seed_genres: Sequence[str],
    similarity: dict[tuple[str, str], float],
) -> tuple[list[str], list[tuple[str, str, float]]]:
    if not item_genres or not seed_genres:
        return [], []
    shared = sorted(set(item_genres) & set(seed_genres))
    # A genre both have is "shared", never also "close to" another: that read as
    # "cool jazz ≈ jazz" beside "jazz ≈ cool jazz". Each pair is named once.
    related = sorted(
        (
            (g, s, similarity[(g, s)])
            for g in item_genres
            if g not in shared
            for s in seed_genres
            if g != s and similarity.get((g, s), 0.0) >= 0.5
        ),
        key=lambda t: (-t[2], t[0], t[1]),
    )
    seen: set[frozenset[str]] = set()
    unique = []
    for g, s, sim in related:
        if frozenset((g, s)) not in seen:
            seen.add(frozenset((g, s)))
            unique.append((g, s, sim))
    return shared, unique[:3]
