"""`Recommender`: fit on a catalogue, then `recommend` and `similar_items`."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from resonance.index import FittedIndex, IndexConfig, VectorIndex, replace_rows
from resonance.recommend.explain import (
    Explanation,
    compare_descriptors,
    genre_overlap,
    seed_means,
)
from resonance.recommend.mmr import diversify
from resonance.recommend.options import LIBRARY_MAX_N, RecommendOptions, Seeds
from resonance.recommend.scoring import Scored, score_candidates
from resonance.vectors import (
    BLOCK_NAMES,
    Catalogue,
    FloatMatrix,
    IntArray,
    ItemSimilarity,
    VectorConfig,
    VectorSet,
    embed_rows,
)

# Item-kNN similarity of the sparse candidate source, chosen by cross-validation on
# real playlists (docs/benchmarks.md, Quality): asymmetric cosine with shrinkage.
DEFAULT_SIMILARITY = ItemSimilarity(
    seed_exponent=0.75, candidate_exponent=0.4, shrink=20.0, locality=1.0
)

POPULARITY_WEIGHT = 1.0
COLD_SEEDS = (
    "None of your seeds is in a playlist or has audio, Spotify or genre data yet, so"
    " these are the catalogue's most-played tracks (in the most playlists)."
)
FILLED = (
    "Too few tracks are related to your seeds to fill the list: it ends with the"
    " catalogue's most-played tracks."
)


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


@dataclass
class Recommendation:
    track_id: int
    score: float
    explanation: Explanation
    rank: int


class Recommendations(list[Recommendation]):
    """A list of recommendations, best first, with notes on the list as a whole
    (a popularity fallback, say) in `notes`."""

    def __init__(self, items: list[Recommendation] | None = None, notes: list[str] | None = None):
        super().__init__(items or [])
        self.notes: list[str] = list(notes or [])


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
        self._map: FloatMatrix | None = None

    # --- construction ---------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        catalogue: Catalogue,
        vector_config: VectorConfig | None = None,
        index_config: IndexConfig | None = None,
        similarity: ItemSimilarity | None = None,
    ) -> Recommender:
        """Build vectors and the index for `catalogue`."""
        return cls.from_index(FittedIndex.fit(catalogue, vector_config, index_config), similarity)

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
        seed_rows = self._seed_rows(seeds)
        query, query_mask = self._query(seed_rows)
        evidence = self._evidence(seed_rows)
        cold = not query_mask.any() and not len(evidence[0])
        candidates = self._candidates(query, evidence, seed_rows, n, options)
        candidates = self._filter(candidates, seed_rows, options)
        notes: list[str] = []
        if cold:
            notes.append(COLD_SEEDS)
        elif len(candidates) < n:
            extra = self._fill(candidates, seed_rows, n - len(candidates), options)
            if len(extra):
                candidates = np.union1d(candidates, extra)
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
            popularity=self._popularity_share(candidates) if cold else None,
        )
        picks = diversify(self, scored, n, options)
        explanations = self._explain(scored, picks, seed_rows)
        return Recommendations(
            [
                Recommendation(
                    track_id=int(self.catalogue.track_ids[scored.rows[i]]),
                    score=float(scored.total[i]),
                    explanation=explanation,
                    rank=rank,
                )
                for rank, ((i, _), explanation) in enumerate(
                    zip(picks, explanations, strict=True), 1
                )
            ],
            notes,
        )

    def similar_items(self, track_id: int, n: int = 10) -> Recommendations:
        """Tracks most similar to one track, by score alone (no diversity, no caps)."""
        options = RecommendOptions(diversity=0.0, max_per_artist=None, max_per_album=None)
        return self.recommend(Seeds(track_ids=(track_id,)), n=n, options=options)

    # --- pipeline steps ---------------------------------------------------------------

    def _seed_rows(self, seeds: Seeds) -> IntArray:
        missing_tracks = [t for t in seeds.track_ids if t not in self._row_of]
        missing_artists = [a for a in seeds.artist_ids if a not in self._rows_of_artist]
        if missing_tracks or missing_artists:
            raise UnknownSeedsError(missing_tracks, missing_artists)
        rows = [self._row_of[t] for t in seeds.track_ids]
        for artist in seeds.artist_ids:
            artist_rows = self._rows_of_artist[artist]
            # An artist stands for its most-played tracks (playlist degree), at most 10.
            degree = self.vectors.cooc.degree[artist_rows]
            order = np.lexsort((artist_rows, -degree))
            rows.extend(int(r) for r in artist_rows[order[:10]])
        if not rows:
            raise ValueError("give at least one seed track or artist")
        return np.asarray(sorted(set(rows)), dtype=np.int64)

    def _query(self, seed_rows: IntArray) -> tuple[FloatMatrix, np.ndarray]:
        """Per block: mean direction of the seeds that have it, scaled by √w."""
        vectors = self.vectors
        query = np.zeros(vectors.dim, np.float32)
        query_mask = np.zeros(len(BLOCK_NAMES), bool)
        for b_index, block in enumerate(vectors.layout):
            have = seed_rows[vectors.masks[seed_rows, b_index]]
            if not len(have) or block.weight <= 0:
                continue
            mean = vectors.vectors[have, block.slice].mean(axis=0)
            norm = float(np.linalg.norm(mean))
            if norm > 1e-9:
                query[block.slice] = mean / norm * np.sqrt(block.weight)
                query_mask[b_index] = True
        return query, query_mask

    def _evidence(self, seed_rows: IntArray) -> tuple[IntArray, NDArray[np.float64]]:
        """Item-kNN evidence of every track co-occurring with a seed (seeds left out)."""
        rows, scores = self.vectors.cooc.similarity_scores(seed_rows, self.similarity)
        keep = ~np.isin(rows, seed_rows, assume_unique=True)
        return rows[keep], scores[keep]

    def _candidates(
        self,
        query: FloatMatrix,
        evidence: tuple[IntArray, NDArray[np.float64]],
        seed_rows: IntArray,
        n: int,
        options: RecommendOptions,
    ) -> IntArray:
        """The sparse co-occurrence evidence carries candidate generation: its best
        max(200, 3n) tracks, whatever the index would return. The vector index adds the
        nearest tracks by content (every block): max(200, 2n), or max(100, n/2) when the
        sparse source is full; HNSW is searched with efSearch ≥ K so it returns K."""
        cooc_rows, cooc_scores = evidence
        k_sparse = max(200, 3 * n)
        # With the sparse source full, the index adds fewer: its tracks without playlist
        # evidence rank below those with it, and a search costs in proportion to K.
        rich = len(cooc_rows) >= k_sparse
        k_dense = options.candidates or (max(100, n // 2) if rich else max(200, 2 * n))
        k_dense = min(k_dense + len(seed_rows), self.n_items)
        parts = []
        if float(np.abs(query).sum()) > 0:
            _, rows = self.index.search(query[None, :], k_dense)
            parts.append(rows[0][rows[0] >= 0])
        if len(cooc_rows) > k_sparse:
            top = np.argpartition(-cooc_scores, k_sparse - 1)[:k_sparse]
            parts.append(cooc_rows[top])
        elif len(cooc_rows):
            parts.append(cooc_rows)
        if not parts:
            return np.sort(self._popular()[: n + len(seed_rows) + len(options.exclude)])
        return np.unique(np.concatenate(parts))

    def _popular(self) -> IntArray:
        """Every row, the tracks in the most playlists first (ties by row)."""
        if self._by_popularity is None or len(self._by_popularity) != self.n_items:
            degree = self.vectors.cooc.degree
            self._by_popularity = np.lexsort((np.arange(self.n_items), -degree)).astype(np.int64)
        return self._by_popularity

    def _fill(
        self, candidates: IntArray, seed_rows: IntArray, k: int, options: RecommendOptions
    ) -> IntArray:
        """The k most-played tracks that pass the filters and are not candidates yet."""
        order = self._popular()
        size = len(candidates) + len(seed_rows) + len(options.exclude) + 2 * k
        while True:
            chunk = order[:size]
            extra = chunk[~np.isin(chunk, candidates)]
            extra = self._filter(extra, seed_rows, options)
            if len(extra) >= k or size >= len(order):
                return extra[:k]
            size *= 4

    def _popularity_share(self, candidates: IntArray) -> NDArray[np.float64]:
        """Popularity on [0, POPULARITY_WEIGHT]: log playlist count over the largest."""
        degree = self.vectors.cooc.degree.astype(np.float64)
        top = float(np.log1p(degree.max())) if len(degree) else 0.0
        if top <= 0:
            return np.zeros(len(candidates))
        return POPULARITY_WEIGHT * np.log1p(degree[candidates]) / top

    def _filter(
        self, candidates: IntArray, seed_rows: IntArray, options: RecommendOptions
    ) -> IntArray:
        keep = np.ones(len(candidates), bool)
        if options.exclude_seeds:
            keep &= ~np.isin(candidates, seed_rows)
        if options.exclude:
            excluded = [self._row_of[t] for t in options.exclude if t in self._row_of]
            keep &= ~np.isin(candidates, np.asarray(excluded, dtype=np.int64))
        if not options.allow_explicit and self.catalogue.explicit is not None:
            keep &= ~self.catalogue.explicit[candidates]
        return candidates[keep]

    # --- explanations -------------------------------------------------------------------

    def _explain(
        self, scored: Scored, picks: list[tuple[int, str | None]], seed_rows: IntArray
    ) -> list[Explanation]:
        """Explanations for the picks, each array step done once for all of them."""
        index = np.asarray([i for i, _ in picks], np.int64)
        rows = scored.rows[index]
        cooc = self.vectors.cooc
        with_seeds, playlists = cooc.shared_playlists(
            rows, seed_rows, cooc.seed_playlists(seed_rows)
        )
        comparisons = compare_descriptors(
            self.catalogue.descriptors, rows, seed_means(self.catalogue.descriptors, seed_rows)
        )
        seed_genres = sorted({g for s in seed_rows.tolist() for g in self.catalogue.genres[s]})
        shares = {name: values[index].tolist() for name, values in scored.components.items()}
        imputed = scored.imputed[index].tolist()
        genre_sim = scored.genre_similarity[index].tolist()
        out = []
        for k, (row, (_, note)) in enumerate(zip(rows.tolist(), picks, strict=True)):
            item_genres = self.catalogue.genres[row]
            shared, related = genre_overlap(
                item_genres, seed_genres, self._genre_pairs(item_genres, seed_genres)
            )
            out.append(
                Explanation(
                    shares={name: values[k] for name, values in shares.items()},
                    imputed_blocks=[
                        b for b, flag in zip(BLOCK_NAMES, imputed[k], strict=True) if flag
                    ],
                    closest=comparisons[k][0],
                    farthest=comparisons[k][1],
                    shared_genres=shared,
                    related_genres=related,
                    seeds_in_common_playlists=int(with_seeds[k]),
                    common_playlists=int(playlists[k]),
                    diversity_note=note,
                    genre_similarity=None if math.isnan(genre_sim[k]) else genre_sim[k],
                )
            )
        return out

    def _genre_pairs(self, item: list[str], seeds: list[str]) -> dict[tuple[str, str], float]:
        space = self.vectors.genre_space
        out = {}
        for g in item:
            for s in seeds:
                key = (g, s)
                if key not in self._genre_pair_cache:
                    self._genre_pair_cache[key] = space.similarity(g, s)
                out[key] = self._genre_pair_cache[key]
        return out

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
        self._map = None
        self._by_popularity = None
        return len(part.track_ids)

    def refresh_tracks(self, part: Catalogue) -> int:
        """Re-embed tracks the model has whose data arrived since (descriptors, say);
        returns how many. See `resonance.index.incremental`."""
        rows = np.asarray([self._row_of.get(int(t), -1) for t in part.track_ids], np.int64)
        known = np.flatnonzero(rows >= 0)
        if known.size:
            replace_rows(self.catalogue, self.vectors, self.index, rows[known], part.subset(known))
            self._map = None
        return int(known.size)

    def map_coordinates(self) -> FloatMatrix:
        """2-D coordinates of every track (PCA of the vectors), computed once per model."""
        if self._map is None:
            from sklearn.decomposition import PCA

            vectors = self.vectors.vectors
            if self.n_items < 3:
                self._map = np.zeros((self.n_items, 2), np.float32)
            else:
                pca = PCA(n_components=2, svd_solver="randomized", random_state=0)
                sample = vectors[:: max(1, self.n_items // 50_000)]
                self._map = pca.fit(sample).transform(vectors).astype(np.float32)
        return self._map
