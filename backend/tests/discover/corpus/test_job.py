"""A discover job after a playlist read, with a corpus imported: corpus candidates too."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resonance import catalog
from resonance.discover.corpus import RELATION, import_corpus
from resonance.sandbox.world import World
from tests.discover.conftest import MakeJobs, provenance
from tests.discover.corpus.fixtures import track_id
from tests.discover.test_discover import read_then_discover
from tests.spotify.sandbox_server import SandboxServer


async def test_the_discover_job_asks_the_corpus_about_the_playlists_tracks(
    make_jobs: MakeJobs,
    sandbox: SandboxServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Path,
    world: World,
) -> None:
    (house,) = [p for p in world.user_playlists("demo") if p.name == "House mix"]
    seeds = house.track_ids[:5]
    fresh = [track_id(900_000 + n) for n in range(3)]  # in no sandbox library
    lines = [
        {
            "pid": pid,
            "name": f"mix {pid}",
            "tracks": [
                {"uri": f"spotify:track:{s}", "name": f"Song {s}", "artist": "Someone"}
                for s in [*seeds[: 2 + pid % 3], *fresh[: 1 + pid % 3]]
            ],
        }
        for pid in range(6)
    ]
    (tmp_path / "mixes.jsonl").write_text("\n".join(json.dumps(x) for x in lines))
    import_corpus([tmp_path / "mixes.jsonl"], tmp_path / "corpus")

    jobs = await make_jobs(corpus_dir=tmp_path / "corpus")
    _, job = await read_then_discover(jobs, sandbox)
    assert (job.state, job.error) == ("done", None)
    found = [p for p in await provenance(sessionmaker) if p.provider == "corpus"]
    async with sessionmaker() as session:
        named = await catalog.get_tracks(session, [p.track_id for p in found])
    assert {str(t.spotify_id) for t in named.values()} == set(fresh)
    assert all(p.relation == RELATION and p.seed_kind == "track" for p in found)
    top = max(found, key=lambda p: p.evidence["playlists"])
    assert top.evidence["playlists"] == 6  # fresh[0] is in every mix
    assert {t.name for t in named.values()} == {f"Song {s}" for s in fresh}
