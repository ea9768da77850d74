from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite

from bot.communities.model import Community
from bot.config import Language
from storage.rows import fetch, stored_language, to_text


def _community(row: aiosqlite.Row) -> Community:
    return Community(
        id=row["id"],
        chat_id=row["chat_id"],
        name=row["name"],
        language=stored_language(row["language"]) or "zh",
        timezone=row["timezone"],
        support_threshold=row["support_threshold"],
        staff_chat_id=row["staff_chat_id"],
        response_time=timedelta(minutes=row["response_minutes"]),
        plan_time=timedelta(minutes=row["plan_minutes"]),
        notice_period=timedelta(days=row["notice_days"]),
        publication_period=timedelta(days=row["publication_days"]),
    )


class SqliteCommunityRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, community_id: int) -> Community | None:
        found = await fetch(
            self._conn, "SELECT * FROM communities WHERE id = :id", {"id": community_id}
        )
        row = await found.fetchone()
        return _community(row) if row else None

    async def by_chat(self, chat_id: int) -> Community | None:
        found = await fetch(
            self._conn, "SELECT * FROM communities WHERE chat_id = :chat_id", {"chat_id": chat_id}
        )
        row = await found.fetchone()
        return _community(row) if row else None

    async def add(
        self,
        *,
        chat_id: int,
        name: str,
        language: Language,
        timezone: str,
        created_by: int,
        now: datetime,
    ) -> Community:
        cursor = await self._conn.execute(
            "INSERT INTO communities (chat_id, name, language, timezone, created_by, created_at)"
            " VALUES (:chat_id, :name, :language, :timezone, :created_by, :created_at)",
            {
                "chat_id": chat_id,
                "name": name,
                "language": language,
                "timezone": timezone,
                "created_by": created_by,
                "created_at": to_text(now),
            },
        )
        assert cursor.lastrowid is not None
        return Community(cursor.lastrowid, chat_id, name, language, timezone)

    async def rename(self, community_id: int, name: str) -> None:
        await self._conn.execute(
            "UPDATE communities SET name = :name WHERE id = :id", {"name": name, "id": community_id}
        )

    async def set_language(self, community_id: int, language: Language) -> None:
        await self._conn.execute(
            "UPDATE communities SET language = :language WHERE id = :id",
            {"language": language, "id": community_id},
        )

    async def move_chat(self, community_id: int, chat_id: int) -> None:
        await self._conn.execute(
            "UPDATE communities SET chat_id = :chat_id WHERE id = :id",
            {"chat_id": chat_id, "id": community_id},
        )

    async def set_support_threshold(self, community_id: int, threshold: int) -> None:
        await self._conn.execute(
            "UPDATE communities SET support_threshold = :n WHERE id = :id",
            {"n": threshold, "id": community_id},
        )

    async def set_staff_chat(self, community_id: int, chat_id: int | None) -> None:
        await self._conn.execute(
            "UPDATE communities SET staff_chat_id = :chat WHERE id = :id",
            {"chat": chat_id, "id": community_id},
        )

    async def by_staff_chat(self, chat_id: int) -> Community | None:
        found = await fetch(
            self._conn, "SELECT * FROM communities WHERE staff_chat_id = :chat", {"chat": chat_id}
        )
        row = await found.fetchone()
        return _community(row) if row else None

    async def set_deadlines(
        self, community_id: int, *, response_time: timedelta, plan_time: timedelta
    ) -> None:
        await self._conn.execute(
            "UPDATE communities SET response_minutes = :r, plan_minutes = :p WHERE id = :id",
            {
                "r": int(response_time.total_seconds() // 60),
                "p": int(plan_time.total_seconds() // 60),
                "id": community_id,
            },
        )

    async def every(self, limit: int) -> list[Community]:
        found = await fetch(
            self._conn, "SELECT * FROM communities ORDER BY id LIMIT :limit", {"limit": limit}
        )
        return [_community(row) for row in await found.fetchall()]

    async def created_by(self, user_id: int) -> list[Community]:
        """The communities this user set up with /setup."""
        found = await fetch(
            self._conn,
            "SELECT * FROM communities WHERE created_by = :uid ORDER BY id",
            {"uid": user_id},
        )
        return [_community(row) for row in await found.fetchall()]

    async def set_vote_periods(
        self, community_id: int, *, notice_period: timedelta, publication_period: timedelta
    ) -> None:
        await self._conn.execute(
            "UPDATE communities SET notice_days = :notice, publication_days = :publication"
            " WHERE id = :id",
            {
                "notice": notice_period.days,
                "publication": publication_period.days,
                "id": community_id,
            },
        )

    async def front_door(self, community_id: int) -> tuple[int, int] | None:
        found = await fetch(
            self._conn,
            "SELECT chat_id, message_id FROM front_doors WHERE community_id = :id",
            {"id": community_id},
        )
        row = await found.fetchone()
        return (int(row["chat_id"]), int(row["message_id"])) if row else None

    async def set_front_door(self, community_id: int, chat_id: int, message_id: int) -> None:
        await self._conn.execute(
            "INSERT INTO front_doors (community_id, chat_id, message_id)"
            " VALUES (:id, :chat, :message) ON CONFLICT (community_id) DO UPDATE"
            " SET chat_id = excluded.chat_id, message_id = excluded.message_id",
            {"id": community_id, "chat": chat_id, "message": message_id},
        )
