"""Explanations of what the open providers found, from recorded provenance."""

from __future__ import annotations

from typing import Any

import pytest

from resonance.db import TrackProvenance
from resonance.discover import sentence


def row(provider: str, relation: str, seed: str, **evidence: Any) -> TrackProvenance:
    return TrackProvenance(
        user_id=1,
        track_id=1,
        provider=provider,
        seed_kind="artist",
        seed_ref="x",
        seed_label=seed,
        relation=relation,
        evidence=evidence,
    )


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (
            row("listenbrainz", "similar_artist", "Velvet Echo", similar_artist="Pale Wolves"),
            "New to you: by Pale Wolves, similar to Velvet Echo, an artist you play, "
            "on ListenBrainz",
        ),
        (
            row("deezer", "related_artist", "Velvet Echo", related_artist="Iron Tides"),
            "New to you: by Iron Tides, related to Velvet Echo, an artist you play, on Deezer",
        ),
        (
            row("lastfm", "similar_track", "Moon Glass"),
            'New to you: similar to "Moon Glass", a track you play, on Last.fm',
        ),
        (
            row("lastfm", "tag_top_track", "deep house"),
            "New to you: a top deep house track on Last.fm, a genre you play",
        ),
        (row("mixcloud", "listed_with", "Mix"), "New to you: found by mixcloud from Mix"),
    ],
)
def test_each_open_find_names_its_source(found: TrackProvenance, expected: str) -> None:
    assert sentence(found) == expected
