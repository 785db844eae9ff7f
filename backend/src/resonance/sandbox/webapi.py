"""The Web API subset Resonance uses, in Spotify's shapes, over the sandbox world."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from resonance.sandbox.guard import (
    SpotifyApiError,
    api_user,
    check_id,
    ids_arg,
    needs_scope,
    page_args,
    require_extended,
)
from resonance.sandbox.model import Playlist
from resonance.sandbox.runtime import sandbox_of
from resonance.sandbox.search import parse_query
from resonance.sandbox.shapes import Shapes

router = APIRouter(prefix="/v1", include_in_schema=False)
UserId = Annotated[str, Depends(api_user)]
# Spotify's scope for each personal read or write (Web API reference, 2026).
PlaylistReader = Annotated[
    str, Depends(needs_scope("playlist-read-private", "playlist-read-collaborative"))
]
PlaylistWriter = Annotated[
    str, Depends(needs_scope("playlist-modify-public", "playlist-modify-private"))
]
LibraryReader = Annotated[str, Depends(needs_scope("user-library-read"))]
TopReader = Annotated[str, Depends(needs_scope("user-top-read"))]
HistoryReader = Annotated[str, Depends(needs_scope("user-read-recently-played"))]


def _shapes(request: Request) -> Shapes:
    return sandbox_of(request).shapes_at(str(request.base_url))


def _lookup(mapping: dict[str, Any], object_id: str, kind: str) -> Any:
    found = mapping.get(check_id(object_id))
    if found is None:
        raise SpotifyApiError(404, f"Non existing {kind} id")
    return found


@router.get("/me")
async def me(request: Request, user_id: UserId) -> dict[str, Any]:
    return _shapes(request).user(sandbox_of(request).world.users[user_id])


@router.get("/me/playlists")
async def my_playlists(request: Request, user_id: PlaylistReader) -> dict[str, Any]:
    limit, offset = page_args(request)
    shapes = _shapes(request)
    playlists = shapes.world.user_playlists(user_id)
    items = [shapes.simple_playlist(p) for p in playlists[offset : offset + limit]]
    return shapes.page("/me/playlists", items, offset=offset, limit=limit, total=len(playlists))


@router.post("/me/playlists", status_code=201)
async def create_playlist(request: Request, user_id: PlaylistWriter) -> JSONResponse:
    body = await request.json()
    if not isinstance(body, dict) or not str(body.get("name") or "").strip():
        raise SpotifyApiError(400, "Missing required field: name")
    sandbox = sandbox_of(request)
    playlist = Playlist(
        id=secrets.token_hex(11),
        name=str(body["name"]),
        owner=user_id,
        description=str(body.get("description") or ""),
        collaborative=bool(body.get("collaborative", False)),
        public=bool(body.get("public", True)),
    )
    sandbox.world.playlists[playlist.id] = playlist
    sandbox.dirty = True
    return JSONResponse(_full_playlist(request, playlist, user_id), status_code=201)


def _full_playlist(request: Request, playlist: Playlist, user_id: str) -> dict[str, Any]:
    shapes = _shapes(request)
    body = shapes.simple_playlist(playlist)
    limit = 50
    total = len(playlist.track_ids)
    # Contents only for owners and collaborators (February 2026); others get metadata.
    entries = (
        [shapes.entry(playlist, i) for i in range(min(limit, total))]
        if playlist.can_read_items(user_id)
        else []
    )
    page = shapes.page(
        f"/playlists/{playlist.id}/items", entries, offset=0, limit=limit, total=total
    )
    if not entries:
        page["next"] = None
    body["items"] = page
    body["followers"] = {"href": None, "total": len(playlist.followers)}
    return body


@router.get("/playlists/{playlist_id}")
async def get_playlist(request: Request, playlist_id: str, user_id: UserId) -> dict[str, Any]:
    playlist = _lookup(sandbox_of(request).world.playlists, playlist_id, "playlist")
    return _full_playlist(request, playlist, user_id)


@router.get("/playlists/{playlist_id}/items")
async def playlist_items(
    request: Request, playlist_id: str, user_id: PlaylistReader
) -> dict[str, Any]:
    playlist: Playlist = _lookup(sandbox_of(request).world.playlists, playlist_id, "playlist")
    if not playlist.can_read_items(user_id):
        raise SpotifyApiError(
            403, "Forbidden: playlist contents are only available to its owner and collaborators"
        )
    limit, offset = page_args(request)
    shapes = _shapes(request)
    total = len(playlist.track_ids)
    items = [shapes.entry(playlist, i) for i in range(offset, min(offset + limit, total))]
    return shapes.page(
        f"/playlists/{playlist_id}/items", items, offset=offset, limit=limit, total=total
    )


@router.post("/playlists/{playlist_id}/items", status_code=201)
async def add_items(request: Request, playlist_id: str, user_id: PlaylistWriter) -> JSONResponse:
    sandbox = sandbox_of(request)
    playlist: Playlist = _lookup(sandbox.world.playlists, playlist_id, "playlist")
    if not playlist.can_read_items(user_id):
        raise SpotifyApiError(403, "Forbidden: you cannot modify this playlist")
    body = await request.json()
    uris = body.get("uris") if isinstance(body, dict) else None
    if not isinstance(uris, list) or not uris or len(uris) > 100:
        raise SpotifyApiError(400, "Invalid uris: between 1 and 100 are allowed")
    ids = [str(u).rsplit(":", 1)[-1] for u in uris]
    if any(i not in sandbox.world.tracks for i in ids):
        raise SpotifyApiError(400, "Invalid track uri")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    position = body.get("position")
    at = len(playlist.track_ids) if position is None else int(position)
    playlist.track_ids[at:at] = ids
    playlist.added_at[at:at] = [now] * len(ids)
    playlist.version += 1
    sandbox.dirty = True
    return JSONResponse({"snapshot_id": playlist.snapshot_id}, status_code=201)


@router.get("/me/tracks")
async def saved_tracks(request: Request, user_id: LibraryReader) -> dict[str, Any]:
    limit, offset = page_args(request)
    shapes = _shapes(request)
    saved = shapes.world.users[user_id].saved
    items = [
        {"added_at": added, "track": shapes.track(shapes.world.tracks[t])}
        for t, added in saved[offset : offset + limit]
    ]
    return shapes.page("/me/tracks", items, offset=offset, limit=limit, total=len(saved))


@router.get("/me/top/tracks")
async def top_tracks(request: Request, user_id: TopReader) -> dict[str, Any]:
    limit, offset = page_args(request)
    shapes = _shapes(request)
    top = shapes.world.users[user_id].top
    items = [shapes.track(shapes.world.tracks[t]) for t in top[offset : offset + limit]]
    return shapes.page("/me/top/tracks", items, offset=offset, limit=limit, total=len(top))


def _ms(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)


@router.get("/me/player/recently-played")
async def recently_played(request: Request, user_id: HistoryReader) -> dict[str, Any]:
    limit, _ = page_args(request)
    shapes = _shapes(request)
    plays = shapes.world.users[user_id].recent  # newest first
    before = request.query_params.get("before")
    after = request.query_params.get("after")
    if before:
        plays = [p for p in plays if _ms(p[1]) < int(before)]
    elif after:
        plays = [p for p in plays if _ms(p[1]) > int(after)]
    chunk = plays[:limit]
    items = [{"track": shapes.track(shapes.world.tracks[t]), "played_at": at} for t, at in chunk]
    more = len(plays) > limit
    cursors = {"after": str(_ms(chunk[0][1])), "before": str(_ms(chunk[-1][1]))} if chunk else {}
    base = f"{shapes.api}/me/player/recently-played"
    body: dict[str, Any] = {
        "href": f"{base}?limit={limit}",
        "items": items,
        "limit": limit,
        "cursors": cursors,
    }
    if more and chunk:  # the OpenAPI file has `next` as a non-null string: omit it at the end
        body["next"] = f"{base}?before={cursors['before']}&limit={limit}"
    return body


@router.get("/tracks/{track_id}")
async def track(request: Request, track_id: str, user_id: UserId) -> dict[str, Any]:
    shapes = _shapes(request)
    return shapes.track(_lookup(shapes.world.tracks, track_id, "track"))


@router.get("/artists/{artist_id}")
async def artist(request: Request, artist_id: str, user_id: UserId) -> dict[str, Any]:
    shapes = _shapes(request)
    return shapes.artist(_lookup(shapes.world.artists, artist_id, "artist"))


@router.get("/albums/{album_id}")
async def album(request: Request, album_id: str, user_id: UserId) -> dict[str, Any]:
    shapes = _shapes(request)
    return shapes.album(_lookup(shapes.world.albums, album_id, "album"))


def _batch_route(path: str, key: str, table: str, most: int, shape: str) -> None:
    """An extended-quota batch read: `{key: [object or null, …]}` in the order of `ids`."""

    async def read_many(request: Request, user_id: UserId) -> dict[str, Any]:
        require_extended(request)
        shapes = _shapes(request)
        found = [getattr(shapes.world, table).get(i) for i in ids_arg(request, most)]
        render = getattr(shapes, shape)
        return {key: [render(item) if item else None for item in found]}

    router.add_api_route(path, read_many, methods=["GET"], name=f"many_{key}")


for _path, _key, _table, _most, _shape in (
    ("/tracks", "tracks", "tracks", 50, "track"),
    ("/artists", "artists", "artists", 50, "artist"),
    ("/albums", "albums", "albums", 20, "album"),
    ("/audio-features", "audio_features", "tracks", 100, "audio_features"),
):
    _batch_route(_path, _key, _table, _most, _shape)


@router.get("/audio-analysis/{track_id}")
async def audio_analysis(request: Request, track_id: str, user_id: UserId) -> dict[str, Any]:
    """Gone for development-mode apps (403); the sandbox has no analysis to give others."""
    require_extended(request)
    _lookup(sandbox_of(request).world.tracks, track_id, "track")
    raise SpotifyApiError(404, "Analysis not found")


@router.get("/audio-features/{track_id}")
async def one_audio_features(request: Request, track_id: str, user_id: UserId) -> dict[str, Any]:
    require_extended(request)
    shapes = _shapes(request)
    return shapes.audio_features(_lookup(shapes.world.tracks, track_id, "track"))


@router.get("/artists/{artist_id}/albums")
async def artist_albums(request: Request, artist_id: str, user_id: UserId) -> dict[str, Any]:
    """An artist's discography, newest first (at most 10 a page since February 2026)."""
    limit, offset = page_args(request, max_limit=10, default=5)
    shapes = _shapes(request)
    _lookup(shapes.world.artists, artist_id, "artist")
    groups = request.query_params.get("include_groups")
    album_ids = shapes.world.albums_by_artist.get(artist_id, [])
    if groups and "album" not in groups.split(","):
        album_ids = []  # the sandbox has albums only: no singles, compilations or guest spots
    items = [
        shapes.simple_album(shapes.world.albums[a]) | {"album_group": "album"}
        for a in album_ids[offset : offset + limit]
    ]
    return shapes.page(
        f"/artists/{artist_id}/albums", items, offset=offset, limit=limit, total=len(album_ids)
    )


