"""Notices and their read confirmations (tables `notices`, `notice_reads`, migration 0010)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.notices.model import AuthorRole, Notice
from storage.rows import fetch, to_text

_SELECT = "SELECT * FROM notices"


def _notice(row: aiosqlite.Row) -> Notice:
    card = (
        (row["card_chat_id"], row["card_message_id"]) if row["card_chat_id"] is not None else None
    )
    return Notice(
        id=row["id"],
        community_id=row["community_id"],
        number=row["number"],
        text=row["text"],
        building=row["building"],
        author_id=row["author_id"],
        author_role=AuthorRole(row["author_role"]),
        card=card,
    )


class SqliteNoticeRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _many(self, where: str, params: dict[str, Any]) -> list[Notice]:
        found = await fetch(self._conn, f"{_SELECT} WHERE {where}", params)
        return [_notice(row) for row in await found.fetchall()]

    async def add(
        self,
        *,
        community_id: int,
        text: str,
        building: str | None,
        author_id: int,
        author_role: AuthorRole,
        now: datetime,
    ) -> Notice:
        cursor = await self._conn.execute(
            "INSERT INTO notices (community_id, number, text, building, author_id, author_role,"
            " created_at) VALUES (:cid, (SELECT COALESCE(MAX(number), 0) + 1 FROM notices"
            " WHERE community_id = :cid), :text, :building, :by, :role, :now)",
            {
                "cid": community_id,
                "text": text,
                "building": building,
                "by": author_id,
                "role": author_role.value,
                "now": to_text(now),
            },
        )
        assert cursor.lastrowid is not None
        added = await self.get(cursor.lastrowid)
        assert added is not None
        return added

    async def get(self, notice_id: int) -> Notice | None:
        found = await self._many("id = :id", {"id": notice_id})
        return found[0] if found else None

    async def next_number(self, community_id: int) -> int:
        found = await fetch(
            self._conn,
            "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM notices WHERE community_id = :cid",
            {"cid": community_id},
        )
        row = await found.fetchone()
        assert row is not None
        return int(row["n"])

    async def with_cards_since(self, since: datetime) -> list[Notice]:
        """Every community's notices with a card, posted at or after `since`, oldest first."""
        return await self._many(
            "card_chat_id IS NOT NULL AND created_at >= :since ORDER BY id",
            {"since": to_text(since)},
        )

    async def set_card(self, notice_id: int, chat_id: int, message_id: int) -> None:
        await self._conn.execute(
            "UPDATE notices SET card_chat_id = :chat, card_message_id = :msg WHERE id = :id",
            {"chat": chat_id, "msg": message_id, "id": notice_id},
        )

    async def reads(self, notice_id: int) -> dict[str, int]:
        found = await fetch(
            self._conn,
            "SELECT household, user_id FROM notice_reads WHERE notice_id = :id",
            {"id": notice_id},
        )
        return {row["household"]: row["user_id"] for row in await found.fetchall()}

    async def add_read(
        self, notice_id: int, household: str, user_id: int, *, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO notice_reads (notice_id, household, user_id, read_at)"
            " VALUES (:id, :household, :uid, :now)",
            {"id": notice_id, "household": household, "uid": user_id, "now": to_text(now)},
        )
