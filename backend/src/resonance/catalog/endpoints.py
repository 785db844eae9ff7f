"""Catalogue reads for the UI."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from resonance.catalog import tracks
from resonance.runtime import SessionDep

router = APIRouter(prefix="/catalog", tags=["catalog"])


class CatalogStats(BaseModel):
    """Row counts of the catalogue, shared by every listener."""

    tracks: int = Field(description="Tracks from every source: Spotify, local files, discovery")
    artists: int
    albums: int
    playlists: int = Field(description="Ingested and imported playlists of every user")
    playlist_entries: int = Field(
        description="One per (playlist, position): a track listed twice counts twice"
    )
    genres: int = Field(description="Distinct genre names on artists")
    users: int = Field(description="Listeners who have signed in")


@router.get("/stats", summary="Row counts of the catalogue", response_model=CatalogStats)
async def catalog_stats(session: SessionDep) -> CatalogStats:
    return CatalogStats(**await tracks.catalogue_counts(session))
