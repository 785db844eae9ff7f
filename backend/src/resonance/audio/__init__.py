"""Audio: decoding, DSP descriptors (librosa), audio sources and the analysis job.

The names below are loaded on first use rather than when the package is imported:
DSP pool workers import `resonance.audio.workers` in fresh processes, and must not
pay for the database and HTTP stacks that the job and the repository bring in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from resonance.audio.decode import DecodeError, load_clip
    from resonance.audio.descriptors import (
        DESCRIPTOR_VERSION,
        FEATURE_NAMES,
        HUMAN_DESCRIPTORS,
        extract,
    )
    from resonance.audio.download import DownloadError
    from resonance.audio.genre_templates import GENRE_TEMPLATES
    from resonance.audio.jobs import JOB_HANDLERS
    from resonance.audio.repository import (
        analysed_counts,
        analysed_since,
        audio_for_tracks,
        descriptor_sources,
        descriptor_summaries,
        get_descriptors,
        pending_audio_count,
        snapshot_audio,
        status_counts,
        store_descriptors,
    )
    from resonance.audio.service import AnalysisReport, analyse_tracks, store_outcome
    from resonance.audio.sources import TrackAudioRef, locate
    from resonance.audio.synth import (
        PREVIEW_CONTENT_TYPE,
        render_preview,
        synthesize,
    )
    from resonance.audio.tags import Tags, read_tags
    from resonance.audio.words import (
        TEMPO_CLAIM,
        TEMPO_SURE,
        tempo_certainty,
        tempo_words,
        with_tempo_words,
    )
    from resonance.audio.workers import (
        Outcome,
        analyse_file,
        make_pool,
        scan_file,
        warm,
        worker_count,
    )

__all__ = [
    "DESCRIPTOR_VERSION",
    "FEATURE_NAMES",
    "GENRE_TEMPLATES",
    "HUMAN_DESCRIPTORS",
    "JOB_HANDLERS",
    "PREVIEW_CONTENT_TYPE",
    "TEMPO_CLAIM",
    "TEMPO_SURE",
    "AnalysisReport",
    "DecodeError",
    "DownloadError",
    "Outcome",
    "Tags",
    "TrackAudioRef",
    "analyse_file",
    "analyse_tracks",
    "analysed_counts",
    "analysed_since",
    "audio_for_tracks",
    "descriptor_sources",
    "descriptor_summaries",
    "extract",
    "get_descriptors",
    "load_clip",
    "locate",
    "make_pool",
    "pending_audio_count",
    "read_tags",
    "render_preview",
    "scan_file",
    "snapshot_audio",
    "status_counts",
    "store_descriptors",
    "store_outcome",
    "synthesize",
    "tempo_certainty",
    "tempo_words",
    "warm",
    "with_tempo_words",
    "worker_count",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'resonance.audio' has no attribute {name!r}")
    from resonance.audio import (
        decode,
        descriptors,
        genre_templates,
        jobs,
        repository,
        service,
        sources,
        synth,
        tags,
        words,
        workers,
    )

    modules = (repository, service, jobs, workers, descriptors, decode, sources, synth, tags, words)
    for module in (*modules, genre_templates):
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(name)
