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
    spotify_quota_mode: Literal["auto", "development", "extended"] = "auto"
    spotify_max_retry_after: float = 30.0
    spotify_max_retries: int = 4
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
    index_exact_threshold: int = 50_000
    index_hnsw_m: int = 32
    index_hnsw_ef_construction: int = 80
    index_hnsw_ef_search: int = 128

    @field_validator("docs_enabled", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `RESONANCE_DOCS_ENABLED=` as .env.example writes it means "the default".
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
            for s in (self.service_token, self.spotify_client_secret, self.secret_key)
            if s
        ]
        return [value for value in found if len(value) >= 6]


@lru_cache
def get_settings() -> Settings:
    return Settings()
