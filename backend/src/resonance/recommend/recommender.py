"""`Recommender`: fit on a catalogue, then `recommend` and `similar_items`.

The steps of a query live beside it: `candidates` (seeds to candidate rows),
`scoring` (exact, additive scores), `mmr` (diversity and caps) and `picks_explained`
(the explanations, built when first read).
"""

from __future__ import annotations

from typing import Unpack

import numpy as np

from resonance.index import FitConfigs, FittedIndex, VectorIndex, replace_rows
from resonance.recommend.candidates import (
    candidate_rows,
    keep_allowed,
    most_played,
    playlist_evidence,
    popularity_share,
    query_vector,
    seed_rows_of,
)
from resonance.recommend.mmr import diversify, warm_up
from resonance.recommend.options import LIBRARY_MAX_N, RecommendOptions, Seeds
from resonance.recommend.picks_explained import PickExplanations
from resonance.recommend.results import (
    EmptyCatalogueError,
    Recommendation,
    Recommendations,
    UnknownSeedsError,
    ranked_picks,
)
from resonance.recommend.scoring import score_candidates
from resonance.vectors import (
    Catalogue,
    IntArray,
    ItemSimilarity,
    VectorSet,
    embed_rows,
)

__all__ = [
    "COLD_SEEDS",
    "DEFAULT_SIMILARITY",
    "FILLED",
    "EmptyCatalogueError",
    "Recommendation",
    "Recommendations",
    "Recommender",
    "UnknownSeedsError",
]

_NO_ROWS = np.empty(0, np.int64)

# Item-kNN similarity of the sparse candidate source, chosen by cross-validation on
# real playlists (docs/benchmarks.md, Quality): asymmetric cosine with shrinkage.
DEFAULT_SIMILARITY = ItemSimilarity(
    seed_exponent=0.75, candidate_exponent=0.4, shrink=20.0, locality=1.0
)

COLD_SEEDS = (
    "None of your seeds is in a playlist or has audio, Spotify or genre data yet, so"
    " these are the catalogue's most-played tracks (in the most playlists)."
)
FILLED = (
    "Too few tracks are related to your seeds to fill the list: it ends with the"
    " catalogue's most-played tracks."
)


