"""Persisted job state: every long task (ingestion, audio analysis, index build) is a row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from resonance.db.base import Base, TimestampMixin, UTCDateTime

# Visible states. Terminal ones end a job; the others can still change.
JOB_STATES = (
    "queued",
    "running",
    "done",
    "failed",
    "waiting_rate_limit",  # Spotify 429 beyond the cap: resumes at `resume_at`
    "quota_exceeded",  # development-mode quota used up: needs a human
    "needs_reauth",  # refresh token revoked or expired
)
TERMINAL_STATES = frozenset({"done", "failed", "quota_exceeded", "needs_reauth"})


class Job(TimestampMixin, Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_kind_target_state", "kind", "target", "state"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(
        String(32)
    )  # library | playlist | discover | audio | index | scan | import
    target: Mapped[str | None] = mapped_column(String(255))  # e.g. a playlist's Spotify id
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(24), default="queued", index=True)
    stage: Mapped[str | None] = mapped_column(String(64))  # human-readable current step
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    counters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Where to pick up after a crash (e.g. the next page offset); owned by the job function.
    checkpoint: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    resume_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
