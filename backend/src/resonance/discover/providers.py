"""The candidate-provider interface: seeds in, candidate tracks with provenance out.

A provider is anything with a `name` and `candidates(seed)`: it yields batches of
candidates as it finds them, so the caller can store each batch before the next
request (a provider that fails halfway loses nothing already found).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from resonance.catalog import TrackIn

SeedKind = Literal["track", "artist", "genre"]


@dataclass(frozen=True, slots=True)
class Seed:
    """Something the listener plays: a track or an artist (Spotify ids) or a genre name."""

    kind: SeedKind
    ref: str
    label: str
    # A track seed's ISRC and its primary artist's name: how other services find it.
    isrc: str | None = None
    artist: str | None = None

    def as_dict(self) -> dict[str, str]:
        extra = {k: v for k, v in (("isrc", self.isrc), ("artist", self.artist)) if v}
        return {"kind": self.kind, "ref": self.ref, "label": self.label} | extra

    @classmethod
    def from_dict(cls, value: dict[str, Any]) -> Seed:
        kind = value["kind"]
        if kind not in ("track", "artist", "genre"):
            raise ValueError(f"unknown seed kind {kind!r}")
        return cls(
            kind,
            str(value["ref"]),
            str(value["label"]),
            isrc=value.get("isrc") or None,
            artist=value.get("artist") or None,
        )


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a candidate came from: which provider, from which seed, and why."""

    provider: str
    seed: Seed
    relation: str  # album_by_seed_artist, genre_search, similar_artist, similar_track…
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Candidate:
    """A track a provider proposes, with the genres it can vouch for."""

    track: TrackIn
    provenance: Provenance
    track_genres: list[str] = field(default_factory=list)
    # Full artist objects seen on the way (Spotify id → genres), to fill in the catalogue.
    artist_genres: dict[str, list[str]] = field(default_factory=dict)


class CandidateProvider(Protocol):
    """A source of candidates. Implementations count their requests against a budget,
    cache their answers and raise `ProviderFailed` when the source is down or unusable."""

    name: str

    def accepts(self, seed: Seed) -> bool: ...

    def candidates(self, seed: Seed) -> AsyncIterator[list[Candidate]]: ...


class ProviderFailed(Exception):
    """A provider's answer could not be used (garbage, wrong shape)."""

    def __init__(self, provider: str, reason: str) -> None:
        super().__init__(f"provider {provider}: {reason}")
        self.provider = provider
        self.reason = f"Discovery provider {provider!r} failed: {reason}"
