"""Synthetic catalogues with genre structure, for tests and benchmarks.

Tracks belong to genre families; audio descriptors, Spotify features and
playlist memberships are drawn around per-family centres, so a good recommender
keeps to the seed's family and a broken one does not.
"""

from __future__ import annotations

import numpy as np

from resonance.vectors.snapshot import Catalogue

FAMILIES = {
    "folk": ["folk", "indie folk", "singer-songwriter"],
    "house": ["house", "deep house", "tech house"],
    "techno": ["techno", "minimal techno", "industrial techno"],
    "jazz": ["jazz", "bebop", "cool jazz"],
    "metal": ["metal", "thrash metal", "doom metal"],
    "classical": ["classical", "baroque", "romantic era"],
    "hip hop": ["hip hop", "boom bap", "trap"],
    "ambient": ["ambient", "drone", "dark ambient"],
}


def synthetic_catalogue(
    n_tracks: int,
    *,
    audio_dim: int = 48,
    n_playlists: int | None = None,
    playlist_len: int = 30,
    seed: int = 0,
    audio_coverage: float = 1.0,
    genre_coverage: float = 1.0,
    spotify_coverage: float = 0.0,
) -> tuple[Catalogue, np.ndarray]:
    """Return a catalogue and each track's family index (the ground truth)."""
    rng = np.random.default_rng(seed)
    names = list(FAMILIES)
    family = rng.integers(0, len(names), n_tracks)
    centres = rng.normal(0, 1.0, (len(names), audio_dim))
    # Real descriptor vectors are strongly correlated (MFCC and spectral statistics move
    # together): variation lives in a few latent directions plus a little noise.
    mixing = rng.normal(0, 1.0 / np.sqrt(12), (12, audio_dim))
    latent = rng.normal(0, 1.0, (n_tracks, 12)) @ mixing
    audio = (centres[family] + 0.9 * latent + rng.normal(0, 0.25, (n_tracks, audio_dim))).astype(
        np.float32
    )
    spotify_centres = rng.uniform(0, 1, (len(names), 9))
    spotify = np.clip(spotify_centres[family] + rng.normal(0, 0.12, (n_tracks, 9)), 0, 1)
    n_artists = max(8, n_tracks // 12)
    artist_family = rng.integers(0, len(names), n_artists)
    # Each track's artist comes from its family.
    artists_by_family = [np.flatnonzero(artist_family == f) for f in range(len(names))]
    for f, members in enumerate(artists_by_family):
        if not len(members):
            artists_by_family[f] = np.asarray([f % n_artists])
    # One draw per track in track order, the stream `rng.choice` per track would use.
    sizes = np.asarray([len(members) for members in artists_by_family])
    picked = rng.integers(0, sizes[family])
    starts = np.cumsum(sizes) - sizes
    artist_ids = np.concatenate(artists_by_family).astype(np.int64)[starts[family] + picked]
    album_ids = artist_ids * 4 + rng.integers(0, 4, n_tracks)
    artist_genres = [
        sorted(rng.choice(FAMILIES[names[f]], size=2, replace=False).tolist())
        for f in artist_family
    ]
    genres = [artist_genres[a] if rng.random() < genre_coverage else [] for a in artist_ids]
    tracks_by_family = [np.flatnonzero(family == f) for f in range(len(names))]
    popularity = rng.pareto(1.2, n_tracks) + 1
    n_playlists = n_playlists if n_playlists is not None else max(10, n_tracks // 10)
    samplers = [_WeightedSampler(popularity[pool]) for pool in tracks_by_family]
    playlists = []
    for _ in range(n_playlists):
        f = int(rng.integers(0, len(names)))
        pool = tracks_by_family[f]
        if not len(pool):
            continue
        size = min(len(pool), int(rng.integers(playlist_len // 2, playlist_len * 3 // 2 + 1)))
        chosen = pool[samplers[f].draw(rng, size)]
        # A few tracks from a neighbouring family, as real playlists wander.
        other = tracks_by_family[(f + 1) % len(names)]
        if len(other):
            chosen = np.concatenate([chosen, rng.choice(other, size=min(2, len(other)))])
        playlists.append(np.unique(chosen).astype(np.int64))
    energy = np.clip(spotify[:, 1], 0, 1)
    tempo = 60 + 120 * spotify[:, 8]
    catalogue = Catalogue(
        track_ids=np.arange(1, n_tracks + 1, dtype=np.int64),
        artist_ids=artist_ids,
        album_ids=album_ids,
        audio=audio,
        audio_mask=rng.random(n_tracks) < audio_coverage,
        spotify=spotify.astype(np.float32),
        spotify_mask=rng.random(n_tracks) < spotify_coverage,
        genres=genres,
        playlists=playlists,
        artist_genres=artist_genres,
        descriptors={"energy": energy.astype(np.float64), "tempo_bpm": tempo.astype(np.float64)},
        explicit=rng.random(n_tracks) < 0.1,
    )
    return catalogue, family


class _WeightedSampler:
    """Draws what `rng.choice(len(weights), size, replace=False, p=weights / total)` draws,
    with the first round's cumulative distribution computed once instead of per call.

    numpy draws `size` with replacement from the cumulative distribution, keeps the
    distinct ones in draw order and draws again for the rest with the kept weights zeroed.
    Its validation and cumulative sum over the whole pool on every call were 120 s of
    CPU for the 50,000 playlists of a million-track catalogue; here the first round,
    where most playlists end, costs a binary search. Same stream, same catalogue.
    """

    def __init__(self, weights: np.ndarray) -> None:
        self.p = weights / weights.sum() if len(weights) else weights
        self.cdf = np.cumsum(self.p)
        if len(self.cdf):
            self.cdf /= self.cdf[-1]

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        found = np.zeros(size, np.int64)
        n_found, cdf, p = 0, self.cdf, self.p
        while n_found < size:
            x = rng.random((size - n_found,))
            if n_found > 0:
                p = p.copy() if p is self.p else p
                p[found[:n_found]] = 0
                cdf = np.cumsum(p)
                cdf /= cdf[-1]
            new = cdf.searchsorted(x, side="right")
            _, unique_indices = np.unique(new, return_index=True)
            unique_indices.sort()
            new = new.take(unique_indices)
            found[n_found : n_found + new.size] = new
            n_found += new.size
        return found
