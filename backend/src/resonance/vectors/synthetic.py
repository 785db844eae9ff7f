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
    artist_ids = np.asarray([rng.choice(artists_by_family[f]) for f in family], dtype=np.int64)
    album_ids = artist_ids * 4 + rng.integers(0, 4, n_tracks)
    artist_genres = [
        sorted(rng.choice(FAMILIES[names[f]], size=2, replace=False).tolist())
        for f in artist_family
    ]
    genres = [artist_genres[a] if rng.random() < genre_coverage else [] for a in artist_ids]
    tracks_by_family = [np.flatnonzero(family == f) for f in range(len(names))]
    popularity = rng.pareto(1.2, n_tracks) + 1
    n_playlists = n_playlists if n_playlists is not None else max(10, n_tracks // 10)
    playlists = []
    for _ in range(n_playlists):
        f = int(rng.integers(0, len(names)))
        pool = tracks_by_family[f]
        if not len(pool):
            continue
        weights = popularity[pool] / popularity[pool].sum()
        size = min(len(pool), int(rng.integers(playlist_len // 2, playlist_len * 3 // 2 + 1)))
        chosen = rng.choice(pool, size=size, replace=False, p=weights)
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
