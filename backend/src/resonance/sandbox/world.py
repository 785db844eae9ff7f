"""The demo world: users, artists in eight genres, albums, tracks, playlists and libraries.

Everything derives from one seed, so two sandboxes with the same seed serve
byte-identical catalogues; generation takes well under a second.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from functools import partial

from resonance.sandbox.model import Album, Artist, Playlist, Track, User, World

__all__ = [
    "DEFAULT_SEED",
    "DEMO_USER",
    "GENRES",
    "Album",
    "Artist",
    "Playlist",
    "Track",
    "User",
    "World",
    "build_world",
]

GENRES = ("ambient", "classical", "folk", "hip hop", "house", "jazz", "metal", "pop")
SUB_GENRES = {
    "ambient": ("drone", "dark ambient"),
    "classical": ("baroque", "contemporary classical"),
    "folk": ("indie folk", "chamber folk"),
    "hip hop": ("boom bap", "jazz rap"),
    "house": ("deep house", "tech house"),
    "jazz": ("bebop", "cool jazz"),
    "metal": ("doom metal", "thrash metal"),
    "pop": ("dream pop", "synth pop"),
}
ARTISTS_PER_GENRE = 40
ALBUMS_PER_ARTIST = 3
TRACKS_PER_ALBUM = 7
DEFAULT_SEED = 7
DEMO_USER = "demo"
BENCH_USER = "bench"
BENCH_PLAYLIST_SIZE = 1000
BENCH_LIBRARY_SIZE = 5000
# The web app's performance run needs a 10,000-track catalogue: a back catalogue of two
# more albums per artist (11,200 tracks in all) and a user who saved 10,000 of them.
# Both come from their own random stream, after everything else, so no earlier id changed.
BACK_CATALOGUE_ALBUMS = 2
CRATE_USER = "crate"
CRATE_LIBRARY_SIZE = 10_000
CRATE_PLAYLIST_SIZE = 1000
# Music nobody in the world has yet, for discovery: per genre, new artists with a few
# albums, and a new release from some existing artists. Their own random stream again,
# after everything else, so every earlier id, library and playlist stays byte-identical.
NEW_ARTISTS_PER_GENRE = 8
NEW_ARTIST_ALBUMS = 2
NEW_RELEASE_EVERY = 4  # one existing artist in four has a new release


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ADJECTIVES = _words(
    "amber blue silent velvet golden hollow northern paper quiet scarlet static wild "
    "electric distant lunar iron glass crimson faded bright copper pale restless "
    "secret slow solar tidal violet winter young"
)
_NOUNS = _words(
    "harbour engines orchard signal rivers lanterns echo meadow circuit choir dunes "
    "tides parade ghosts horizon atlas arcade pilots forest machines satellites "
    "garden cathedral motel canyon station mirrors wolves comets islands"
)
_TITLE_WORDS = _words(
    "night light morning heart city rain fire dream road sea stars home shadow gold "
    "river storm summer window silver echoes signal winter paper moon dance ocean "
    "smoke glass bloom wire"
)
# Feature templates per genre: (energy, danceability, valence, acousticness, tempo).
_FEATURES = {
    "ambient": (0.15, 0.2, 0.3, 0.8, 80.0),
    "classical": (0.25, 0.25, 0.35, 0.95, 100.0),
    "folk": (0.35, 0.45, 0.5, 0.8, 105.0),
    "hip hop": (0.65, 0.8, 0.55, 0.15, 92.0),
    "house": (0.8, 0.85, 0.65, 0.05, 124.0),
    "jazz": (0.4, 0.55, 0.55, 0.7, 120.0),
    "metal": (0.95, 0.35, 0.3, 0.02, 150.0),
    "pop": (0.7, 0.7, 0.7, 0.2, 116.0),
}


def _sid(rng: random.Random) -> str:
    return "".join(rng.choices(_ID_ALPHABET, k=22))


def _stamp(rng: random.Random, year: int = 2025) -> str:
    return (
        f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
    )


def _features(rng: random.Random, genre: str) -> dict[str, float | int]:
    energy, dance, valence, acoustic, tempo = _FEATURES[genre]

    def jitter(value: float, spread: float = 0.12) -> float:
        return round(min(1.0, max(0.0, value + rng.uniform(-spread, spread))), 3)

    return {
        "danceability": jitter(dance),
        "energy": jitter(energy),
        "key": rng.randint(0, 11),
        "loudness": round(-30 + 25 * energy + rng.uniform(-3, 3), 2),
        "mode": rng.randint(0, 1),
        "speechiness": jitter(0.3 if genre == "hip hop" else 0.05, 0.04),
        "acousticness": jitter(acoustic),
        "instrumentalness": jitter(0.1 if genre in ("pop", "hip hop", "folk") else 0.7),
        "liveness": jitter(0.15, 0.1),
        "valence": jitter(valence),
        "tempo": round(tempo + rng.uniform(-8, 8), 3),
        "time_signature": 3 if genre == "classical" and rng.random() < 0.3 else 4,
    }


def _artists(
    rng: random.Random, genre: str, names: list[str], artists: dict[str, Artist]
) -> list[Artist]:
    """One artist of `genre` per name (with some of its sub-genres), added to `artists`."""
    made = []
    for name in names:
        subs = [s for s in SUB_GENRES[genre] if rng.random() < 0.5]
        artist = Artist(id=_sid(rng), name=name, genres=[genre, *subs])
        artists[artist.id] = artist
        made.append(artist)
    return made


def _catalogue(rng: random.Random) -> tuple[dict[str, Artist], dict[str, Album], dict[str, Track]]:
    artists: dict[str, Artist] = {}
    albums: dict[str, Album] = {}
    tracks: dict[str, Track] = {}
    names = [f"The {a.title()} {n.title()}" for a in _ADJECTIVES for n in _NOUNS]
    rng.shuffle(names)
    serial = 0
    for g_index, genre in enumerate(GENRES):
        first = names[g_index * ARTISTS_PER_GENRE : (g_index + 1) * ARTISTS_PER_GENRE]
        shortened = [n.removeprefix("The ") if i % 3 == 0 else n for i, n in enumerate(first)]
        genre_artists = _artists(rng, genre, shortened, artists)
        for artist in genre_artists:
            for _ in range(ALBUMS_PER_ARTIST):
                serial = _album(rng, artist, genre, genre_artists, albums, tracks, serial)
    return artists, albums, tracks


def _album(
    rng: random.Random,
    artist: Artist,
    genre: str,
    genre_artists: list[Artist],
    albums: dict[str, Album],
    tracks: dict[str, Track],
    serial: int,
) -> int:
    """Add one album of `artist` with its tracks; returns the last track serial used."""
    year = rng.randint(1995, 2025)
    title = " ".join(rng.sample(_TITLE_WORDS, 2)).title()
    album = Album(
        id=_sid(rng),
        name=title,
        artist_id=artist.id,
        release_date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        genre=genre,
    )
    albums[album.id] = album
    for number in range(1, TRACKS_PER_ALBUM + 1):
        serial += 1
        artist_ids = [artist.id]
        if rng.random() < 0.1:  # a featured artist from the same genre
            guest = rng.choice(genre_artists)
            if guest.id != artist.id:
                artist_ids.append(guest.id)
        track = Track(
            id=_sid(rng),
            name=" ".join(rng.sample(_TITLE_WORDS, rng.randint(1, 3))).title(),
            album_id=album.id,
            artist_ids=artist_ids,
            duration_ms=rng.randint(120_000, 420_000),
            explicit=genre == "hip hop" and rng.random() < 0.4,
            isrc=f"QZRES{year % 100:02d}{serial:05d}",
            track_number=number,
            genre=genre,
            features=_features(rng, genre),
        )
        tracks[track.id] = track
        album.track_ids.append(track.id)
    return serial


def _dated(rng: random.Random, track_ids: list[str], year: int = 2025) -> list[tuple[str, str]]:
    """Each track with a random moment of `year`, newest first."""
    return sorted(((t, _stamp(rng, year)) for t in track_ids), key=lambda x: x[1], reverse=True)


def _listening(
    rng: random.Random, user: User, pick: Callable[[int], list[str]], saved: int
) -> None:
    """A user's saved tracks, top tracks and recent plays, drawn by `pick(count)`.

    The draws happen in one fixed order (saved, their dates, top, recent, their dates):
    the world's ids and libraries depend on the random stream staying the same.
    """
    user.saved = _dated(rng, pick(saved))
    user.top = pick(50)
    user.recent = _dated(rng, pick(50), 2026)


_USERS = (
    ("demo", "Demo Listener", ("house", "pop", "jazz"), 230),
    ("alice", "Alice", ("folk", "classical", "ambient"), 120),
    ("bob", "Bob", ("jazz", "hip hop"), 80),
    ("carol", "Carol", ("metal", "ambient"), 40),
    (BENCH_USER, "Benchmark", GENRES, BENCH_LIBRARY_SIZE),
)


def _pick(
    rng: random.Random, by_genre: dict[str, list[str]], genres: tuple[str, ...], n: int
) -> list[str]:
    pool = [t for g in genres for t in by_genre[g]]
    if n >= len(pool):
        pool = [t for ts in by_genre.values() for t in ts]
    return rng.sample(pool, min(n, len(pool)))


def build_world(seed: int = DEFAULT_SEED) -> World:
    """Generate the whole world from `seed` (deterministic)."""
    rng = random.Random(seed)
    artists, albums, tracks = _catalogue(rng)
    by_genre: dict[str, list[str]] = {g: [] for g in GENRES}
    for track in tracks.values():
        by_genre[track.genre].append(track.id)
    users: dict[str, User] = {}
    for user_id, display, genres, saved in _USERS:
        account = hashlib.sha256(f"{seed}:{user_id}".encode()).hexdigest()[:20]
        user = User(id=user_id, display_name=display, account_id=account, genres=genres)
        _listening(rng, user, partial(_pick, rng, by_genre, genres), saved)
        users[user_id] = user
    playlists: dict[str, Playlist] = {}

    def playlist(owner: str, name: str, genres: tuple[str, ...], size: int, **kw: object) -> None:
        p = Playlist(id=_sid(rng), name=name, owner=owner, description=f"{name} ({owner})")
        for key, value in kw.items():
            setattr(p, key, value)
        p.track_ids = _pick(rng, by_genre, genres, size)
        p.added_at = [_stamp(rng) for _ in p.track_ids]
        playlists[p.id] = p

    for genre in GENRES:
        playlist("demo", f"{genre.title()} mix", (genre,), 40)
    playlist("demo", "Long drives", ("house", "pop", "jazz", "folk"), 230)
    playlist(
        "alice",
        "Friday night (shared)",
        ("pop", "house"),
        60,
        collaborative=True,
        public=False,
        collaborators={"demo", "bob"},
    )
    playlist("bob", "Bob's jazz picks", ("jazz",), 80, followers={"demo", "alice"})
    playlist("alice", "Quiet mornings", ("ambient", "classical", "folk"), 70)
    playlist("carol", "Heavy", ("metal",), 50, followers={"demo"})
    playlist(BENCH_USER, "Benchmark 1000", GENRES, BENCH_PLAYLIST_SIZE)
    _crate_digger(random.Random(seed * 1_000 + 1), artists, albums, tracks, users, playlists)
    known = set(tracks)
    _undiscovered(random.Random(seed * 1_000 + 2), artists, albums, tracks)
    by_genre = {g: [] for g in GENRES}
    for track in tracks.values():
        by_genre[track.genre].append(track.id)
    by_isrc = {t.isrc: t.id for t in tracks.values()}
    by_artist: dict[str, list[str]] = {}
    for album in albums.values():
        by_artist.setdefault(album.artist_id, []).append(album.id)
    for album_ids in by_artist.values():  # newest first, as Spotify lists a discography
        album_ids.sort(key=lambda a: albums[a].release_date, reverse=True)
    world = World(seed, artists, albums, tracks, users, playlists, by_genre, by_isrc)
    world.undiscovered = set(tracks) - known
    world.albums_by_artist = by_artist
    return world


def _crate_digger(
    rng: random.Random,
    artists: dict[str, Artist],
    albums: dict[str, Album],
    tracks: dict[str, Track],
    users: dict[str, User],
    playlists: dict[str, Playlist],
) -> None:
    """The back catalogue and the user who saved most of everything."""
    serial = len(tracks)
    for genre in GENRES:
        genre_artists = [a for a in artists.values() if a.genres[0] == genre]
        for artist in genre_artists:
            for _ in range(BACK_CATALOGUE_ALBUMS):
                serial = _album(rng, artist, genre, genre_artists, albums, tracks, serial)
    everything = list(tracks)
    account = hashlib.sha256(f"crate:{CRATE_USER}".encode()).hexdigest()[:20]
    user = User(id=CRATE_USER, display_name="Crate Digger", account_id=account, genres=GENRES)
    _listening(rng, user, lambda n: rng.sample(everything, n), CRATE_LIBRARY_SIZE)
    users[CRATE_USER] = user
    crate = Playlist(
        id=_sid(rng), name="Crate 1000", owner=CRATE_USER, description="Crate 1000 (crate)"
    )
    crate.track_ids = rng.sample(everything, CRATE_PLAYLIST_SIZE)
    crate.added_at = [_stamp(rng) for _ in crate.track_ids]
    playlists[crate.id] = crate


def _undiscovered(
    rng: random.Random,
    artists: dict[str, Artist],
    albums: dict[str, Album],
    tracks: dict[str, Track],
) -> None:
    """New artists and new releases in every genre that no user has heard yet."""
    taken = {a.name.removeprefix("The ") for a in artists.values()}
    names = [
        f"{a.title()} {n.title()}"
        for a in _ADJECTIVES
        for n in _NOUNS
        if f"The {a.title()} {n.title()}".removeprefix("The ") not in taken
    ]
    rng.shuffle(names)
    serial = len(tracks)
    for g_index, genre in enumerate(GENRES):
        genre_artists = [a for a in artists.values() if a.genres[0] == genre]
        for artist in genre_artists[::NEW_RELEASE_EVERY]:
            serial = _album(rng, artist, genre, genre_artists, albums, tracks, serial)
            _recent(rng, albums[next(reversed(albums))])
        start = g_index * NEW_ARTISTS_PER_GENRE
        newcomers = _artists(rng, genre, names[start : start + NEW_ARTISTS_PER_GENRE], artists)
        for artist in newcomers:
            for _ in range(NEW_ARTIST_ALBUMS):
                serial = _album(rng, artist, genre, newcomers, albums, tracks, serial)


def _recent(rng: random.Random, album: Album) -> None:
    """A new release: dated this year or last."""
    album.release_date = (
        f"{rng.randint(2025, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    )
