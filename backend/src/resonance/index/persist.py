"""Save and load a fitted index (`FittedIndex`) as a directory of plain files.

Every file is written and fsynced before the caller renames the directory into
place (see `resonance.index.store`), so a reader never sees half a version.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from resonance.index.fitted import FittedIndex
from resonance.index.vector_index import DEFAULT_EF_SEARCH, VectorIndex
from resonance.vectors import Block, Catalogue, Cooccurrence, GenreSpace, VectorSet

FORMAT_VERSION = 1


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json(path: Path, payload: Any) -> None:
    path.write_text(json.dumps(payload))


def save_index(model: FittedIndex, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    cat = model.catalogue
    vs = model.vectors
    offsets = np.cumsum([0, *(len(p) for p in cat.playlists)]).astype(np.int64)
    flat = (
        np.concatenate([np.asarray(p, np.int64) for p in cat.playlists])
        if cat.playlists
        else np.empty(0, np.int64)
    )
    arrays: dict[str, Any] = {
        "track_ids": cat.track_ids,
        "artist_ids": cat.artist_ids,
        "album_ids": cat.album_ids,
        "audio": cat.audio,
        "audio_mask": cat.audio_mask,
        "spotify": cat.spotify,
        "spotify_mask": cat.spotify_mask,
        "explicit": cat.explicit if cat.explicit is not None else np.zeros(cat.n_items, bool),
        "playlist_offsets": offsets,
        "playlist_rows": flat,
    }
    arrays.update({f"descriptor__{k}": v for k, v in cat.descriptors.items()})
    np.savez(directory / "catalogue.npz", **arrays)
    _write_json(
        directory / "genres.json",
        {"tracks": cat.genres, "artists": cat.artist_genres, "space": vs.genre_space.names},
    )
    np.save(directory / "genre_vectors.npy", vs.genre_space.vectors)
    np.save(directory / "vectors.npy", vs.vectors)
    np.save(directory / "masks.npy", vs.masks)
    sp.save_npz(directory / "cooc_counts.npz", vs.cooc.counts)
    sp.save_npz(directory / "cooc_membership.npz", vs.cooc.membership.tocsc())
    np.save(directory / "cooc_degree.npy", vs.cooc.degree)
    model.index.save(directory / "index.faiss")
    _write_json(
        directory / "stats.json",
        {
            "layout": [[b.name, b.start, b.stop, b.weight] for b in vs.layout],
            "expected": vs.expected,
            "stats": vs.stats,
            "playlist_weight": vs.playlist_weight,
        },
    )
    for path in directory.iterdir():
        _fsync(path)
    # The manifest is written last: a directory without it is incomplete.
    _write_json(
        directory / "manifest.json",
        {"format": FORMAT_VERSION, "n_items": cat.n_items, "kind": model.index.kind},
    )
    _fsync(directory / "manifest.json")
    _fsync(directory)


def load_index(directory: Path, ef_search: int = DEFAULT_EF_SEARCH) -> FittedIndex:
    manifest = json.loads((directory / "manifest.json").read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise ValueError(f"unsupported index format {manifest.get('format')!r} in {directory}")
    arrays = np.load(directory / "catalogue.npz")
    genres = json.loads((directory / "genres.json").read_text())
    offsets = arrays["playlist_offsets"]
    flat = arrays["playlist_rows"]
    playlists = [flat[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]
    catalogue = Catalogue(
        track_ids=arrays["track_ids"],
        artist_ids=arrays["artist_ids"],
        album_ids=arrays["album_ids"],
        audio=arrays["audio"],
        audio_mask=arrays["audio_mask"],
        spotify=arrays["spotify"],
        spotify_mask=arrays["spotify_mask"],
        genres=genres["tracks"],
        playlists=playlists,
        artist_genres=genres["artists"],
        descriptors={
            key.removeprefix("descriptor__"): arrays[key]
            for key in arrays.files
            if key.startswith("descriptor__")
        },
        explicit=arrays["explicit"],
    )
    stats = json.loads((directory / "stats.json").read_text())
    vectors = VectorSet(
        vectors=np.load(directory / "vectors.npy"),
        masks=np.load(directory / "masks.npy"),
        layout=[Block(name, int(a), int(b), float(w)) for name, a, b, w in stats["layout"]],
        expected={k: float(v) for k, v in stats["expected"].items()},
        stats=stats["stats"],
        genre_space=GenreSpace(genres["space"], np.load(directory / "genre_vectors.npy")),
        cooc=Cooccurrence(
            counts=sp.load_npz(directory / "cooc_counts.npz").tocsr(),
            membership=sp.load_npz(directory / "cooc_membership.npz").tocsc(),
            degree=np.load(directory / "cooc_degree.npy"),
        ),
        playlist_weight=float(stats["playlist_weight"]),
    )
    index = VectorIndex.load(directory / "index.faiss", ef_search=ef_search)
    return FittedIndex(catalogue, vectors, index)
