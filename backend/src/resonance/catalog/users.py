"""Queries over users and what each user holds: library items and playlist links."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from resonance.db import (
    LibraryItem,
    Playlist,
    PlaylistEntry,
    User,
    UserPlaylist,
    insert_ignore,
    upsert_many,
    upsert_returning,
    utcnow,
)


async def upsert_spotify_user(session: AsyncSession, me: Mapping[str, Any]) -> User:
    """The user behind a Spotify `/me` answer (linked by `account_id`, else the user id)."""
    return await upsert_user(
        session,
        account_id=str(me.get("account_id") or me["id"]),
        spotify_user_id=me.get("id"),
        display_name=me.get("display_name"),
    )


async def upsert_user(
    session: AsyncSession,
    *,
    account_id: str,
    spotify_user_id: str | None = None,
    display_name: str | None = None,
) -> User:
    table = User
    await upsert_returning(
        session,
        table,
        [
            {
                "account_id": account_id,
                "spotify_user_id": spotify_user_id,
                "display_name": display_name,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
        ],
        key="account_id",
        update=["updated_at"],
        keep_existing=["spotify_user_id", "display_name"],
    )
    user = await get_user_by_account(session, account_id)
    assert user is not None
    return user


async def get_user_by_account(session: AsyncSession, account_id: str) -> User | None:
    result = await session.execute(
        select(User).where(User.account_id == account_id).execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def set_user_quota_mode(session: AsyncSession, user_id: int, mode: str) -> None:
    await session.execute(update(User).where(User.id == user_id).values(quota_mode=mode))


async def mark_library_synced(session: AsyncSession, user_id: int) -> None:
    """Record that the user's whole library was read just now."""
    await session.execute(update(User).where(User.id == user_id).values(library_synced_at=utcnow()))


async def link_user_playlist(
    session: AsyncSession, user_id: int, playlist_id: int, relation: str
) -> None:
    await upsert_many(
        session,
        UserPlaylist,
        [{"user_id": user_id, "playlist_id": playlist_id, "relation": relation}],
        keys=["user_id", "playlist_id"],
        update=["relation"],
    )


async def user_playlists(session: AsyncSession, user_id: int) -> list[tuple[Playlist, str]]:
    rows = await session.execute(
        select(Playlist, UserPlaylist.relation)
        .join(UserPlaylist, UserPlaylist.playlist_id == Playlist.id)
        .where(UserPlaylist.user_id == user_id)
        .order_by(Playlist.name)
    )
    return [(p, rel) for p, rel in rows.all()]


async def replace_library_items(
    session: AsyncSession,
    user_id: int,
    kind: str,
    items: Sequence[tuple[int, int | None, datetime | None]],
) -> None:
    """Replace the user's `kind` list (saved | top | recent) with (track_id, rank, added_at)."""
    await session.execute(
        delete(LibraryItem).where(LibraryItem.user_id == user_id, LibraryItem.kind == kind)
    )
    seen: set[int] = set()
    rows = []
    for track_id, rank, added_at in items:
        if track_id in seen:  # recently played repeats a track; keep its latest play
            continue
        seen.add(track_id)
        rows.append(
            {
                "user_id": user_id,
                "track_id": track_id,
                "kind": kind,
                "rank": rank,
                "added_at": added_at,
            }
        )
    await insert_ignore(
        session,
        LibraryItem,
        rows,
        keys=["user_id", "track_id", "kind"],
    )


async def library_track_ids(
    session: AsyncSession, user_id: int, kinds: Sequence[str] = ("saved", "top", "recent")
) -> list[int]:
    rows = await session.scalars(
        select(LibraryItem.track_id)
        .where(LibraryItem.user_id == user_id, LibraryItem.kind.in_(list(kinds)))
        .distinct()
    )
    return sorted(rows)


async def known_track_ids(session: AsyncSession, user_id: int) -> set[int]:
    """Everything the user already has: library items and the entries of their playlists
    (owned, collaborative or followed with readable contents)."""
    known = set(await library_track_ids(session, user_id))
    rows = await session.scalars(
        select(PlaylistEntry.track_id)
        .join(UserPlaylist, UserPlaylist.playlist_id == PlaylistEntry.playlist_id)
        .where(UserPlaylist.user_id == user_id)
        .distinct()
    )
    known.update(rows)
    return known


async def library_items(session: AsyncSession, user_id: int, kind: str) -> list[LibraryItem]:
    rows = await session.scalars(
        select(LibraryItem)
        .where(LibraryItem.user_id == user_id, LibraryItem.kind == kind)
        .order_by(LibraryItem.rank, LibraryItem.track_id)
    )
    return list(rows)


async def clear_library_kind(session: AsyncSession, user_id: int, kind: str) -> None:
    await session.execute(
        delete(LibraryItem).where(LibraryItem.user_id == user_id, LibraryItem.kind == kind)
    )


async def add_library_items(
    session: AsyncSession,
    user_id: int,
    kind: str,
    items: Sequence[tuple[int, int, datetime | None]],
) -> None:
    """Add (track_id, rank, added_at) rows; a track already listed keeps its first rank."""
    seen: set[int] = set()
    unique = []
    for track_id, rank, added_at in items:
        if track_id in seen:
            continue
        seen.add(track_id)
        unique.append(
            {
                "user_id": user_id,
                "track_id": track_id,
                "kind": kind,
                "rank": rank,
                "added_at": added_at,
            }
        )
    await insert_ignore(session, LibraryItem, unique, keys=["user_id", "track_id", "kind"])


async def get_user_by_spotify_id(session: AsyncSession, spotify_user_id: str) -> User | None:
    return await session.scalar(
        select(User).where(User.spotify_user_id == spotify_user_id).order_by(User.id).limit(1)
    )


async def first_users(session: AsyncSession, limit: int = 2) -> list[User]:
    """The first `limit` users by id: enough to tell none, one and several apart."""
    return list(await session.scalars(select(User).order_by(User.id).limit(limit)))


async def user_relation(session: AsyncSession, user_id: int, playlist_id: int) -> str | None:
    return await session.scalar(
        select(UserPlaylist.relation).where(
            UserPlaylist.user_id == user_id, UserPlaylist.playlist_id == playlist_id
        )
    )
