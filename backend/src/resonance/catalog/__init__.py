"""The catalogue: users, artists, albums, tracks, playlists, genres and per-track features."""
