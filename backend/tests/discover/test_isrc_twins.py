"""An ISRC that names two Spotify tracks, in a discovery job against the real sandbox.

A recording often has several Spotify tracks: the lead single released before the
album, the album and its later deluxe edition. Every recording ListenBrainz could call
similar to the seed playlist's tracks is put out again in the sandbox (half as an
earlier single, half as a later deluxe album); the job maps each find back by ISRC,
gets both tracks from `search q=isrc:…`, keeps the one the rule picks and records why.
"""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.discover.mapping import ISRC_PICK_RULE
from resonance.sandbox.open_index import OpenIndex
from resonance.sandbox.world import World
from tests.discover.conftest import MakeJobs, provenance
from tests.discover.test_discover import read_then_discover
from tests.discover.test_open_providers import open_settings
from tests.spotify.sandbox_server import SandboxServer

SIMILAR_PER_TRACK = 10  # more than the provider asks for per seed (3 here)


def shifted(date: str, years: int) -> str:
    return f"{int(date[:4]) + years:04d}{date[4:]}"


def reissue_similar(
    sandbox: SandboxServer, world: World, playlist: str
) -> dict[str, tuple[list[str], str]]:
    """Reissue what ListenBrainz may find. By ISRC: both Spotify ids, and the one the rule
    must pick."""
    index = OpenIndex(world)
    # By rank in each similar list: even ones get a lead single a year before the
    # album (the single is picked), odd ones a deluxe edition a year after (the album is).
    kinds: dict[str, bool] = {}
    for track_id in world.playlists[sandbox.playlist_id(playlist)].track_ids:
        ranked = index.similar_tracks(world.tracks[track_id], SIMILAR_PER_TRACK)
        for rank, (other, _) in enumerate(ranked):
            kinds.setdefault(other.id, rank % 2 == 0)
    reissues = []
    for track_id, single in kinds.items():
        released = world.albums[world.tracks[track_id].album_id].release_date
        reissues.append(
            {
                "track_id": track_id,
                "album_type": "single" if single else "album",
                "release_date": shifted(released, -1 if single else 1),
            }
        )
    answer = httpx.post(f"{sandbox.base}/_sandbox/reissue", json={"reissues": reissues}, timeout=30)
    answer.raise_for_status()
    expected = {}
    for item, new_id in zip(reissues, answer.json()["track_ids"], strict=True):
        isrc = world.tracks[item["track_id"]].isrc
        # The earliest release wins: the single before its album, the album before its
        # deluxe edition.
        pick = new_id if item["album_type"] == "single" else item["track_id"]
        expected[isrc] = (sorted([item["track_id"], new_id]), pick)
    return expected


async def test_an_isrc_on_two_spotify_tracks_gives_the_ruled_one_with_evidence(
    make_jobs: MakeJobs,
    sandbox: SandboxServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    world: World,
) -> None:
    expected = reissue_similar(sandbox, world, "House mix")
    settings = open_settings(
        sandbox, lastfm_api_key=None, deezer_enabled=False, discover_seed_tracks=2
    )
    jobs = await make_jobs(**settings)
    _, job = await read_then_discover(jobs, sandbox)
    assert (job.state, job.error) == ("done", None)
    rows = [
        p
        for p in await provenance(sessionmaker)
        if p.provider == "listenbrainz" and p.relation == "similar_track"
    ]
    assert rows, "ListenBrainz found similar recordings"
    async with sessionmaker() as session:
        tracks = await catalog.get_tracks(session, [r.track_id for r in rows])
    picked_singles = picked_albums = 0
    for row in rows:
        evidence = row.evidence
        isrc = evidence["isrc"]
        assert evidence["mapped_by"] == "isrc"
        assert evidence["isrc_matches"] == 2, evidence
        candidates, pick = expected[isrc]
        assert evidence["isrc_candidates"] == candidates
        assert evidence["isrc_pick"] == ISRC_PICK_RULE
        spotify_id = tracks[row.track_id].spotify_id
        assert spotify_id == pick, (isrc, evidence)
        original = world.by_isrc[isrc]
        if spotify_id == original:
            picked_albums += 1
        else:
            picked_singles += 1
    # Both sides of the rule were exercised: a single picked, and an album over a deluxe.
    assert picked_singles and picked_albums, (picked_singles, picked_albums)
