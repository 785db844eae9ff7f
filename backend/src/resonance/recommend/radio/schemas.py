"""Requests and answers of the radio API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from resonance.recommend.radio.library import MAX_BATCH, MAX_SEEDS
from resonance.recommend.schemas import TrackId, TrackOut

SignalIn = Literal["like", "skip", "dislike"]
SessionId = str


class RadioStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed_track_ids: list[TrackId] = Field(min_length=1, max_length=MAX_SEEDS)
    n: int = Field(10, ge=1, le=MAX_BATCH, description="Tracks in the first batch")


class RadioNext(BaseModel):
    model_config = ConfigDict(extra="forbid")

    n: int = Field(10, ge=1, le=MAX_BATCH, description="Tracks in the batch")


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    track_id: TrackId
    signal: SignalIn


class RadioTrackOut(BaseModel):
    track: TrackOut
    score: float
    because: str = Field(description='Why it plays: "like X, which you liked; less like Y…"')


class RadioBatchOut(BaseModel):
    session_id: SessionId
    expires_at: datetime
    tracks: list[RadioTrackOut]
    changes: list[str] = Field(description="What the feedback so far changed, in words")


class FeedbackOut(BaseModel):
    session_id: SessionId
    expires_at: datetime
    likes: int
    skips: int
    dislikes: int
