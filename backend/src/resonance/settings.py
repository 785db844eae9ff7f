"""All configuration in one place, read from the environment and `.env`.

Every field is documented in `.env.example` at the repository root.  The
embedded default needs no setting at all: a SQLite file in ``data_dir``,
in-process cache, locks and jobs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SPOTIFY_ACCOUNTS_URL = "https://accounts.spotify.com"
SPOTIFY_API_URL = "https://api.spotify.com/v1"
LISTENBRAINZ_LABS_URL = "https://labs.api.listenbrainz.org"
MUSICBRAINZ_URL = "https://musicbrainz.org/ws/2"
LASTFM_URL = "https://ws.audioscrobbler.com/2.0"
DEEZER_URL = "https://api.deezer.com"
SANDBOX_LASTFM_KEY = "sandbox-lastfm-key"  # the key the sandbox's Last.fm accepts


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RESONANCE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # --- storage -----------------------------------------------------------
    data_dir: Path = Path("data")
    database_url: str | None = None
    redis_url: str | None = None
    cache_prefix: str = "resonance:"

    # --- service -----------------------------------------------------------
    service_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("RECOMMENDER_SERVICE_TOKEN", "RESONANCE_SERVICE_TOKEN"),
    )
    # Seals job credentials in the cache; empty = derived from the service token, else a
    # key file in data_dir (set it when API and workers run on different hosts).
    secret_key: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"
    # Larger request bodies are refused with 413 before they are read (the largest real
    # one, a 10,000-track playlist to save, is about 300 KB).
    max_request_bytes: int = Field(default=1_048_576, ge=1)
    # /docs, /redoc and /openapi.json; None = served in demo mode only. `resonance openapi`
    # prints the document whatever this says.
    docs_enabled: bool | None = None
    # /metrics: "token" needs the service token (Authorization: Bearer …), "none" leaves it
    # open for a port only the internal network reaches.
    metrics_auth: Literal["token", "none"] = "token"

    # --- Spotify -----------------------------------------------------------
    demo_mode: bool = False
    sandbox_url: str = "http://127.0.0.1:8765"
    spotify_client_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SPOTIFY_CLIENT_ID", "RESONANCE_SPOTIFY_CLIENT_ID"),
    )
    spotify_client_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SPOTIFY_CLIENT_SECRET", "RESONANCE_SPOTIFY_CLIENT_SECRET"),
    )
    spotify_redirect_uri: str = Field(
        default="http://127.0.0.1:3000/callback",
        validation_alias=AliasChoices("SPOTIFY_REDIRECT_URI", "RESONANCE_SPOTIFY_REDIRECT_URI"),
    )
    spotify_accounts_url: str | None = None
    spotify_api_url: str | None = None
    # auto: the first batch read tells, and the answer is remembered for a day.
    spotify_quota_mode: Literal["auto", "development", "extended"] = "auto"
    # A 429 asking to wait longer than this defers the job instead of sleeping in it.
    spotify_max_retry_after: float = 30.0
    spotify_max_retries: int = 4  # for 5xx and timeouts, with jittered backoff
    spotify_timeout: float = 15.0
    spotify_max_concurrency: int = 8

    # --- audio -------------------------------------------------------------
    audio_sample_rate: int = 22050
    audio_excerpt_seconds: float = 30.0
    audio_workers: int = 0  # 0 = one per core
    # Compiled librosa kernels (numba); empty = data_dir/numba-cache. See audio/workers.py.
    numba_cache_dir: Path | None = None
    preview_provider_url: str | None = None
    download_allowed_hosts: list[str] = Field(
        default_factory=lambda: ["p.scdn.co", "cdnt-preview.dzcdn.net", "cdns-preview-d.dzcdn.net"]
    )
    download_max_bytes: int = 5_000_000
    download_timeout: float = 20.0
    # Local files join catalogue tracks by normalised artist + title when durations differ by
    # at most this many seconds (ISRC matches need no tolerance).
    library_match_tolerance_seconds: float = 3.0

    # --- discovery: candidate providers beyond the listener's own library ----
    discover_enabled: bool = True  # chain a discovery job after each library/playlist read
    # Budgets per provider: requests one job may send, and one user's per UTC day.
    discover_requests_per_job: int = Field(default=150, ge=1)
    discover_requests_per_user_day: int = Field(default=1000, ge=1)
    discover_seed_artists: int = Field(default=12, ge=0)  # the seeds' most frequent artists
    discover_seed_genres: int = Field(default=2, ge=0)  # and their most frequent genres
    discover_albums_per_artist: int = Field(default=2, ge=1, le=10)  # newest first
    discover_search_pages: int = Field(default=2, ge=0, le=20)  # of 10 results each
    discover_cache_ttl: float = 7 * 24 * 3600.0  # provider answers are cached this long
    # Open similarity providers (docs/discovery.md). Each is off unless configured; in
    # demo mode each is on and served by the sandbox. Empty URLs = the public services.
    listenbrainz_enabled: bool | None = None
    listenbrainz_url: str | None = None  # the labs API (similar artists and recordings)
    musicbrainz_url: str | None = None  # the MusicBrainz web service (ISRC lookups)
    # MusicBrainz allows one request per second per client; never lower it for them.
    musicbrainz_min_interval: float = Field(default=1.0, ge=0)
    # MusicBrainz and ListenBrainz refuse anonymous clients: name the app and a contact.
    provider_user_agent: str = "Resonance/0.1 ( https://github.com/resonance-music/resonance )"
    lastfm_api_key: SecretStr | None = None  # Last.fm is on when a key is set
    lastfm_url: str | None = None
    deezer_enabled: bool | None = None
    deezer_url: str | None = None
    discover_similar_per_seed: int = Field(default=8, ge=1, le=100)  # similar items used
    discover_seed_tracks: int = Field(default=4, ge=0)  # track seeds (with an ISRC) for them
    provider_timeout: float = Field(default=10.0, gt=0)
    # A Retry-After up to this many seconds is waited out; a longer one stops the provider
    # for this job (its state says until when) and the other providers go on.
    provider_max_wait: float = Field(default=10.0, ge=0)
    # The community playlist corpus (`resonance corpus import`); empty = data_dir/corpus.
    corpus_dir: Path | None = None
    corpus_candidates: int = Field(default=50, ge=0)  # neighbours asked per discovery job
    # Playlists a lookup reads per seed, then in all (the seed-richest): keeps lookups
    # within milliseconds however popular the seeds are (docs/benchmarks.md).
    corpus_playlists_per_seed: int = Field(default=5000, ge=1)
    corpus_playlists_per_lookup: int = Field(default=1000, ge=1)

    # --- jobs --------------------------------------------------------------
    # auto: arq workers on Redis when a Redis URL is set, else in-process tasks.
    jobs_backend: Literal["auto", "inprocess", "arq"] = "auto"
    jobs_queue_name: str = "resonance:jobs"
    job_concurrency: int = 2  # in-process jobs at once, and jobs per arq worker
    job_max_attempts: int = 5
    job_retry_base_seconds: float = 2.0
    # A running job renews its lease; one not renewed for this long is another's to resume.
    job_lease_seconds: float = 30.0
    # Longest a job's credentials stay in the cache when a refresh token lets the job
    # renew its access token (e.g. to outwait a long Retry-After); without one they
    # expire with the access token (at most an hour).
    job_secret_max_seconds: float = 48 * 3600.0
    # arq re-delivers a dead worker's job once this (plus 10 s) has passed.
    worker_job_timeout: float = 3600.0

    # --- vectors, index, recommendations ----------------------------------
    weight_audio: float = 0.35
    weight_spotify: float = 0.15
    weight_genre: float = 0.2
    weight_cooc: float = 0.3
    # Sparse playlist co-occurrence evidence (item kNN), added on top of the blocks.
    weight_playlists: float = 2.0
    # Up to this many tracks the index searches exactly; above it, HNSW with these knobs.
    index_exact_threshold: int = 50_000
    index_hnsw_m: int = 32
    index_hnsw_ef_construction: int = 80
    index_hnsw_ef_search: int = 128
    # From this many distinct vectors, an inverted file instead of HNSW: it builds in
    # seconds (11 s at 920k vectors, where HNSW takes 363 s of CPU) and finds 0.97 of the
    # top 10 by id, but scans ~7 % of the catalogue per query (p50 ~6 ms at 1M, against
    # HNSW's 2 ms). Lower it to trade query latency for build time.
    index_ivf_threshold: int = Field(default=2_000_000, gt=0)
    index_ivf_nprobe: int = Field(default=72, gt=0)
    # A radio session unused this long expires (each request renews it).
    radio_session_ttl_seconds: float = Field(default=24 * 3600.0, gt=0)

    @field_validator(
        "docs_enabled", "listenbrainz_enabled", "deezer_enabled", "lastfm_api_key", mode="before"
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `RESONANCE_DOCS_ENABLED=` as .env.example writes it means "the default" (unset).
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'resonance.db'}"

    @property
    def accounts_url(self) -> str:
        if self.spotify_accounts_url:
            return self.spotify_accounts_url.rstrip("/")
        return self.sandbox_url.rstrip("/") if self.demo_mode else SPOTIFY_ACCOUNTS_URL

    @property
    def api_url(self) -> str:
        if self.spotify_api_url:
            return self.spotify_api_url.rstrip("/")
        return f"{self.sandbox_url.rstrip('/')}/v1" if self.demo_mode else SPOTIFY_API_URL

    def _open_provider(
        self, enabled: bool | None, url: str | None, public: str, path: str
    ) -> str | None:
        """A provider's base URL when it is on: configured, public, or the sandbox's."""
        if not (self.demo_mode if enabled is None else enabled):
            return None
        if url:
            return url.rstrip("/")
        return f"{self.sandbox_url.rstrip('/')}/{path}" if self.demo_mode else public

    @property
    def listenbrainz_base(self) -> str | None:
        return self._open_provider(
            self.listenbrainz_enabled,
            self.listenbrainz_url,
            LISTENBRAINZ_LABS_URL,
            "listenbrainz-labs",
        )

    @property
    def musicbrainz_base(self) -> str | None:
        """MusicBrainz serves ListenBrainz's ISRC lookups: on with ListenBrainz."""
        return self._open_provider(
            self.listenbrainz_enabled, self.musicbrainz_url, MUSICBRAINZ_URL, "musicbrainz/ws/2"
        )

    @property
    def musicbrainz_interval(self) -> float:
        """Seconds between MusicBrainz requests: its 1/s rule, except against the sandbox."""
        sandbox = self.demo_mode and not self.musicbrainz_url
        return 0.0 if sandbox else self.musicbrainz_min_interval

    @property
    def lastfm_base(self) -> str | None:
        enabled = True if self.lastfm_api_key else None
        return self._open_provider(enabled, self.lastfm_url, LASTFM_URL, "lastfm/2.0")

    @property
    def lastfm_key(self) -> str | None:
        """The configured key, or the sandbox's demo key in demo mode."""
        if self.lastfm_api_key:
            return self.lastfm_api_key.get_secret_value()
        return SANDBOX_LASTFM_KEY if self.demo_mode else None

    @property
    def deezer_base(self) -> str | None:
        return self._open_provider(self.deezer_enabled, self.deezer_url, DEEZER_URL, "deezer")

    @property
    def preview_lookup_url(self) -> str | None:
        """Where the audio stage looks a preview up by ISRC: the preview provider, else
        Deezer when it is on (the same `track/isrc:{isrc}` protocol)."""
        return self.preview_provider_url or self.deezer_base

    @property
    def serve_docs(self) -> bool:
        return self.demo_mode if self.docs_enabled is None else self.docs_enabled

    @property
    def uses_arq(self) -> bool:
        if self.jobs_backend == "auto":
            return self.redis_url is not None
        return self.jobs_backend == "arq"

    @property
    def resolved_numba_cache_dir(self) -> Path:
        return self.numba_cache_dir or self.data_dir / "numba-cache"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def resolved_corpus_dir(self) -> Path:
        return self.corpus_dir or self.data_dir / "corpus"

    @property
    def block_weights(self) -> dict[str, float]:
        return {
            "audio": self.weight_audio,
            "spotify": self.weight_spotify,
            "genre": self.weight_genre,
            "cooc": self.weight_cooc,
        }

    def secret_values(self) -> list[str]:
        """Values that must never appear in logs."""
        found = [
            s.get_secret_value()
            for s in (
                self.service_token,
                self.spotify_client_secret,
                self.secret_key,
                self.lastfm_api_key,
            )
            if s
        ]
        return [value for value in found if len(value) >= 6]


@lru_cache
def get_settings() -> Settings:
    return Settings()
