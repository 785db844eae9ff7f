"""Co-occurrence neighbours of a set of seed tracks in the corpus.

For each seed, the playlists holding it (the track → playlists CSR); the playlists
holding the most seeds are read (the playlist → tracks CSR), and every other track in
them is scored by how many seeds it shares playlists with, damped by its overall
popularity. All of it is vectorised over a few hundred thousand integers at most, so a
lookup stays within milliseconds at the MPD's full size (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from resonance.discover.corpus.store import CorpusArrays, TrackText, current_generation

MAX_SEEDS = 64  # one bit per seed in a 64-bit mask


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A track that shares corpus playlists with seeds, and the evidence for it."""

    uri: str
    text: TrackText
    playlists: int  # read playlists holding this track and at least one seed
    seeds: tuple[int, ...]  # positions (in the seed list) of the seeds it shares them with
    score: float

    @property
    def spotify_id(self) -> str:
        return self.uri.rsplit(":", 1)[-1]


@dataclass(frozen=True, slots=True)
class LookupLimits:
    """Caps that keep a lookup fast whatever the seeds' popularity.

    `per_seed` playlists are read per seed (evenly spaced through its list when it has
    more), then the `playlists` holding the most seeds. Below both caps the counts are
    exact; above them they are counts over the playlists read.
    """

    per_seed: int = 5_000
    playlists: int = 1_000


class Corpus:
    """The live corpus generation under a folder, opened read-only."""

    def __init__(self, arrays: CorpusArrays) -> None:
        self.arrays = arrays
        a = arrays
        # Playlist membership per track (its "document frequency"), for damping hits.
        self._popularity = a.track_indptr
        # Sort keys as narrow as the corpus allows: numpy sorts 66,000 uint32 keys in
        # 60 % of the time it takes for int64 (1.4 against 2.3 ms, measured), and the two
        # sorts are most of a lookup's CPU. Playlist << 6 fits 32 bits below 2^25 playlists.
        self._seed_key: type[np.signedinteger[Any]] = (
            np.int32 if a.n_playlists < 1 << 25 else np.int64
        )

    def warm(self) -> None:
        """Read one value per page of the arrays a lookup reads, so that the first
        lookups find them in memory instead of faulting them in one page at a time."""
        a = self.arrays
        for array in (a.track_indptr, a.track_playlists, a.playlist_indptr, a.playlist_tracks):
            if len(array):
                int(np.asarray(array[:: max(1, 4096 // array.itemsize)]).sum())

    @classmethod
    def open(cls, root: Path) -> Corpus | None:
        """The corpus imported under ROOT, or None when there is none yet."""
        folder = current_generation(root)
        return cls(CorpusArrays(folder)) if folder is not None else None

    def neighbours(
        self,
        seed_ids: Sequence[str],
        *,
        limit: int = 50,
        limits: LookupLimits = LookupLimits(),
    ) -> list[Neighbour]:
        """The best LIMIT co-occurrence neighbours of the seeds (22-character Spotify ids).

        Seeds not in the corpus are ignored; only the first `MAX_SEEDS` seeds count.
        """
        a = self.arrays
        numbers = a.find(list(seed_ids[:MAX_SEEDS]))
        present = [(pos, n) for pos, n in enumerate(numbers) if n is not None]
        if not present or limit <= 0:
            return []
        indptr, members = a.track_indptr, a.track_playlists
        lists = []
        for position, number in present:
            start, end = int(indptr[number]), int(indptr[number + 1])
            if end - start > limits.per_seed:
                picked = members[np.linspace(start, end - 1, limits.per_seed).astype(np.int64)]
            else:
                picked = members[start:end]
            # playlist << 6 | seed position: one sort groups by playlist.
            narrow: np.ndarray[Any, Any] = picked.astype(self._seed_key)
            lists.append((narrow << 6) | position)
        keys = np.sort(np.concatenate(lists))
        playlist_ids = (keys >> 6).astype(np.int64)
        masks = np.left_shift(np.uint64(1), (keys & 63).astype(np.uint64))
        starts = np.flatnonzero(np.r_[True, playlist_ids[1:] != playlist_ids[:-1]])
        playlists = playlist_ids[starts]
        playlist_masks = np.bitwise_or.reduceat(masks, starts)
        seeds_in = np.diff(np.r_[starts, len(keys)])
        if len(playlists) > limits.playlists:
            # The playlists with the most seeds; among equals, the lower numbers.
            keep = np.sort(np.argsort(-seeds_in, kind="stable")[: limits.playlists])
            playlists, playlist_masks, seeds_in = (
                playlists[keep],
                playlist_masks[keep],
                seeds_in[keep],
            )
        p_starts = a.playlist_indptr[playlists]
        lengths = a.playlist_indptr[playlists + 1] - p_starts
        total = int(lengths.sum())
        if total == 0:
            return []
        # Every entry of the chosen playlists, gathered with one index array, keyed
        # track << bits | chosen-playlist index so one sort groups by track.
        shift = np.repeat(p_starts - np.cumsum(lengths) + lengths, lengths)
        tracks = a.playlist_tracks[np.arange(total, dtype=np.int64) + shift]
        bits = max(1, len(playlists).bit_length())
        dtype = np.uint32 if a.n_tracks < 1 << (32 - bits) else np.uint64
        chosen = np.repeat(np.arange(len(playlists), dtype=dtype), lengths)
        keys = np.sort((tracks.astype(dtype) << dtype(bits)) | chosen)
        tracks = (keys >> dtype(bits)).astype(np.int64)
        chosen = (keys & dtype((1 << bits) - 1)).astype(np.int64)
        firsts = np.flatnonzero(np.r_[True, tracks[1:] != tracks[:-1]])
        unique = tracks[firsts]
        hits = np.diff(np.r_[firsts, len(tracks)])
        weight = np.add.reduceat(seeds_in[chosen], firsts).astype(np.float64)
        seed_masks = np.bitwise_or.reduceat(playlist_masks[chosen], firsts)
        shared_seeds = np.bitwise_count(seed_masks).astype(np.float64)
        popularity = (self._popularity[unique + 1] - self._popularity[unique]).astype(np.float64)
        # Weight by seeds per playlist, reward breadth over seeds, damp popularity
        # (a track in every party playlist co-occurs with everything).
        score = weight * shared_seeds / np.sqrt(popularity)
        score[np.isin(unique, np.array([n for _, n in present], np.int64))] = -1.0
        if len(score) > limit:
            top = np.argpartition(-score, limit - 1)[:limit]
        else:
            top = np.arange(len(score))
        best = top[np.lexsort((unique[top], -score[top]))]
        best = best[score[best] > 0]
        out = []
        for i in best:
            number, mask = int(unique[i]), int(seed_masks[i])
            out.append(
                Neighbour(
                    uri=a.uri(number),
                    text=a.track_text_of(number),
                    playlists=int(hits[i]),
                    seeds=tuple(pos for pos, _ in present if mask >> pos & 1),
                    score=float(score[i]),
                )
            )
        return out
