"""Previews on track cards: Spotify's own clip, else the ISRC preview provider's.

A development-mode Spotify app gets `preview_url: null`, so the audio stage finds clips
through the ISRC preview provider (`Settings.preview_lookup_url`: a configured provider,
else Deezer's `track/isrc:` in the demo). A card whose descriptors came from that clip
points at `GET /v1/tracks/{id}/preview`, which finds the clip again (usually still in
the audio cache) and serves its bytes. The browser gets only this API's address: not
the provider's lookup URL or anything configured for it, and not a provider URL that
expires (Deezer's clips carry a signed, short-lived token). The page's CSP needs no
new origin for it.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from resonance import audio, catalog
from resonance.errors import NotFound, UpstreamFailure
from resonance.recommend.schemas import PreviewOut
from resonance.settings import Settings

PREVIEW_PATH = "/v1/tracks/{id}/preview"


def preview_provider_name(settings: Settings) -> str | None:
    """Who provides previews by ISRC, as the card credits it (None: nobody)."""
    if settings.preview_provider_url:
        return "preview provider"
    return "Deezer" if settings.deezer_base else None


def card_preview(
    track_id: int,
    spotify_url: str | None,
    findable: bool,
    audio_source: str | None,
    provider: str | None,
) -> PreviewOut | None:
    """The preview a card offers: Spotify's URL, else the provider's clip through us.

    The provider's clip is offered when the audio stage analysed it, and also for a track
    not analysed yet that the provider can be asked about (FINDABLE: an ISRC, or a title
    and an artist, as the audio stage asks): a track discovery just found plays at once
    instead of after the audio stage reaches it (in the demo, minutes behind the 876
    tracks a library read queues). A track analysed from another source (a local file,
    the demo's synthesiser when the provider had nothing) offers none.
    """
    if spotify_url:
        return PreviewOut(url=spotify_url, source="Spotify")
    if provider and (audio_source == "provider" or (audio_source is None and findable)):
        return PreviewOut(url=PREVIEW_PATH.format(id=track_id), source=provider)
    return None


async def provider_preview(settings: Settings, session: AsyncSession, track_id: int) -> Path:
    """The provider's clip of a track, downloaded (or cached) by the audio stage's rules.

    Raises `NotFound` for an unknown track or one the provider has no clip for, and
    `UpstreamFailure` when the provider does not answer.
    """
    track = (await catalog.get_tracks(session, [track_id])).get(track_id)
    if track is None:
        raise NotFound(f"No track with id {track_id}.")
    if not settings.preview_lookup_url:
        raise NotFound("No preview provider is configured.", title="No preview")
    links = track.artist_links
    ref = audio.TrackAudioRef(
        track.id,
        isrc=track.isrc,
        title=track.name,
        artist=links[0].artist.name if links else None,
    )
    try:
        search = await audio.locate(ref, settings)
    except audio.DownloadError as error:
        raise UpstreamFailure(f"The preview provider did not answer ({error.reason}).") from error
    if search.found is None or search.found.kind != "provider":
        raise NotFound(f"The preview provider has no clip of track {track_id}.", title="No preview")
    return search.found.path


def media_type(path: Path) -> str:
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"
