"""Catalogue reads for the UI."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from resonance.catalog import tracks
from resonance.runtime import SessionDep

router = APIRouter(prefix="/catalog", tags=["catalog"])


class CatalogStats(BaseModel):
    tracks: int
    artists: int
    albums: int
    playlists: int
    playlist_entries: int
    genres: int
    users: int


@router.get("/stats", summary="Row counts of the catalogue", response_model=CatalogStats)
async def catalog_stats(session: SessionDep) -> CatalogStats:
    return CatalogStats(**await tracks.catalogue_counts(session))
