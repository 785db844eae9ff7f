"""Explanations of one list's picks, computed together on first demand.

Building an `Explanation` is most of the cost of a long list: for 500 picks, about half
of a query's time (issue #14's profile). The numbers it rests on — each pick's score
components — are fixed when the list is ranked, so deferring the rest changes nothing
in what is shown: the shares are the same arrays that summed to the score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from resonance.recommend.explain import (
    Explanation,
    compare_descriptors,
    genre_overlap,
    seed_means,
)
from resonance.vectors import BLOCK_NAMES, IntArray

if TYPE_CHECKING:
    from resonance.recommend.recommender import Recommender
    from resonance.recommend.scoring import Scored


@dataclass
class PickExplanations:
    """The explanations of a list's picks, all built at the first request for any.

    Parameters
    ----------
    model
        The recommender that ranked the list.
    scored
        Every scored candidate, best first (`score_candidates`).
    picks
        Indices into `scored`, in list order, each with its diversity note.
    seed_rows
        The seeds' rows.
    """

    model: Recommender
    scored: Scored
    picks: list[tuple[int, str | None]]
    seed_rows: IntArray
    _built: list[Explanation] | None = field(default=None, init=False, repr=False)

    def explanation(self, position: int) -> Explanation:
        """The explanation of the pick at `position` (0-based) in the list."""
        if self._built is None:
            self._built = self._build()
            # The ranking arrays are no longer needed once every explanation exists.
            del self.scored, self.picks
        return self._built[position]

    def _build(self) -> list[Explanation]:
        """Every pick's explanation, each array step done once for all of them."""
        model, scored, picks, seed_rows = self.model, self.scored, self.picks, self.seed_rows
        index = np.asarray([i for i, _ in picks], np.int64)
        rows = scored.rows[index]
        catalogue = model.catalogue
        cooc = model.vectors.cooc
        with_seeds, playlists = cooc.shared_playlists(
            rows, seed_rows, cooc.seed_playlists(seed_rows)
        )
        comparisons = compare_descriptors(
            catalogue.descriptors, rows, seed_means(catalogue.descriptors, seed_rows)
        )
        seed_genres = sorted({g for s in seed_rows.tolist() for g in catalogue.genres[s]})
        shares = {name: values[index].tolist() for name, values in scored.components.items()}
        imputed = scored.imputed[index].tolist()
        genre_sim = scored.genre_similarity[index].tolist()
        out = []
        for k, (row, (_, note)) in enumerate(zip(rows.tolist(), picks, strict=True)):
            item_genres = catalogue.genres[row]
            shared, related = genre_overlap(
                item_genres, seed_genres, model.genre_pairs(item_genres, seed_genres)
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
