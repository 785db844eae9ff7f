"""What `Recommender.recommend` returns: ranked tracks, their explanations, list notes.

An explanation is computed when it is first read, for every pick of its list at once
(`resonance.recommend.picks_explained`). A caller that only needs the ranking — an
evaluation asking for 500 tracks, a pipeline that filters and keeps a few — never pays
for it; the API, which shows every result, pays once per list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Protocol

from resonance.recommend.explain import Explanation


class UnknownSeedsError(LookupError):
    """Seeds that are not in the catalogue; `.missing` names them."""

    def __init__(self, missing_tracks: list[int], missing_artists: list[int]) -> None:
        self.missing_tracks = missing_tracks
        self.missing_artists = missing_artists
        parts = []
        if missing_tracks:
            parts.append(f"tracks {missing_tracks}")
        if missing_artists:
            parts.append(f"artists {missing_artists}")
        super().__init__("unknown seeds: " + ", ".join(parts))


class EmptyCatalogueError(RuntimeError):
    """The recommender was asked for items before anything was indexed."""


class Recommendation:
    """One recommended track: its score, its rank and why.

    Parameters
    ----------
    track_id, score, rank
        The track, its score and its place in the list (1 = first).
    explanation
        Why it was picked, its shares adding up to `score`; or, instead,
    explain
        a function that computes that explanation, called once, on first reading.
    """

    __slots__ = ("_explain", "_explanation", "rank", "score", "track_id")

    def __init__(
        self,
        track_id: int,
        score: float,
        explanation: Explanation | None = None,
        rank: int = 0,
        *,
        explain: Callable[[], Explanation] | None = None,
    ) -> None:
        if (explanation is None) == (explain is None):
            raise TypeError("give either an explanation or a function that computes it")
        self.track_id = track_id
        self.score = score
        self.rank = rank
        self._explanation = explanation
        self._explain = explain

    @property
    def explanation(self) -> Explanation:
        """Why this track was picked (computed on first reading, then kept)."""
        if self._explanation is None:
            assert self._explain is not None
            self._explanation = self._explain()
            self._explain = None
        return self._explanation

    def __repr__(self) -> str:
        return f"Recommendation(track_id={self.track_id}, score={self.score}, rank={self.rank})"


class ExplanationSource(Protocol):
    """What explains a ranked list: the explanation of the pick at a 0-based position."""

    def explanation(self, position: int) -> Explanation: ...


class _RankedPick(Recommendation):
    """A pick whose explanation its list's source builds when first read; made with
    positional arguments and no checks, as `ranked_picks` makes up to 1,000 per query."""

    __slots__ = ("_source",)

    def __init__(self, track_id: int, score: float, rank: int, source: ExplanationSource) -> None:
        self.track_id = track_id
        self.score = score
        self.rank = rank
        self._explanation = None  # `_explain` stays unset: this class never reads it
        self._source = source

    @property
    def explanation(self) -> Explanation:
        if self._explanation is None:
            self._explanation = self._source.explanation(self.rank - 1)
        return self._explanation


def ranked_picks(
    track_ids: Sequence[int], scores: Sequence[float], source: ExplanationSource
) -> list[Recommendation]:
    """A list's picks in order (rank 1 first), explained by `source` on first reading.

    A fifth of the cost of making them one by one with a bound explanation function
    each (0.2 against 1.0 ms for 500 picks, measured under load).
    """
    return list(map(_RankedPick, track_ids, scores, range(1, len(track_ids) + 1), repeat(source)))


class Recommendations(list[Recommendation]):
    """A list of recommendations, best first, with notes on the list as a whole
    (a popularity fallback, say) in `notes`."""

    def __init__(self, items: list[Recommendation] | None = None, notes: list[str] | None = None):
        super().__init__(items or [])
        self.notes: list[str] = list(notes or [])
