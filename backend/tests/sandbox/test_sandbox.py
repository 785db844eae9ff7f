"""The sandbox server: its world, Spotify's JSON shapes, switches, media and writes."""

from __future__ import annotations

import hashlib
import json
import time

import httpx
import pytest

from resonance.sandbox.accounts import redirect_uri_problem
from resonance.sandbox.world import GENRES, build_world
from tests.sandbox import openapi
from tests.services import IN_CI
from tests.spotify.sandbox_server import SandboxServer

pytestmark = pytest.mark.skipif(
    not openapi.available() and not IN_CI,
    reason="Spotify's OpenAPI file is missing (set RESONANCE_SPOTIFY_OPENAPI)",
)


def test_the_world_is_deterministic_fast_and_has_eight_genres() -> None:
    # CPU time, so that other processes on a busy machine do not count against the world.
    started = time.process_time()
    world = build_world(7)
    assert time.process_time() - started < 1.0
    again = build_world(7)
    assert list(world.tracks) == list(again.tracks)
    assert list(build_world(8).tracks) != list(world.tracks)
    assert {a.genres[0] for a in world.artists.values()} == set(GENRES)
    assert len(world.artists) >= 300
    assert 10_000 <= len(world.tracks) <= 13_000  # enough for the web app's 10k-track run
    assert all(len(t.isrc) == 12 for t in world.tracks.values())
    assert len({t.isrc for t in world.tracks.values()}) == len(world.tracks)
    sizes = sorted(len(p.track_ids) for p in world.playlists.values())
    assert sizes[-1] == 1000
    assert len(world.users["bench"].saved) == 5000
    crate = world.users["crate"]
    assert len({t for t, _ in crate.saved}) == 10_000
    assert all(t in world.tracks for t, _ in crate.saved)
    kinds = {(p.collaborative, bool(p.followers)) for p in world.playlists.values()}
    assert (True, False) in kinds and (False, True) in kinds


# The world as it was before the discovery catalogue was added (seed 7): every id,
# library and playlist must stay byte-identical, whatever is appended after them.
WORLD_BEFORE_DISCOVERY = "2f7dbe09410b320118877382ed7f30a109cad5c03d758788475af2286cf54f74"


