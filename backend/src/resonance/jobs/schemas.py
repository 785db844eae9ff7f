"""Job representation shared by the API and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    target: str | None
    state: str
    stage: str | None
    progress_done: int
    progress_total: int | None
    counters: dict[str, Any]
    error: str | None
    attempts: int
    resume_at: datetime | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
