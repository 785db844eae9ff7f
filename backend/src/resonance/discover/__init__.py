"""Discovery: music the listener does not have yet, from pluggable candidate providers.

Seeds (tracks, artists, genres of what was read) go to providers; each candidate comes
back with its provenance (provider, seed, evidence), is upserted into the catalogue and
recorded, so explanations can say where it came from. Providers are budgeted, cached
and resumable (docs/discovery.md): Spotify discographies and search, and the open
similarity services (ListenBrainz with MusicBrainz, Last.fm, Deezer) when configured,
their finds mapped back to Spotify by ISRC or title. It sits beside `ingest` and hands
new tracks to audio and index by job kind.
"""

from resonance.discover.budget import Budget, BudgetSpent
from resonance.discover.cached import CachedSpotify
from resonance.discover.deezer_provider import DeezerProvider
from resonance.discover.http import ProviderHttp, ProviderNotFound, ProviderRateLimited
from resonance.discover.jobs import JOB_HANDLERS
from resonance.discover.lastfm_provider import LastfmProvider
from resonance.discover.listenbrainz_provider import ListenBrainzProvider
from resonance.discover.mapping import SpotifyMapper, pick_isrc_match
from resonance.discover.open_providers import (
    Guarded,
    build_open_providers,
    enabled_open_providers,
)
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
    "DeezerProvider",
    "DiscoveryRun",
    "Guarded",
    "LastfmProvider",
    "ListenBrainzProvider",
    "Provenance",
    "ProviderFailed",
    "ProviderHttp",
    "ProviderNotFound",
    "ProviderRateLimited",
    "Seed",
    "SpotifyCatalogueProvider",
    "SpotifyMapper",
    "build_open_providers",
    "count_provenance",
    "discovered_track_ids",
    "enabled_open_providers",
    "pick_isrc_match",
    "plan_seeds",
    "provenance_for",
    "provenance_sentences",
    "sentence",
]
