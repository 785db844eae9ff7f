"""Ingestion: Spotify libraries and playlists, and Exportify CSV files, into the catalogue."""
