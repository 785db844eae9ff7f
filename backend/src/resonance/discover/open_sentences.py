"""Explanations for what the open providers found, from the recorded provenance."""

from __future__ import annotations

from resonance.db import TrackProvenance

# Provider names as the listener reads them; a provider not listed shows its own name.
PROVIDER_NAMES = {
    "spotify": "Spotify",
    "listenbrainz": "ListenBrainz",
    "musicbrainz": "MusicBrainz",
    "lastfm": "Last.fm",
    "deezer": "Deezer",
    "corpus": "community playlists",
}
OPEN_PROVIDERS = frozenset({"listenbrainz", "lastfm", "deezer"})


def provider_name(provider: str) -> str:
    return PROVIDER_NAMES.get(provider, provider)


def open_sentence(row: TrackProvenance) -> str | None:
    """One sentence for an open provider's find; None for other providers' rows."""
    if row.provider not in OPEN_PROVIDERS:
        return None
    service = PROVIDER_NAMES[row.provider]
    evidence = row.evidence or {}
    seed = row.seed_label
    artist = evidence.get("similar_artist") or evidence.get("related_artist")
    if row.relation in ("similar_artist", "related_artist") and artist:
        word = "related" if row.relation == "related_artist" else "similar"
        return f"New to you: by {artist}, {word} to {seed}, an artist you play, on {service}"
    if row.relation == "similar_track":
        return f'New to you: similar to "{seed}", a track you play, on {service}'
    if row.relation == "tag_top_track":
        return f"New to you: a top {seed} track on {service}, a genre you play"
    return f"New to you: found on {service} from {seed}"
