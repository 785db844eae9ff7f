"""Where discovered tracks came from, and what discovery has spent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from resonance.db.base import Base, UTCDateTime, utcnow


class TrackProvenance(Base):
    """One way a candidate provider found a track for a user (a track may have several)."""

    __tablename__ = "track_provenance"
    __table_args__ = (UniqueConstraint("user_id", "track_id", "provider", "seed_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(32))  # e.g. spotify
    seed_kind: Mapped[str] = mapped_column(String(16))  # track | artist | genre
    seed_ref: Mapped[str] = mapped_column(String(255))  # a Spotify id or a genre name
    seed_label: Mapped[str] = mapped_column(String(512))  # what a person reads: a name
    # How the seed led here: album_by_seed_artist | genre_search | genre_artist.
    relation: Mapped[str] = mapped_column(String(32))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DiscoveryUsage(Base):
    """Requests a provider sent for a user on one UTC day (the daily budget)."""

    __tablename__ = "discovery_usage"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    provider: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD (UTC)
    requests: Mapped[int] = mapped_column(Integer, default=0)
