"""Typed SQLAlchemy models of the catalogue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from resonance.db.base import Base, TimestampMixin, UTCDateTime, owned_by, utcnow


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Spotify's stable account link (`/me` → `account_id`, May 2026).
    account_id: Mapped[str] = mapped_column(String(128), unique=True)
    spotify_user_id: Mapped[str | None] = mapped_column(String(128), index=True)
    display_name: Mapped[str | None] = mapped_column(String(255))
    quota_mode: Mapped[str | None] = mapped_column(String(16))  # development | extended
    library_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Artist(TimestampMixin, Base):
    __tablename__ = "artists"

    id: Mapped[int] = mapped_column(primary_key=True)
    spotify_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(512))
    name_key: Mapped[str] = mapped_column(String(512), index=True)  # normalised for matching
    image_url: Mapped[str | None] = mapped_column(Text)
    # None = never fetched from Spotify; set when the artist's details (genres) are known.
    details_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    genres: Mapped[list[Genre]] = relationship(secondary="artist_genres", lazy="raise")


class Album(TimestampMixin, Base):
    __tablename__ = "albums"

    id: Mapped[int] = mapped_column(primary_key=True)
    spotify_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(512))
    name_key: Mapped[str] = mapped_column(String(512), index=True)
    release_date: Mapped[str | None] = mapped_column(String(16))
    image_url: Mapped[str | None] = mapped_column(Text)


class Track(TimestampMixin, Base):
    __tablename__ = "tracks"
    __table_args__ = (Index("ix_tracks_title_key_artist_key", "title_key", "artist_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    spotify_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    isrc: Mapped[str | None] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(512))
    title_key: Mapped[str] = mapped_column(String(512))  # normalised title for matching
    artist_key: Mapped[str] = mapped_column(String(512))  # normalised primary artist
    album_id: Mapped[int | None] = mapped_column(ForeignKey("albums.id", ondelete="SET NULL"))
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    explicit: Mapped[bool] = mapped_column(Boolean, default=False)
    preview_url: Mapped[str | None] = mapped_column(Text)
    # Local library: absolute path and a cheap change fingerprint ("size:mtime_ns").
    local_path: Mapped[str | None] = mapped_column(Text, unique=True)
    local_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # Audio stage: pending → analysed | failed | no_audio.
    audio_status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    audio_error: Mapped[str | None] = mapped_column(Text)

    album: Mapped[Album | None] = relationship(lazy="raise")
    artist_links: Mapped[list[TrackArtist]] = relationship(
        lazy="raise", order_by="TrackArtist.position", cascade="all, delete-orphan"
    )


class TrackArtist(Base):
    __tablename__ = "track_artists"

    track_id: Mapped[int] = owned_by("tracks")
    artist_id: Mapped[int] = owned_by("artists", indexed=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    artist: Mapped[Artist] = relationship(lazy="raise")


class Genre(Base):
    __tablename__ = "genres"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)


class ArtistGenre(Base):
    __tablename__ = "artist_genres"

    artist_id: Mapped[int] = owned_by("artists")
    genre_id: Mapped[int] = owned_by("genres", indexed=True)


class TrackGenre(Base):
    """Genres attached to a track directly (file tags, Exportify), not through its artists."""

    __tablename__ = "track_genres"

    track_id: Mapped[int] = owned_by("tracks")
    genre_id: Mapped[int] = owned_by("genres", indexed=True)
    source: Mapped[str] = mapped_column(String(16), default="tag")


class Playlist(TimestampMixin, Base):
    __tablename__ = "playlists"

    id: Mapped[int] = mapped_column(primary_key=True)
    spotify_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(512))
    description: Mapped[str | None] = mapped_column(Text)
    owner_spotify_id: Mapped[str | None] = mapped_column(String(128), index=True)
    owner_name: Mapped[str | None] = mapped_column(String(255))
    collaborative: Mapped[bool] = mapped_column(Boolean, default=False)
    public: Mapped[bool | None] = mapped_column(Boolean)
    image_url: Mapped[str | None] = mapped_column(Text)
    total_items: Mapped[int | None] = mapped_column(Integer)
    # snapshot_id as last reported by Spotify; ingested_snapshot_id once all entries are stored.
    snapshot_id: Mapped[str | None] = mapped_column(String(128))
    ingested_snapshot_id: Mapped[str | None] = mapped_column(String(128))
    # False when Spotify answers 403 on /items (followed playlists since Feb 2026).
    contents_available: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(16), default="spotify")  # spotify | exportify


class PlaylistEntry(Base):
    __tablename__ = "playlist_entries"
    __table_args__ = (UniqueConstraint("playlist_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    playlist_id: Mapped[int] = mapped_column(ForeignKey("playlists.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UserPlaylist(Base):
    """How a user relates to a playlist: owned, collaborative or followed."""

    __tablename__ = "user_playlists"

    user_id: Mapped[int] = owned_by("users")
    playlist_id: Mapped[int] = owned_by("playlists")
    relation: Mapped[str] = mapped_column(String(16))


class LibraryItem(Base):
    """A track in a user's library: saved, top or recently played."""

    __tablename__ = "library_items"

    user_id: Mapped[int] = owned_by("users")
    track_id: Mapped[int] = owned_by("tracks", indexed=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # saved | top | recent
    rank: Mapped[int | None] = mapped_column(Integer)
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AudioDescriptors(Base):
    """Resonance's own DSP descriptors for a track, with the schema version that produced them."""

    __tablename__ = "audio_descriptors"

    track_id: Mapped[int] = owned_by("tracks")
    version: Mapped[int] = mapped_column(Integer, index=True)
    # Raw descriptor vector (float32 little-endian) in the order of the version's schema.
    features: Mapped[bytes] = mapped_column(LargeBinary)
    # Human-readable descriptors in [0, 1] plus tempo, key and mode, as shown to users.
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(16))  # local | preview | provider | synth
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SpotifyAudioFeatures(Base):
    """Spotify's audio features (extended-quota apps, Exportify imports)."""

    __tablename__ = "spotify_audio_features"

    track_id: Mapped[int] = owned_by("tracks")
    # Spotify's own scales: the unmarked ones are confidences or intensities in [0, 1].
    danceability: Mapped[float | None] = mapped_column(Float)
    energy: Mapped[float | None] = mapped_column(Float)
    valence: Mapped[float | None] = mapped_column(Float)
    key: Mapped[int | None] = mapped_column(Integer, doc="A pitch class: 0 = C, -1 = none.")
    mode: Mapped[int | None] = mapped_column(Integer, doc="1 major, 0 minor.")
    tempo: Mapped[float | None] = mapped_column(Float, doc="Beats per minute.")
    time_signature: Mapped[int | None] = mapped_column(Integer, doc="Beats per bar, 3 to 7.")
    loudness: Mapped[float | None] = mapped_column(Float, doc="In dB, about -60 to 0.")
    speechiness: Mapped[float | None] = mapped_column(Float)
    acousticness: Mapped[float | None] = mapped_column(Float)
    instrumentalness: Mapped[float | None] = mapped_column(Float)
    liveness: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(16), default="spotify")  # spotify | exportify
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


SPOTIFY_FEATURE_NAMES = (
    "danceability",
    "energy",
    "key",
    "loudness",
    "mode",
    "speechiness",
    "acousticness",
    "instrumentalness",
    "liveness",
    "valence",
    "tempo",
    "time_signature",
)