def test_the_discovery_catalogue_leaves_the_earlier_world_untouched() -> None:
    world = build_world(7)
    old_artists = [a for a in world.artists.values()][:320]
    old_albums = [a for a in world.albums.values()][:1600]
    parts = {
        "artists": [(a.id, a.name, a.genres) for a in old_artists],
        "albums": [(a.id, a.name, a.artist_id, a.release_date, a.track_ids) for a in old_albums],
        "tracks": [
            (t.id, t.name, t.album_id, t.artist_ids, t.isrc, t.genre, t.features)
            for t in world.tracks.values()
            if t.id not in world.undiscovered
        ],
        "users": [(u.id, u.account_id, u.saved, u.top, u.recent) for u in world.users.values()],
        "playlists": [
            (p.id, p.name, p.owner, p.track_ids, p.added_at) for p in world.playlists.values()
        ],
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    assert digest == WORLD_BEFORE_DISCOVERY
    heard = {t for u in world.users.values() for t, _ in u.saved}
    heard |= {t for u in world.users.values() for t in u.top}
    heard |= {t for u in world.users.values() for t, _ in u.recent}
    heard |= {t for p in world.playlists.values() for t in p.track_ids}
    assert len(world.undiscovered) > 1000
    assert not heard & world.undiscovered
    for genre in GENRES:  # new music in every scene
        assert sum(world.scene_of(t) == genre for t in world.undiscovered) >= 100


def get(server: SandboxServer, path: str, token: str, **params: object) -> httpx.Response:
    return httpx.get(
        f"{server.api}{path}", params=params, headers={"Authorization": f"Bearer {token}"}
    )


def test_responses_validate_against_spotifys_openapi(sandbox: SandboxServer) -> None:
    token = sandbox.token("demo")
    owned = sandbox.playlist_id("Long drives")
    followed = sandbox.playlist_id("Bob's jazz picks")
    checks = {
        "/me": "responses/OnePrivateUser",
        "/me/playlists": "responses/PagedPlaylists",
        f"/playlists/{owned}": "responses/OnePlaylist",
        f"/playlists/{followed}": "responses/OnePlaylist",
        f"/playlists/{owned}/items": "responses/PagingPlaylistTrackObject",
        "/me/tracks": "responses/PagingSavedTrackObject",
        "/me/top/tracks": "responses/PagingTrackObject",
        "/me/player/recently-played": "responses/CursorPagedPlayHistory",
    }
    bodies = {}
    for path, ref in checks.items():
        response = get(sandbox, path, token, limit=50)
        assert response.status_code == 200, path
        openapi.validate(response.json(), ref)
        bodies[path] = response.json()
    track = bodies["/me/tracks"]["items"][0]["track"]
    assert track["external_ids"]["isrc"]
    artist_id = track["artists"][0]["id"]
    artist = get(sandbox, f"/artists/{artist_id}", token).json()
    openapi.validate(artist, "responses/OneArtist")
    assert artist["genres"][0] in GENRES
    openapi.validate(get(sandbox, f"/tracks/{track['id']}", token).json(), "responses/OneTrack")
    album = get(sandbox, f"/albums/{track['album']['id']}", token).json()
    # The file still lists label and popularity as required; February 2026 removed both.
    openapi.validate(album | {"label": "", "popularity": 0}, "responses/OneAlbum")
    openapi.validate(
        get(sandbox, "/search", token, q="night", type="track").json(), "responses/SearchItems"
    )
    # Followed playlists: metadata only, contents 403 (February 2026).
    assert bodies[f"/playlists/{followed}"]["items"]["items"] == []
    denied = get(sandbox, f"/playlists/{followed}/items", token)
    assert denied.status_code == 403
    openapi.validate(denied.json()["error"], "schemas/ErrorObject")


def test_extended_mode_serves_batches_and_audio_features(sandbox: SandboxServer) -> None:
    token = sandbox.token("demo")
    saved = get(sandbox, "/me/tracks", token, limit=50).json()["items"]
    ids = ",".join(i["track"]["id"] for i in saved)
    artist_ids = ",".join({i["track"]["artists"][0]["id"] for i in saved})
    assert get(sandbox, "/audio-features", token, ids=ids).status_code == 403
    assert get(sandbox, "/tracks", token, ids=ids).status_code == 403
    sandbox.switches(mode="extended")
    features = get(sandbox, "/audio-features", token, ids=ids)
    openapi.validate(features.json(), "responses/ManyAudioFeatures")
    openapi.validate(get(sandbox, "/tracks", token, ids=ids).json(), "responses/ManyTracks")
    openapi.validate(
        get(sandbox, "/artists", token, ids=artist_ids).json(), "responses/ManyArtists"
    )


def test_switches_inject_failures_and_errors_use_spotifys_shape(sandbox: SandboxServer) -> None:
    token = sandbox.token("demo")
    sandbox.switches(rate_limit_count=1, retry_after=7)
    limited = get(sandbox, "/me", token)
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "7")
    assert get(sandbox, "/me", token).status_code == 200
    sandbox.switches(quota_exceeded=True)
    quota = get(sandbox, "/me", token)
    assert quota.json()["error"]["reason"] == "QUOTA_EXCEEDED"
    sandbox.switches(quota_exceeded=False, server_errors=1, fail_after=1)
    assert get(sandbox, "/me", token).status_code == 200
    assert get(sandbox, "/me", token).status_code == 503
    sandbox.switches(latency_ms=200)
    started = time.perf_counter()
    get(sandbox, "/me", token)
    assert time.perf_counter() - started >= 0.2
    assert get(sandbox, "/me", "not-a-token").status_code == 401
    assert get(sandbox, "/me/tracks", token, limit=51).status_code == 400
    with pytest.raises(httpx.HTTPStatusError):
        sandbox.switches(no_such_switch=1)


def test_covers_previews_and_the_isrc_provider(sandbox: SandboxServer) -> None:
    token = sandbox.token("demo")
    track = get(sandbox, "/me/tracks", token, limit=1).json()["items"][0]["track"]
    cover = httpx.get(track["album"]["images"][0]["url"])
    assert cover.status_code == 200
    assert cover.headers["content-type"].startswith("image/svg+xml")
    has_synth = sandbox.stats()["previews"]
    preview = httpx.get(f"{sandbox.base}/previews/{track['id']}")
    provider = httpx.get(f"{sandbox.base}/provider/track/isrc:{track['external_ids']['isrc']}")
    assert provider.status_code == 200
    assert provider.json()["id"] == track["id"]
    # A development-mode app gets no preview_url (November 2024), on any endpoint.
    assert track["preview_url"] is None
    if has_synth:
        assert provider.json()["preview"] == f"{sandbox.base}/previews/{track['id']}"
        assert preview.status_code == 200 and len(preview.content) > 1000
        assert httpx.get(f"{sandbox.base}/previews/{track['id']}").content == preview.content
        sandbox.switches(mode="extended")
        extended = get(sandbox, f"/tracks/{track['id']}", token).json()
        assert extended["preview_url"] == f"{sandbox.base}/previews/{track['id']}"
    else:
        assert preview.status_code == 404
        assert provider.json()["preview"] is None
    assert httpx.get(f"{sandbox.base}/provider/track/isrc:XX0000000000").status_code == 404


