from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import aiosqlite

from bot.config import Language
from bot.users.model import UserProfile
from storage.rows import fetch, in_list, stored_language, to_text


def _profile(row: aiosqlite.Row) -> UserProfile:
    return UserProfile(
        row["id"],
        row["display_name"],
        stored_language(row["language"]),
        row["context_community_id"],
    )


class SqliteUserRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, user_id: int) -> UserProfile | None:
        found = await fetch(self._conn, "SELECT * FROM users WHERE id = :id", {"id": user_id})
        row = await found.fetchone()
        return None if row is None else _profile(row)

    async def get_many(self, user_ids: Collection[int]) -> dict[int, UserProfile]:
        marks, params = in_list(user_ids)
        found = await fetch(self._conn, f"SELECT * FROM users WHERE id IN ({marks})", params)  # noqa: S608
        return {row["id"]: _profile(row) for row in await found.fetchall()}

    async def remember(self, user_id: int, display_name: str, *, now: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO users (id, display_name, updated_at) VALUES (:id, :name, :now)"
            " ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,"
            " updated_at = excluded.updated_at",
            {"id": user_id, "name": display_name, "now": to_text(now)},
        )

    async def set_language(self, user_id: int, language: Language) -> None:
        await self._conn.execute(
            "UPDATE users SET language = :language WHERE id = :id",
            {"language": language, "id": user_id},
        )

    async def set_context(self, user_id: int, community_id: int | None) -> None:
        await self._conn.execute(
            "UPDATE users SET context_community_id = :cid WHERE id = :id",
            {"cid": community_id, "id": user_id},
        )
