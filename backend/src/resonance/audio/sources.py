"""Where a catalogue track's audio comes from: local file → Spotify preview → provider.

The first link that yields a file wins. A link that fails for good (404, refused
host, not audio) is noted and the chain moves on; a transient failure (timeout, 5xx)
is raised so the job retries later instead of marking the track ``no_audio``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlencode, urlsplit

import httpx

from resonance.audio.download import DownloadError, check_url, download
from resonance.settings import Settings

SourceKind = Literal["local", "preview", "provider"]


@dataclass(frozen=True, slots=True)
class TrackAudioRef:
    """What the chain needs to know about a track (no ORM object, so it crosses processes)."""

    id: int
    local_path: str | None = None
    preview_url: str | None = None
    isrc: str | None = None
    title: str | None = None
    artist: str | None = None  # the primary artist's name


@dataclass(slots=True)
class Search:
    found: Located | None = None
    tried: list[str] = field(default_factory=list)  # why each earlier link gave nothing

    @property
    def reason(self) -> str:
        return "; ".join(self.tried) if self.tried else "no local file, preview or provider"


@dataclass(frozen=True, slots=True)
class Located:
    """The audio file a search found, and which link of the chain gave it."""

    kind: SourceKind
    path: Path


async def locate(
    track: TrackAudioRef, settings: Settings, client: httpx.AsyncClient | None = None
) -> Search:
    """Run the source chain for one track. Raises ``DownloadError`` only when transient."""
    search = Search()
    if track.local_path:
        path = Path(track.local_path)
        # A stat on a local disk: not worth a thread hop.
        if path.is_file():  # noqa: ASYNC240
            search.found = Located("local", path)
            return search
        search.tried.append(f"local file missing: {path.name}")
    if track.preview_url:
        try:
            found = await download(track.preview_url, f"{track.id}-preview", settings, client)
            search.found = Located("preview", found)
            return search
        except DownloadError as exc:
            if exc.transient:
                raise
            search.tried.append(f"preview: {exc.reason}")
    if settings.preview_lookup_url and (track.isrc or (track.title and track.artist)):
        try:
            url = await provider_preview_url(track.isrc, settings, client, track=track)
            if url:
                found = await download(url, f"{track.id}-provider", settings, client)
                search.found = Located("provider", found)
                return search
            search.tried.append("provider: no preview for this ISRC or title")
        except DownloadError as exc:
            if exc.transient:
                raise
            search.tried.append(f"provider: {exc.reason}")
    return search


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


async def _provider_json(
    url: str, settings: Settings, client: httpx.AsyncClient | None
) -> dict[str, Any] | None:
    """One provider read: None for a 404; transient errors raised as such."""
    own = client is None
    client = client or httpx.AsyncClient(timeout=settings.download_timeout)
    try:
        response = await client.get(url, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise DownloadError(f"provider unreachable: {type(exc).__name__}", transient=True) from exc
    finally:
        if own:
            await client.aclose()
    if response.status_code >= 500 or response.status_code == 429:
        raise DownloadError(f"provider answered {response.status_code}", transient=True)
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise DownloadError(f"provider answered {response.status_code}")
    try:
        body = response.json()
    except ValueError as exc:
        raise DownloadError("provider answered with invalid JSON") from exc
    return body if isinstance(body, dict) else None


async def provider_preview_url(
    isrc: str | None,
    settings: Settings,
    client: httpx.AsyncClient | None = None,
    *,
    track: TrackAudioRef | None = None,
) -> str | None:
    """Deezer's ``GET {provider}/track/isrc:{ISRC}`` → ``{"preview": url}`` (the preview
    provider, else Deezer when discovery uses it: ``Settings.preview_lookup_url``).

    Without an ISRC (a track found in an album's track list, which Spotify gives without
    one) or when the ISRC is unknown: ``GET {provider}/search?q=artist:"…" track:"…"``,
    taking the first hit with the same title and artist.
    The provider's own host is trusted because the operator configured it, but it
    still may not resolve to a private address unless it is the sandbox.
    """
    base = (settings.preview_lookup_url or "").rstrip("/")
    host = urlsplit(base).hostname or ""
    if isrc:
        url = f"{base}/track/isrc:{quote(isrc.upper(), safe='')}"
        await check_url(url, settings, extra_hosts=(host,))
        body = await _provider_json(url, settings, client)
        preview = (body or {}).get("preview")
        if isinstance(preview, str) and preview:
            return preview
    if track is None or not track.title or not track.artist:
        return None
    query = (
        f'artist:"{track.artist.replace(chr(34), " ")}" track:"{track.title.replace(chr(34), " ")}"'
    )
    url = f"{base}/search?{urlencode({'q': query, 'limit': 5})}"
    await check_url(url, settings, extra_hosts=(host,))
    body = await _provider_json(url, settings, client)
    hits = (body or {}).get("data")
    for hit in hits if isinstance(hits, list) else []:
        if not isinstance(hit, dict):
            continue
        name = (
            (hit.get("artist") or {}).get("name") if isinstance(hit.get("artist"), dict) else None
        )
        same = _plain(str(hit.get("title") or "")) == _plain(track.title)
        if same and _plain(str(name or "")) == _plain(track.artist):
            preview = hit.get("preview")
            return preview if isinstance(preview, str) and preview else None
    return None
