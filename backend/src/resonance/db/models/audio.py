"""Files seen by the local-library scanner, so re-scans skip what has not changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from resonance.db.base import Base, UTCDateTime, utcnow


class LibraryFile(Base):
    """One audio file under a scanned root and what became of it.

    ``size`` + ``mtime_ns`` are the change fingerprint: an unchanged file is not read
    again, whatever its status (a file that failed keeps failing until it changes).
    """

    __tablename__ = "library_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(Text, unique=True)  # absolute, resolved
    root: Mapped[str] = mapped_column(Text, index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))  # analysed | failed
    reason: Mapped[str | None] = mapped_column(Text)
    track_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("tracks.id", ondelete="SET NULL"), index=True
    )
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
