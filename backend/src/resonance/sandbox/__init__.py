"""A Spotify-compatible server (accounts + a Web API subset) over a deterministic demo world."""
