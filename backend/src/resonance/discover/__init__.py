"""Discovery: music the listener does not have yet, from pluggable candidate providers.

Seeds (tracks, artists, genres of what was read) go to providers; each candidate comes
back with its provenance (provider, seed, evidence), is upserted into the catalogue and
recorded, so explanations can say where it came from. Providers are budgeted, cached
and resumable (docs/discovery.md). The first provider reads Spotify discographies and
search; it sits beside `ingest` and hands new tracks to audio and index by job kind.
"""

from resonance.discover.budget import Budget, BudgetSpent
from resonance.discover.cached import CachedSpotify
from resonance.discover.jobs import JOB_HANDLERS
from resonance.discover.providers import (
    Candidate,
    CandidateProvider,
    Provenance,
    ProviderFailed,
    Seed,
)
from resonance.discover.repository import (
    count_provenance,
    discovered_track_ids,
    provenance_for,
)
from resonance.discover.service import (
    DiscoveryRun,
    plan_seeds,
    provenance_sentences,
    sentence,
)
from resonance.discover.spotify_provider import SpotifyCatalogueProvider

__all__ = [
    "JOB_HANDLERS",
    "Budget",
    "BudgetSpent",
    "CachedSpotify",
    "Candidate",
    "CandidateProvider",
    "DiscoveryRun",
    "Provenance",
    "ProviderFailed",
    "Seed",
    "SpotifyCatalogueProvider",
    "count_provenance",
    "discovered_track_ids",
    "plan_seeds",
    "provenance_for",
    "provenance_sentences",
    "sentence",
]
