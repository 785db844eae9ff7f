"""Index versions: each build is a numbered, immutable set of files in the data directory."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from resonance.db.base import Base, UTCDateTime, utcnow


class IndexVersion(Base):
    __tablename__ = "index_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="building")  # building | ready | failed
    index_kind: Mapped[str | None] = mapped_column(String(16))  # flat | hnsw
    path: Mapped[str | None] = mapped_column(Text)
    n_items: Mapped[int] = mapped_column(Integer, default=0)
    dim: Mapped[int] = mapped_column(Integer, default=0)
    block_weights: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    # Standardisation statistics and block layout needed to embed new tracks consistently.
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