@router.get("/albums/{album_id}/tracks")
async def album_tracks(request: Request, album_id: str, user_id: UserId) -> dict[str, Any]:
    limit, offset = page_args(request)
    shapes = _shapes(request)
    found = _lookup(shapes.world.albums, album_id, "album")
    items = [
        shapes.simple_track(shapes.world.tracks[t])
        for t in found.track_ids[offset : offset + limit]
    ]
    return shapes.page(
        f"/albums/{album_id}/tracks", items, offset=offset, limit=limit, total=len(found.track_ids)
    )


SEARCH_MAX_OFFSET = 1000
SEARCH_TYPES = {"track", "artist", "album"}


@router.get("/search")
async def search(request: Request, user_id: UserId) -> dict[str, Any]:
    """Search with Spotify's field filters (genre:, artist:, album:, year:, isrc:).

    Results come in a stable order that mixes old and new catalogue (Spotify ranks by
    relevance, not by when a track was added), `limit` ≤ 10, `offset` ≤ 1000.
    """
    q = request.query_params.get("q", "").strip()
    kinds_arg = request.query_params.get("type", "")
    if not q:
        raise SpotifyApiError(400, "No search query")
    kinds = {k for k in kinds_arg.split(",") if k}
    if not kinds:
        raise SpotifyApiError(400, "Missing parameter type")
    if kinds - SEARCH_TYPES:
        raise SpotifyApiError(400, "Bad search type field")
    limit, offset = page_args(request, max_limit=10, default=5)
    if offset > SEARCH_MAX_OFFSET:
        raise SpotifyApiError(400, f"Invalid offset: must be at most {SEARCH_MAX_OFFSET}")
    query = parse_query(q)
    shapes = _shapes(request)
    out: dict[str, Any] = {}
    path = "/search"
    if "track" in kinds:
        hits = query.tracks(shapes.world)
        items = [shapes.track(t) for t in hits[offset : offset + limit]]
        out["tracks"] = shapes.page(path, items, offset=offset, limit=limit, total=len(hits))
    if "artist" in kinds:
        artists = query.artists(shapes.world)
        items = [shapes.artist(a) for a in artists[offset : offset + limit]]
        out["artists"] = shapes.page(path, items, offset=offset, limit=limit, total=len(artists))
    if "album" in kinds:
        albums = query.albums(shapes.world)
        items = [shapes.simple_album(a) for a in albums[offset : offset + limit]]
        out["albums"] = shapes.page(path, items, offset=offset, limit=limit, total=len(albums))
    return out