def _preview_urls(body: object) -> list[object]:
    if isinstance(body, dict):
        own = [body["preview_url"]] if "preview_url" in body else []
        return own + [v for value in body.values() for v in _preview_urls(value)]
    if isinstance(body, list):
        return [v for value in body for v in _preview_urls(value)]
    return []


def test_development_mode_gets_no_preview_url_anywhere(sandbox: SandboxServer) -> None:
    token = sandbox.token("demo")
    owned = sandbox.playlist_id("Long drives")
    track = get(sandbox, "/me/tracks", token, limit=1).json()["items"][0]["track"]
    paths = [
        "/me/tracks",
        "/me/top/tracks",
        "/me/player/recently-played",
        f"/playlists/{owned}",
        f"/playlists/{owned}/items",
        f"/tracks/{track['id']}",
        f"/albums/{track['album']['id']}",
        f"/albums/{track['album']['id']}/tracks",
    ]
    seen = 0
    for path in paths:
        urls = _preview_urls(get(sandbox, path, token).json())
        assert urls and all(u is None for u in urls), path
        seen += len(urls)
    search = get(sandbox, "/search", token, q="night", type="track").json()
    assert _preview_urls(search) and not any(_preview_urls(search))
    assert seen > 50


def test_scopes_are_enforced_and_unknown_scopes_refused(sandbox: SandboxServer) -> None:
    owned = sandbox.playlist_id("Long drives")
    only_library = sandbox.token("demo", scope="user-library-read")
    assert get(sandbox, "/me/tracks", only_library).status_code == 200
    assert get(sandbox, "/me", only_library).status_code == 200
    for path in ("/me/top/tracks", "/me/player/recently-played", "/me/playlists"):
        denied = get(sandbox, path, only_library)
        assert denied.status_code == 403, path
        openapi.validate(denied.json()["error"], "schemas/ErrorObject")
    assert get(sandbox, f"/playlists/{owned}/items", only_library).status_code == 403
    write = httpx.post(
        f"{sandbox.api}/me/playlists",
        json={"name": "x"},
        headers={"Authorization": f"Bearer {only_library}"},
    )
    assert write.status_code == 403
    assert get(sandbox, "/me/tracks", sandbox.token("demo", scope="")).status_code == 403

    params = {
        "client_id": "resonance-sandbox",
        "response_type": "code",
        "redirect_uri": "http://127.0.0.1:3000/callback",
        "code_challenge_method": "S256",
        "code_challenge": "x" * 43,
        "state": "s1",
        "scope": "user-library-read user-read-everything",
    }
    refused = httpx.get(f"{sandbox.base}/authorize", params=params)
    assert refused.status_code == 303
    assert refused.headers["location"] == (
        "http://127.0.0.1:3000/callback?error=invalid_scope&state=s1"
    )
    params["scope"] = "user-library-read user-top-read"
    assert httpx.get(f"{sandbox.base}/authorize", params=params).status_code == 200


@pytest.mark.parametrize(
    ("uri", "allowed"),
    [
        ("http://127.0.0.1:3000/callback", True),
        ("http://[::1]:3000/callback", True),
        ("https://resonance.example/callback", True),
        ("http://localhost:3000/callback", False),
        ("https://localhost:3000/callback", False),
        ("http://resonance.example/callback", False),
        ("http://10.0.0.5:3000/callback", False),
        ("resonance://callback", False),
    ],
)
def test_redirect_uris_follow_spotifys_rules(uri: str, allowed: bool) -> None:
    assert (redirect_uri_problem(uri) is None) is allowed


def test_a_localhost_redirect_uri_gets_an_error_page(sandbox: SandboxServer) -> None:
    params = {
        "client_id": "resonance-sandbox",
        "response_type": "code",
        "redirect_uri": "http://localhost:3000/callback",
        "code_challenge_method": "S256",
        "code_challenge": "x" * 43,
    }
    page = httpx.get(f"{sandbox.base}/authorize", params=params)
    assert page.status_code == 400
    assert "localhost is not allowed" in page.text
    assert "location" not in page.headers


