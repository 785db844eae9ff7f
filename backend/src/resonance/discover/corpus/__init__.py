"""The community playlist corpus: MPD slices, JSON lines or Exportify CSVs on disk.

`import_corpus` streams files into a memory-mapped layout under `Settings.corpus_dir`
(store.py); `Corpus.neighbours` finds the seeds' co-occurrence neighbours in a few
milliseconds at the Million Playlist Dataset's size; `CorpusProvider` turns them into
discovery candidates with their evidence (docs/discovery.md, "Corpus").
"""

from resonance.discover.corpus.formats import Problem, file_format
from resonance.discover.corpus.importer import ImportResult, import_corpus
from resonance.discover.corpus.lookup import MAX_SEEDS, Corpus, LookupLimits, Neighbour
from resonance.discover.corpus.provider import (
    RELATION,
    CorpusProvider,
    corpus_enabled,
    corpus_provider,
    corpus_seeds,
    sentence,
)

__all__ = [
    "MAX_SEEDS",
    "RELATION",
    "Corpus",
    "CorpusProvider",
    "ImportResult",
    "LookupLimits",
    "Neighbour",
    "Problem",
    "corpus_enabled",
    "corpus_provider",
    "corpus_seeds",
    "file_format",
    "import_corpus",
    "sentence",
]
