"""A track's genre vector: the normalised mean of its known genres, whoever shares its list."""

from __future__ import annotations

import numpy as np

from resonance.vectors import GenreSpace


def test_tracks_sharing_a_genre_list_get_its_mean_and_unknown_genres_are_ignored() -> None:
    space = GenreSpace.fit([["folk", "indie folk"], ["house", "deep house"], ["folk", "house"]])
    tracks = [["folk", "house"], [], ["no such genre"], ["folk", "house"], ["house", "zzz"]]
    matrix, mask = space.track_matrix(tracks)
    assert mask.tolist() == [True, False, False, True, True]
    mean = space.vectors[[space.names.index("folk"), space.names.index("house")]].mean(axis=0)
    assert np.allclose(matrix[0], mean / np.linalg.norm(mean), atol=1e-6)
    assert (matrix[0] == matrix[3]).all()
    assert np.allclose(matrix[4], space.vector(["house"]), atol=1e-6)
    assert not matrix[1].any() and not matrix[2].any()
    assert np.allclose(np.linalg.norm(matrix[mask], axis=1), 1.0, atol=1e-5)
