"""What a caller can ask of the recommender."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

GenreMode = Literal["focus", "blend", "explore"]


# One source of truth for how many results may be asked for: the HTTP API (and the web
# app and CLI, which read its schema) stop at API_MAX_N; the library allows more for
# offline evaluation (the RecSys Challenge protocol asks for 500).
API_MAX_N = 100
LIBRARY_MAX_N = 1000


@dataclass(frozen=True)
class Seeds:
    """Tracks and/or artists to start from (external track and artist ids)."""

    track_ids: tuple[int, ...] = ()
    artist_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "track_ids", tuple(self.track_ids))
        object.__setattr__(self, "artist_ids", tuple(self.artist_ids))


@dataclass(frozen=True)
class Target:
    """Pull results toward a descriptor value.

    Parameters
    ----------
    name
        A descriptor: "energy", "brightness", "tempo_bpm", "valence" … (any the catalogue has).
    value
        The wanted value, in the descriptor's own unit ([0, 1], or BPM for tempo).
    strength
        0 (ignore) … 1 (strongest pull).
    """

    name: str
    value: float
    strength: float = 0.5


@dataclass(frozen=True)
class RecommendOptions:
    """Filters and re-ranking controls.

    Parameters
    ----------
    exclude_seeds
        Leave the seed tracks out of the results.
    exclude
        Track ids never to return (the seed playlist, the user's library …).
    allow_explicit
        False drops tracks flagged explicit.
    targets
        Descriptor targets (see `Target`).
    genre_mode
        "focus" keeps results in genres related to the seeds', "blend" lets genre
        count only through its vector block, "explore" favours other genres among
        tracks that are otherwise similar.
    diversity
        MMR λ in [0, 1]: 0 ranks by score alone; higher trades score for variety, about
        evenly (see `mmr.diversify`). The default 0.1 changes about one track in 20.
    max_per_artist, max_per_album
        Caps on results sharing a primary artist / album: a number, None (no cap) or
        "auto" = max(2, ⌈n / 10⌉), so no artist takes more than a tenth of a long list
        (fixed small caps cost a quarter of recall@500 on real playlists).
    candidates
        How many nearest neighbours to fetch from the index (default max(200, 10·n)).
    """

    exclude_seeds: bool = True
    exclude: frozenset[int] = field(default_factory=frozenset)
    allow_explicit: bool = True
    targets: tuple[Target, ...] = ()
    genre_mode: GenreMode = "blend"
    diversity: float = 0.1
    max_per_artist: int | Literal["auto"] | None = "auto"
    max_per_album: int | Literal["auto"] | None = "auto"
    candidates: int | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.diversity <= 1.0:
            raise ValueError("diversity must be within [0, 1]")
        if self.genre_mode not in ("focus", "blend", "explore"):
            raise ValueError("genre_mode must be focus, blend or explore")
        for cap in (self.max_per_artist, self.max_per_album):
            if isinstance(cap, int) and cap < 1:
                raise ValueError("caps must be at least 1")
        for target in self.targets:
            if not 0.0 <= target.strength <= 1.0:
                raise ValueError(f"target {target.name!r}: strength must be within [0, 1]")
        object.__setattr__(self, "exclude", frozenset(self.exclude))
        object.__setattr__(self, "targets", tuple(self.targets))


def resolve_cap(cap: int | Literal["auto"] | None, n: int) -> int | None:
    if cap == "auto":
        return max(2, math.ceil(n / 10))
    return cap
