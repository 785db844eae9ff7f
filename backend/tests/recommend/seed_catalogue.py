"""Put a synthetic catalogue into a real database, the way ingestion and analysis would."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.catalog.schemas import AlbumIn, ArtistIn, EntryIn, PlaylistIn, TrackIn
from resonance.db.models import AudioDescriptors
from resonance.vectors.loader import audio_schema
from resonance.vectors.synthetic import synthetic_catalogue


async def seed_catalogue(
    sessionmaker: async_sessionmaker[AsyncSession], n_tracks: int = 400, seed: int = 3
) -> tuple[dict[int, int], np.ndarray]:
    """Returns {synthetic row: track id} and each row's genre family."""
    version, feature_names, human = audio_schema()
    synthetic, family = synthetic_catalogue(
        n_tracks, audio_dim=len(feature_names), seed=seed, playlist_len=15
    )
    rng = np.random.default_rng(seed)
    tracks = [
        TrackIn(
            spotify_id=f"sp{row:05d}",
            name=f"Track {row}",
            isrc=f"XX{row:010d}",
            duration_ms=180_000,
            explicit=bool(synthetic.explicit[row]) if synthetic.explicit is not None else False,
            album=AlbumIn(
                spotify_id=f"al{int(synthetic.album_ids[row])}",
                name=f"Album {synthetic.album_ids[row]}",
            ),
            artists=[
                ArtistIn(
                    spotify_id=f"ar{int(synthetic.artist_ids[row])}",
                    name=f"Artist {synthetic.artist_ids[row]}",
                    genres=synthetic.genres[row],
                )
            ],
        )
        for row in range(n_tracks)
    ]
    async with sessionmaker() as session:
        ids = await catalog.upsert_tracks(session, tracks)
        row_to_id = {row: ids[f"sp{row:05d}"] for row in range(n_tracks)}
        for p_index, rows in enumerate(synthetic.playlists):
            playlist = await catalog.upsert_playlist(
                session,
                PlaylistIn(spotify_id=f"pl{p_index}", name=f"Playlist {p_index}", snapshot_id="s1"),
            )
            entries = [
                EntryIn(pos, row_to_id[int(r)], datetime(2026, 1, 1, tzinfo=UTC))
                for pos, r in enumerate(rows)
            ]
            await catalog.write_playlist_entries(session, playlist.id, entries)
            await catalog.mark_playlist_ingested(
                session, playlist.id, "s1", contents_available=True
            )
        for row in range(n_tracks):
            summary = {name: float(rng.uniform(0, 1)) for name in human}
            summary |= {
                "tempo_bpm": float(synthetic.descriptors["tempo_bpm"][row]),
                "tempo_confidence": 0.8,
                "key": "A",
                "mode": "minor",
                "key_confidence": 0.8,
            }
            session.add(
                AudioDescriptors(
                    track_id=row_to_id[row],
                    version=version,
                    features=synthetic.audio[row].astype("<f4").tobytes(),
                    summary=summary,
                    source="synth",
                )
            )
        await session.commit()
    return row_to_id, family