def test_full_albums_malformed_ids_and_audio_analysis(sandbox: SandboxServer) -> None:
    token = sandbox.token("demo")
    track = get(sandbox, "/me/tracks", token, limit=1).json()["items"][0]["track"]
    for path in (
        "/tracks/not-an-id",
        "/albums/short",
        f"/artists/{track['artists'][0]['id']}!",
        "/albums/" + "x" * 23,
    ):
        malformed = get(sandbox, path, token)
        assert malformed.status_code == 400, path
        assert malformed.json()["error"]["message"] == "Invalid base62 id"
    assert get(sandbox, "/tracks/" + "0" * 22, token).status_code == 404
    assert get(sandbox, f"/audio-analysis/{track['id']}", token).status_code == 403
    sandbox.switches(mode="extended")
    many = get(sandbox, "/albums", token, ids=f"{track['album']['id']},{'0' * 22}").json()
    full = many["albums"][0]
    assert full["tracks"]["items"] and full["copyrights"] and many["albums"][1] is None
    openapi.validate(
        many | {"albums": [full | {"label": "", "popularity": 0}]}, "responses/ManyAlbums"
    )
    assert get(sandbox, "/albums", token, ids="bad-id").status_code == 400


def test_playlist_writes_are_owner_only_and_bounded(sandbox: SandboxServer) -> None:
    token = sandbox.token("demo")
    headers = {"Authorization": f"Bearer {token}"}
    created = httpx.post(f"{sandbox.api}/me/playlists", json={"name": "New"}, headers=headers)
    assert created.status_code == 201
    openapi.validate(created.json(), "responses/OnePlaylist")
    saved = get(sandbox, "/me/tracks", token, limit=50).json()["items"]
    uris = [i["track"]["uri"] for i in saved]
    url = f"{sandbox.api}/playlists/{created.json()['id']}/items"
    added = httpx.post(url, json={"uris": uris}, headers=headers)
    assert added.status_code == 201
    openapi.validate(added.json(), "responses/PlaylistSnapshotId")
    too_many = httpx.post(url, json={"uris": uris * 3}, headers=headers)
    assert too_many.status_code == 400
    followed = sandbox.playlist_id("Bob's jazz picks")
    denied = httpx.post(
        f"{sandbox.api}/playlists/{followed}/items", json={"uris": uris[:1]}, headers=headers
    )
    assert denied.status_code == 403


def test_discographies_album_tracks_and_search_reach_the_undiscovered(
    sandbox: SandboxServer,
) -> None:
    token = sandbox.token("demo")
    world = build_world(7)
    new_track = world.tracks[sorted(world.undiscovered)[0]]
    artist_id = new_track.artist_ids[0]
    albums = get(sandbox, f"/artists/{artist_id}/albums", token, limit=10)
    assert albums.status_code == 200
    openapi.validate(albums.json(), "responses/PagingArtistDiscographyAlbumObject")
    assert new_track.album_id in [a["id"] for a in albums.json()["items"]]
    dates = [a["release_date"] for a in albums.json()["items"]]
    assert dates == sorted(dates, reverse=True)
    assert get(sandbox, f"/artists/{artist_id}/albums", token, limit=11).status_code == 400
    tracks = get(sandbox, f"/albums/{new_track.album_id}/tracks", token, limit=50)
    openapi.validate(tracks.json(), "responses/PagingSimplifiedTrackObject")
    assert new_track.id in [t["id"] for t in tracks.json()["items"]]

    genre = new_track.genre
    found = get(
        sandbox, "/search", token, q=f'genre:"{genre}"', type="track,artist,album", limit=10
    )
    assert found.status_code == 200
    openapi.validate(found.json(), "responses/SearchItems")
    body = found.json()
    assert all(world.scene_of(t["id"]) == genre for t in body["tracks"]["items"])
    assert all(genre in a["genres"] for a in body["artists"]["items"])
    by_isrc = get(sandbox, "/search", token, q=f"isrc:{new_track.isrc}", type="track").json()
    assert [t["id"] for t in by_isrc["tracks"]["items"]] == [new_track.id]
    name = world.artists[artist_id].name
    by_artist = get(sandbox, "/search", token, q=f'artist:"{name}"', type="track", limit=10)
    assert all(
        artist_id in [a["id"] for a in t["artists"]] for t in by_artist.json()["tracks"]["items"]
    )
    year = world.albums[new_track.album_id].release_date[:4]
    by_year = get(sandbox, "/search", token, q=f"genre:{genre} year:{year}", type="album").json()
    assert all(a["release_date"].startswith(year) for a in by_year["albums"]["items"])
    # Reachable in pages: offset up to 1000, limit up to 10; past that Spotify answers 400.
    assert (
        get(sandbox, "/search", token, q="genre:house", type="track", offset=1000).status_code
        == 200
    )
    for bad in (
        {"q": "genre:house", "type": "track", "offset": 1001},
        {"q": "genre:house", "type": "track", "limit": 11},
        {"type": "track"},
        {"q": "genre:house"},
        {"q": "genre:house", "type": "episode"},
    ):
        answer = get(sandbox, "/search", token, **bad)
        assert answer.status_code == 400, bad
        openapi.validate(answer.json()["error"], "schemas/ErrorObject")
