"""Radio sessions: seeds, what was played, and the listener's feedback, kept between
requests and restarts until the session expires."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from resonance.db.base import Base, UTCDateTime, utcnow


class RadioSession(Base):
    __tablename__ = "radio_sessions"

    # Random (uuid4 hex): the id is the only handle a client holds on its session.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seed_track_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    played_track_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # [{"track_id": int, "signal": "like" | "skip" | "dislike", "at": ISO time}, …]
    feedback: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
