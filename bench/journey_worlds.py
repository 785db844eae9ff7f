"""Catalogues for bench/journeys.py: synthetic at any size, and the sandbox's demo world.

The demo world is built in-process the way `resonance.vectors.load_catalogue` would read
it after an ingest of every playlist and library, without the audio analysis: Spotify
features stand in for the analysed tempo, key and energy (the demo audio is synthesised
from those same features).
"""

from __future__ import annotations

import numpy as np

from resonance.vectors import Catalogue, synthetic_catalogue
from resonance.vectors.cooc import cooccurrence_windows
from resonance.vectors.loader import SPOTIFY_BLOCK


def synthetic(n_tracks: int, seed: int = 7) -> tuple[Catalogue, list[list[int]]]:
    """The synthetic catalogue with keys drawn uniformly (24 keys, as a real catalogue
    spreads), and no playlists of its own to order."""
    catalogue, _ = synthetic_catalogue(n_tracks, seed=seed)
    rng = np.random.default_rng(seed)
    catalogue.descriptors["key"] = rng.integers(0, 12, n_tracks).astype(np.float64)
    catalogue.descriptors["mode"] = rng.integers(0, 2, n_tracks).astype(np.float64)
    return catalogue, []


def demo_world() -> tuple[Catalogue, list[list[int]]]:
    """The demo world's catalogue, and its playlists as lists of track ids."""
    from resonance.sandbox.world import build_world

    world = build_world()
    track_keys = sorted(world.tracks)
    row_of = {t: i for i, t in enumerate(track_keys)}
    artist_index = {a: i for i, a in enumerate(sorted(world.artists))}
    album_index = {a: i for i, a in enumerate(sorted(world.albums))}
    tracks = [world.tracks[t] for t in track_keys]
    n = len(tracks)
    features = [t.features for t in tracks]
    spotify = np.asarray([[float(f[name]) for name in SPOTIFY_BLOCK] for f in features], np.float32)
    genres = [sorted(world.artists[t.artist_ids[0]].genres) for t in tracks]
    lists = [[row_of[t] for t in p.track_ids] for p in world.playlists.values()]
    for user in world.users.values():
        lists += [[row_of[t] for t, _ in user.saved], [row_of[t] for t in user.top]]
    descriptors = {
        "tempo_bpm": np.asarray([f["tempo"] for f in features], np.float64),
        "key": np.asarray([f["key"] for f in features], np.float64),
        "mode": np.asarray([f["mode"] for f in features], np.float64),
        "energy": np.asarray([f["energy"] for f in features], np.float64),
        "valence": np.asarray([f["valence"] for f in features], np.float64),
    }
    catalogue = Catalogue(
        track_ids=np.arange(1, n + 1, dtype=np.int64),
        artist_ids=np.asarray([artist_index[t.artist_ids[0]] for t in tracks], np.int64),
        album_ids=np.asarray([album_index[t.album_id] for t in tracks], np.int64),
        audio=np.zeros((n, 1), np.float32),
        audio_mask=np.zeros(n, bool),
        spotify=spotify,
        spotify_mask=np.ones(n, bool),
        genres=genres,
        playlists=[
            np.asarray(w, np.int64)
            for rows in lists
            for w in cooccurrence_windows(rows)
            if len(w) > 1
        ],
        artist_genres=[sorted(a.genres) for a in world.artists.values()],
        descriptors=descriptors,
        explicit=np.asarray([t.explicit for t in tracks], bool),
    )
    playlists = [[row_of[t] + 1 for t in p.track_ids] for p in world.playlists.values()]
    return catalogue, playlists
