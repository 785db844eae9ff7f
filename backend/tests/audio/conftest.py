"""A tiny HTTP server on 127.0.0.1 that serves audio, redirects and misbehaves on cue."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import soundfile as sf
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance.settings import Settings
from tests.audio.signals import tone


def _wav() -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, tone(440.0, 5), 22050, format="WAV")
    return buffer.getvalue()


WAV = _wav()


class Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}  # noqa: RUF012 - shared counter, reset per server

    def log_message(self, *args: object) -> None:
        pass

    def _send(
        self, status: int, body: bytes, kind: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        Handler.hits[path] = Handler.hits.get(path, 0) + 1
        if path.startswith("/audio"):
            self._send(200, WAV, "audio/wav")
        elif path == "/html":
            self._send(200, b"<html>hi</html>", "text/html")
        elif path == "/big":
            self._send(200, b"\0" * 400_000, "audio/mpeg")
        elif path == "/redirect-out":
            self._send(302, b"", "text/plain", {"Location": "http://evil.example/x.mp3"})
        elif path == "/redirect-in":
            self._send(302, b"", "text/plain", {"Location": "/audio/moved"})
        elif path == "/broken":
            self._send(503, b"busy", "text/plain")
        elif path.startswith("/track/isrc:"):
            isrc = path.split(":", 1)[1]
            body = b'{"preview": "%s/audio/%s"}' % (self.server_url.encode(), isrc.encode())
            if isrc == "NOPREVIEW0001":
                body = b'{"error": "not found"}'
                self._send(404, body, "application/json")
            else:
                self._send(200, body, "application/json")
        else:
            self._send(404, b"nope", "text/plain")

    @property
    def server_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"


@pytest.fixture
def http_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Handler.hits = {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def audio_settings(tmp_path: Path, http_server: str) -> Settings:
    """The local server plays the sandbox (demo mode): the one loopback host downloads may
    reach."""
    return Settings(
        data_dir=tmp_path, demo_mode=True, sandbox_url=http_server, download_max_bytes=300_000
    )


@pytest.fixture
def db(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> async_sessionmaker[AsyncSession]:
    """A migrated database, once on SQLite and once on PostgreSQL (skipped when absent)."""
    return sessionmaker


@pytest.fixture
def inline_pool() -> Iterator[Executor]:
    """Worker functions in a thread: same code path as the process pool, no spawn cost."""
    pool = ThreadPoolExecutor(max_workers=2)
    yield pool
    pool.shutdown()