class Recommender:
    """Content + co-occurrence recommender over one catalogue snapshot.

    Parameters
    ----------
    catalogue
        The tracks and their data.
    vectors
        Block vectors built from the catalogue (`build_vectors`).
    index
        A FAISS index over `vectors.vectors`.
    similarity
        How co-occurrence counts become item-kNN evidence (the sparse candidate
        source and the "playlists" share); `DEFAULT_SIMILARITY` unless given.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        vectors: VectorSet,
        index: VectorIndex,
        similarity: ItemSimilarity | None = None,
    ) -> None:
        if catalogue.n_items != index.size:
            raise ValueError("the index and the catalogue disagree on the number of tracks")
        self.catalogue = catalogue
        self.vectors = vectors
        self.index = index
        self.similarity = similarity or DEFAULT_SIMILARITY
        self._by_popularity: IntArray | None = None
        self._row_of = {int(t): i for i, t in enumerate(catalogue.track_ids)}
        self._rows_of_artist: dict[int, IntArray] = {}
        order = np.argsort(catalogue.artist_ids, kind="stable")
        artists, starts = np.unique(catalogue.artist_ids[order], return_index=True)
        for artist, rows in zip(artists, np.split(order, starts[1:]), strict=True):
            self._rows_of_artist[int(artist)] = rows.astype(np.int64)
        self._genre_pair_cache: dict[tuple[str, str], float] = {}
        # The compiled MMR loop, loaded (or compiled) with the model rather than by the
        # first request.
        warm_up()

    # --- construction ---------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        catalogue: Catalogue,
        *,
        similarity: ItemSimilarity | None = None,
        **configs: Unpack[FitConfigs],
    ) -> Recommender:
        """Build vectors and the index for `catalogue` (`FittedIndex.fit`'s configs)."""
        return cls.from_index(FittedIndex.fit(catalogue, **configs), similarity)

    @classmethod
    def from_index(
        cls, fitted: FittedIndex, similarity: ItemSimilarity | None = None
    ) -> Recommender:
        """Serve a fitted index (one loaded from an index version, say)."""
        return cls(fitted.catalogue, fitted.vectors, fitted.index, similarity)

    @property
    def fitted(self) -> FittedIndex:
        """The catalogue, vectors and index this model serves (what an index version holds)."""
        return FittedIndex(self.catalogue, self.vectors, self.index)

    @property
    def n_items(self) -> int:
        return self.catalogue.n_items

    def row_of(self, track_id: int) -> int:
        """The track's row in the catalogue, vectors and index (KeyError if unknown)."""
        return self._row_of[track_id]

    def has_track(self, track_id: int) -> bool:
        return track_id in self._row_of

    def has_vector(self, track_id: int) -> bool:
        """Whether the track is indexed with at least one block (something to compare)."""
        row = self._row_of.get(track_id)
        return row is not None and bool(self.vectors.masks[row].any())

    def artist_rows(self, artist_id: int) -> IntArray:
        """The rows of the artist's tracks (empty if the artist is unknown)."""
        return self._rows_of_artist.get(artist_id, _NO_ROWS)

    def by_popularity(self) -> IntArray:
        """Every row, the tracks in the most playlists first (ties by row)."""
        if self._by_popularity is None or len(self._by_popularity) != self.n_items:
            degree = self.vectors.cooc.degree
            self._by_popularity = np.lexsort((np.arange(self.n_items), -degree)).astype(np.int64)
        return self._by_popularity

    def genre_pairs(self, item: list[str], seeds: list[str]) -> dict[tuple[str, str], float]:
        """Similarity of each (item genre, seed genre) pair, remembered across queries."""
        space = self.vectors.genre_space
        out = {}
        for g in item:
            for s in seeds:
                key = (g, s)
                if key not in self._genre_pair_cache:
                    self._genre_pair_cache[key] = space.similarity(g, s)
                out[key] = self._genre_pair_cache[key]
        return out

    # --- queries --------------------------------------------------------------------

    def recommend(
        self,
        seeds: Seeds | list[int] | tuple[int, ...],
        n: int = 20,
        options: RecommendOptions | None = None,
    ) -> Recommendations:
        """Recommend `n` tracks for the seeds.

        Parameters
        ----------
        seeds
            `Seeds`, or a list of track ids (a repeated id counts once).
        n
            Number of results, 1 to `LIBRARY_MAX_N` (the HTTP API stops at `API_MAX_N`).
            Exactly `n` come back whenever the catalogue has `n` tracks left after the
            seeds and exclusions: related tracks first, then the most-played ones.
        options
            Filters and re-ranking (`RecommendOptions`).

        Returns
        -------
        Recommendations
            Best first; each with its score and an explanation whose shares sum to it;
            `.notes` says when the list fell back on popularity.
        """
        if not 1 <= n <= LIBRARY_MAX_N:
            raise ValueError(f"n must be between 1 and {LIBRARY_MAX_N}")
        if self.n_items == 0:
            raise EmptyCatalogueError("the catalogue is empty")
        options = options or RecommendOptions()
        if not isinstance(seeds, Seeds):
            seeds = Seeds(track_ids=tuple(seeds))
        seed_rows = seed_rows_of(self, seeds)
        query, query_mask = query_vector(self, seed_rows)
        evidence = playlist_evidence(self, seed_rows)
        cold = not query_mask.any() and not len(evidence[0])
        candidates = candidate_rows(self, query, evidence, seed_rows, n, options)
        candidates = keep_allowed(self, candidates, seed_rows, options)
        notes = [COLD_SEEDS] if cold else []
        if len(candidates) < n:
            # Twice the shortfall, so the caps and diversity still have a choice.
            extra = most_played(self, candidates, seed_rows, 2 * (n - len(candidates)), options)
            if len(extra):
                candidates = np.union1d(candidates, extra)
                if not cold:
                    notes.append(FILLED)
        if not len(candidates):
            return Recommendations([], notes)
        scored = score_candidates(
            self,
            candidates,
            seed_rows,
            query,
            query_mask,
            options,
            n,
            evidence,
            popularity=popularity_share(self, candidates) if cold else None,
        )
        picks = diversify(self, scored, n, options)
        index = np.fromiter((i for i, _ in picks), np.int64, len(picks))
        return Recommendations(
            ranked_picks(
                self.catalogue.track_ids[scored.rows[index]].tolist(),
                scored.total[index].tolist(),
                PickExplanations(self, scored, picks, seed_rows),
            ),
            notes,
        )

    def similar_items(self, track_id: int, n: int = 10) -> Recommendations:
        """Tracks most similar to one track, by score alone (no diversity, no caps)."""
        options = RecommendOptions(diversity=0.0, max_per_artist=None, max_per_album=None)
        return self.recommend(Seeds(track_ids=(track_id,)), n=n, options=options)

    def add_tracks(self, part: Catalogue) -> int:
        """Add tracks between rebuilds; returns how many were new.

        New rows are embedded with the statistics of this build (standardisation,
        genre space, weights). They have no co-occurrence evidence until the next
        full build, which the missing-block policy accounts for.
        """
        fresh = np.asarray([t not in self._row_of for t in part.track_ids], bool)
        if not fresh.any():
            return 0
        part = part.subset(np.flatnonzero(fresh))
        vectors, masks = embed_rows(self.vectors, part)
        start = self.n_items
        self.catalogue.extend(part)
        self.vectors.append(vectors, masks)
        self.index.add(vectors)
        for offset, track_id in enumerate(part.track_ids):
            self._row_of[int(track_id)] = start + offset
        for offset, artist in enumerate(part.artist_ids):
            rows = self._rows_of_artist.get(int(artist), np.empty(0, np.int64))
            self._rows_of_artist[int(artist)] = np.append(rows, start + offset)
        self._by_popularity = None
        return len(part.track_ids)

    def refresh_tracks(self, part: Catalogue) -> int:
        """Re-embed tracks the model has whose data arrived since (descriptors, say);
        returns how many. See `resonance.index.incremental`."""
        rows = np.asarray([self._row_of.get(int(t), -1) for t in part.track_ids], np.int64)
        known = np.flatnonzero(rows >= 0)
        if known.size:
            replace_rows(self.catalogue, self.vectors, self.index, rows[known], part.subset(known))
        return int(known.size)
