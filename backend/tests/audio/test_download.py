"""Downloads: allow-list, private-address guard, limits, content type, cache; the chain."""

from __future__ import annotations

from pathlib import Path

import pytest

from resonance.audio.download import DownloadError, check_url, download
from resonance.audio.sources import TrackAudioRef, locate
from resonance.settings import Settings
from tests.audio.conftest import Handler


async def test_sandbox_download_is_cached(audio_settings: Settings, http_server: str) -> None:
    first = await download(f"{http_server}/audio/1", "7-preview", audio_settings)
    assert first.suffix == ".wav" and first.read_bytes()[:4] == b"RIFF"
    again = await download(f"{http_server}/audio/1", "7-preview", audio_settings)
    assert again == first and Handler.hits["/audio/1"] == 1


async def test_private_address_refused_even_when_allow_listed(
    tmp_path: Path, http_server: str
) -> None:
    port = http_server.rsplit(":", 1)[1]
    settings = Settings(
        data_dir=tmp_path,
        sandbox_url="http://127.0.0.1:1",  # a different sandbox: this server is not it
        download_allowed_hosts=["localhost", "127.0.0.1", "10.1.2.3"],
    )
    for url in (f"http://localhost:{port}/audio/1", f"http://127.0.0.1:{port}/audio/1"):
        with pytest.raises(DownloadError, match="private or loopback"):
            await download(url, "x", settings)
    with pytest.raises(DownloadError, match="private or loopback"):
        await check_url("http://10.1.2.3/a.mp3", settings)
    assert not Handler.hits


async def test_host_not_on_allow_list(audio_settings: Settings) -> None:
    for url in ("http://evil.example/a.mp3", "ftp://p.scdn.co/a.mp3", "file:///etc/passwd"):
        with pytest.raises(DownloadError, match=r"allow-list|scheme"):
            await check_url(url, audio_settings)


@pytest.mark.parametrize(
    ("path", "message", "transient"),
    [
        ("/html", "not audio", False),
        ("/big", "too large", False),
        ("/missing", "404", False),
        ("/broken", "503", True),
        ("/redirect-out", "allow-list", False),
    ],
)
async def test_refusals(
    audio_settings: Settings, http_server: str, path: str, message: str, transient: bool
) -> None:
    with pytest.raises(DownloadError, match=message) as info:
        await download(f"{http_server}{path}", "k", audio_settings)
    assert info.value.transient is transient
    assert not list((audio_settings.data_dir / "audio_cache").glob("k*"))


async def test_redirect_within_sandbox_is_followed(
    audio_settings: Settings, http_server: str
) -> None:
    path = await download(f"{http_server}/redirect-in", "r", audio_settings)
    assert path.stat().st_size > 1000


async def test_chain_prefers_local_then_preview_then_provider(
    audio_settings: Settings, http_server: str, tmp_path: Path
) -> None:
    local = tmp_path / "song.wav"
    local.write_bytes(b"RIFF")
    found = await locate(TrackAudioRef(1, str(local), f"{http_server}/audio/p"), audio_settings)
    assert found.found is not None and found.found.kind == "local"

    gone = TrackAudioRef(2, str(tmp_path / "gone.wav"), f"{http_server}/audio/p", "XX1")
    found = await locate(gone, audio_settings)
    assert found.found is not None and found.found.kind == "preview"
    assert "local file missing" in found.reason

    provider = audio_settings.model_copy(update={"preview_provider_url": http_server})
    found = await locate(TrackAudioRef(3, None, f"{http_server}/html", "GBAAA0000001"), provider)
    assert found.found is not None and found.found.kind == "provider"
    assert "not audio" in found.reason

    nothing = await locate(TrackAudioRef(4, None, None, "NOPREVIEW0001"), provider)
    assert nothing.found is None and "no preview for this ISRC" in nothing.reason
    assert (await locate(TrackAudioRef(5), audio_settings)).found is None


async def test_chain_raises_transient_errors(audio_settings: Settings, http_server: str) -> None:
    with pytest.raises(DownloadError) as info:
        await locate(TrackAudioRef(6, None, f"{http_server}/broken"), audio_settings)
    assert info.value.transient


async def test_the_sandbox_is_trusted_only_when_it_is_in_use(
    tmp_path: Path, http_server: str
) -> None:
    """Production keeps the default sandbox_url (a loopback port): it must not open a hole."""
    production = Settings(data_dir=tmp_path, sandbox_url=http_server)
    with pytest.raises(DownloadError, match="allow-list"):
        await download(f"{http_server}/audio/1", "k", production)
    assert not Handler.hits
    pointed = Settings(
        data_dir=tmp_path, sandbox_url=http_server, spotify_api_url=f"{http_server}/v1"
    )
    assert (await download(f"{http_server}/audio/1", "k", pointed)).suffix == ".wav"


async def test_deezer_is_the_isrc_preview_source_when_discovery_uses_it(
    audio_settings: Settings, http_server: str
) -> None:
    """A development-mode app gets no preview_url: Deezer's track/isrc: gives the audio."""
    deezer = audio_settings.model_copy(update={"deezer_enabled": True, "deezer_url": http_server})
    assert deezer.preview_lookup_url == http_server
    found = await locate(TrackAudioRef(7, None, None, "GBAAA0000001"), deezer)
    assert found.found is not None and found.found.kind == "provider"
    off = audio_settings.model_copy(update={"deezer_enabled": False})
    assert off.preview_lookup_url is None
    assert (await locate(TrackAudioRef(8, None, None, "GBAAA0000001"), off)).found is None


async def test_a_track_without_isrc_gets_its_preview_by_title_from_deezer(
    tmp_path: Path,
) -> None:
    """Album track lists carry no ISRC: the sandbox's Deezer finds the track by title."""
    import httpx

    from resonance.sandbox import create_sandbox_app

    base = "http://127.0.0.1:8765"
    app = create_sandbox_app(base_url=base)
    world = app.state.sandbox.world
    track = world.tracks[sorted(world.undiscovered)[0]]
    artist = world.artists[track.artist_ids[0]].name
    settings = Settings(data_dir=tmp_path, demo_mode=True, sandbox_url=base)
    assert settings.preview_lookup_url == f"{base}/deezer"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        by_title = TrackAudioRef(1, None, None, None, track.name, artist)
        found = await locate(by_title, settings, client)
        assert found.found is not None and found.found.kind == "provider", found.reason
        wrong = TrackAudioRef(2, None, None, None, f"{track.name} (live)", artist)
        missing = await locate(wrong, settings, client)
        assert missing.found is None and "no preview for this ISRC or title" in missing.reason
