"""Guarded downloads of preview audio, cached per track under ``data_dir/audio_cache``.

A preview URL comes from Spotify or a third-party provider, so it is untrusted input
that makes this server issue requests (SSRF). Every hop, redirects included, must be:
http(s); to a host on ``download_allowed_hosts`` or, only while the sandbox is in use
(demo mode, or the Spotify API URL pointing at it), the sandbox; resolving only to
public addresses (the sandbox excepted, since it runs on loopback);
answered with an audio content type; within ``download_max_bytes`` and
``download_timeout``.

Known gap: the address check and httpx's own connection resolve the name separately,
so a DNS answer that changes in between (rebinding) is not caught; the host
allow-list is the main defence.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from resonance.settings import Settings

AUDIO_TYPES = {
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/ogg": ".ogg",
    "application/ogg": ".ogg",
    "audio/vorbis": ".ogg",
    "audio/flac": ".flac",
    "audio/x-flac": ".flac",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/wave": ".wav",
    "audio/mp4": ".m4a",
    "audio/aac": ".m4a",
}
MAX_REDIRECTS = 3


class DownloadError(Exception):
    """A refused or failed download; ``transient`` ones are worth retrying later."""

    def __init__(self, reason: str, *, transient: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


def cache_dir(settings: Settings) -> Path:
    return settings.data_dir / "audio_cache"


def cached_file(settings: Settings, key: str) -> Path | None:
    """The cached audio of ``key`` (a track id), whatever its extension."""
    folder = cache_dir(settings)
    if not folder.is_dir():
        return None
    for path in folder.glob(f"{key}.*"):
        if path.suffix != ".part":
            return path
    return None


def _sandbox_netloc(settings: Settings) -> tuple[str, int]:
    parts = urlsplit(settings.sandbox_url)
    return (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


def _sandbox_in_use(settings: Settings) -> bool:
    """Whether the sandbox is this deployment's Spotify.

    ``sandbox_url`` has a default (a loopback port), so trusting it unconditionally
    let a preview URL reach whatever listens there in production.
    """
    sandbox = settings.sandbox_url.rstrip("/")
    return settings.demo_mode or settings.api_url.startswith(sandbox + "/")


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return ip.is_global and not ip.is_multicast


async def check_url(url: str, settings: Settings, extra_hosts: tuple[str, ...] = ()) -> None:
    """Raise ``DownloadError`` unless ``url`` may be fetched (see the module docstring).

    ``extra_hosts`` are allowed on top of the allow-list (the configured provider).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DownloadError(f"refused URL scheme or host: {url[:80]!r}")
    host = parts.hostname.lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if _sandbox_in_use(settings) and (host, port) == _sandbox_netloc(settings):
        return  # the sandbox is trusted, and lives on loopback
    allowed = {h.lower() for h in (*settings.download_allowed_hosts, *extra_hosts) if h}
    if host not in allowed:
        raise DownloadError(f"host {host} is not on the download allow-list")
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise DownloadError(f"cannot resolve {host}: {exc}", transient=True) from exc
    addresses = {str(info[4][0]) for info in infos}
    if not addresses or not all(_is_public(a) for a in addresses):
        raise DownloadError(f"host {host} resolves to a private or loopback address")


async def download(
    url: str, key: str, settings: Settings, client: httpx.AsyncClient | None = None
) -> Path:
    """Fetch ``url`` into the cache as ``{key}{ext}`` (or return the cached file)."""
    if (hit := cached_file(settings, key)) is not None:
        return hit
    own = client is None
    client = client or httpx.AsyncClient(timeout=settings.download_timeout)
    try:
        async with asyncio.timeout(settings.download_timeout):
            return await _fetch(client, url, key, settings)
    except TimeoutError as exc:
        raise DownloadError("download timed out", transient=True) from exc
    except httpx.HTTPError as exc:
        raise DownloadError(f"network error: {type(exc).__name__}", transient=True) from exc
    finally:
        if own:
            await client.aclose()


async def _fetch(client: httpx.AsyncClient, url: str, key: str, settings: Settings) -> Path:
    for _ in range(MAX_REDIRECTS + 1):
        await check_url(url, settings)
        async with client.stream("GET", url, follow_redirects=False) as response:
            if response.is_redirect and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            if response.status_code >= 500 or response.status_code == 429:
                raise DownloadError(f"server answered {response.status_code}", transient=True)
            if response.status_code != 200:
                raise DownloadError(f"server answered {response.status_code}")
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind not in AUDIO_TYPES:
                raise DownloadError(f"not audio: content type {kind or 'missing'!r}")
            declared = int(response.headers.get("content-length") or 0)
            if declared > settings.download_max_bytes:
                raise DownloadError(f"too large: {declared} bytes declared")
            return await _save(response, key, AUDIO_TYPES[kind], settings)
    raise DownloadError("too many redirects")


async def _save(response: httpx.Response, key: str, ext: str, settings: Settings) -> Path:
    folder = cache_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f"{key}.part"
    size = 0
    try:
        with part.open("wb") as fh:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > settings.download_max_bytes:
                    raise DownloadError(f"too large: over {settings.download_max_bytes} bytes")
                fh.write(chunk)
        if size == 0:
            raise DownloadError("empty response body")
        final = folder / f"{key}{ext}"
        os.replace(part, final)  # atomic: a reader never sees half a file
        return final
    finally:
        part.unlink(missing_ok=True)
