"""The in-memory catalogue the vector builder and the recommender work from.

It is plain arrays and lists, so that the recommender runs without a database
(tests, benchmarks, notebooks); `resonance.vectors.loader` fills it from the DB.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

FloatMatrix = NDArray[np.float32]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass
class Catalogue:
    """Tracks as rows; every per-track array has one entry per row.

    Parameters
    ----------
    track_ids
        External ids (database ids) of the rows.
    artist_ids, album_ids
        Primary artist and album of each row (-1 when unknown); used for caps.
    audio, audio_mask
        Raw DSP descriptor vectors and which rows have them.
    spotify, spotify_mask
        Spotify audio features (danceability … tempo) and which rows have them.
    genres
        Genre names per row (possibly empty: no genre is not a guess).
    artist_genres
        Genre sets of artists, used to learn which genres go together.
    playlists
        Row indices of each playlist or library list, in order.
    descriptors
        Human-readable values per row for explanations (e.g. "energy", "tempo_bpm"),
        NaN where unknown.
    explicit
        Explicit-content flag per row.
    """

    track_ids: IntArray
    artist_ids: IntArray
    album_ids: IntArray
    audio: FloatMatrix
    audio_mask: BoolArray
    spotify: FloatMatrix
    spotify_mask: BoolArray
    genres: list[list[str]]
    playlists: list[IntArray]
    artist_genres: list[list[str]] = field(default_factory=list)
    descriptors: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    explicit: BoolArray | None = None

    def __post_init__(self) -> None:
        n = len(self.track_ids)
        for name in ("artist_ids", "album_ids", "audio_mask", "spotify_mask"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} rows, expected {n}")
        if self.audio.shape[0] != n or self.spotify.shape[0] != n or len(self.genres) != n:
            raise ValueError("audio, spotify and genres must have one row per track")
        for name, values in self.descriptors.items():
            if len(values) != n:
                raise ValueError(f"descriptor {name!r} has {len(values)} rows, expected {n}")
        if self.explicit is None:
            self.explicit = np.zeros(n, dtype=bool)

    @property
    def n_items(self) -> int:
        return len(self.track_ids)

    def subset(self, rows: IntArray) -> Catalogue:
        """The given rows, without playlists (they refer to the full catalogue's rows)."""
        return Catalogue(
            track_ids=self.track_ids[rows],
            artist_ids=self.artist_ids[rows],
            album_ids=self.album_ids[rows],
            audio=self.audio[rows],
            audio_mask=self.audio_mask[rows],
            spotify=self.spotify[rows],
            spotify_mask=self.spotify_mask[rows],
            genres=[self.genres[int(r)] for r in rows],
            playlists=[],
            descriptors={k: v[rows] for k, v in self.descriptors.items()},
            explicit=self.explicit[rows] if self.explicit is not None else None,
        )

    def extend(self, other: Catalogue) -> None:
        """Append another catalogue's rows (its playlists are not carried over)."""
        n, m = self.n_items, other.n_items
        self.track_ids = np.concatenate([self.track_ids, other.track_ids])
        self.artist_ids = np.concatenate([self.artist_ids, other.artist_ids])
        self.album_ids = np.concatenate([self.album_ids, other.album_ids])
        self.audio = np.vstack([self.audio, other.audio.astype(self.audio.dtype)])
        self.audio_mask = np.concatenate([self.audio_mask, other.audio_mask])
        self.spotify = np.vstack([self.spotify, other.spotify.astype(self.spotify.dtype)])
        self.spotify_mask = np.concatenate([self.spotify_mask, other.spotify_mask])
        self.genres = [*self.genres, *other.genres]
        for name in set(self.descriptors) | set(other.descriptors):
            mine = self.descriptors.get(name, np.full(n, np.nan))
            theirs = other.descriptors.get(name, np.full(m, np.nan))
            self.descriptors[name] = np.concatenate([mine, theirs])
        mine_explicit = self.explicit if self.explicit is not None else np.zeros(n, bool)
        theirs_explicit = other.explicit if other.explicit is not None else np.zeros(m, bool)
        self.explicit = np.concatenate([mine_explicit, theirs_explicit])
