"""Notices and their read confirmations (tables `notices`, `notice_reads`, migration 0010), their
private copies, /unread's reminders and who the bot may write to privately (`notice_copies`,
`notice_reminders`, `private_chats`, migration 0011)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import aiosqlite

from bot.notices.model import AuthorRole, FileKind, Notice, NoticeFile, NoticeStatus
from storage.rows import fetch, from_text, in_list, to_text

_SELECT = "SELECT * FROM notices"


def _notice(row: aiosqlite.Row) -> Notice:
    card = (
        (row["card_chat_id"], row["card_message_id"]) if row["card_chat_id"] is not None else None
    )
    file = (
        NoticeFile(FileKind(row["file_kind"]), row["file_id"])
        if row["file_kind"] is not None
        else None
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
        status=NoticeStatus(row["status"]),
        urgent=bool(row["urgent"]),
        pin=bool(row["pin"]),
        file=file,
        publish_at=from_text(row["publish_at"]),
        published_at=from_text(row["published_at"]),
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
        status: NoticeStatus = NoticeStatus.PUBLISHED,
        publish_at: datetime | None = None,
        urgent: bool = False,
        pin: bool = False,
        file: NoticeFile | None = None,
    ) -> Notice:
        published = now if status is NoticeStatus.PUBLISHED else None
        cursor = await self._conn.execute(
            "INSERT INTO notices (community_id, number, text, building, author_id, author_role,"
            " created_at, status, publish_at, published_at, urgent, pin, file_kind, file_id)"
            " VALUES (:cid, (SELECT COALESCE(MAX(number), 0) + 1 FROM notices"
            " WHERE community_id = :cid), :text, :building, :by, :role, :now, :status, :at,"
            " :published, :urgent, :pin, :kind, :file)",
            {
                "cid": community_id,
                "text": text,
                "building": building,
                "by": author_id,
                "role": author_role.value,
                "now": to_text(now),
                "status": status.value,
                "at": to_text(publish_at) if publish_at is not None else None,
                "published": to_text(published) if published is not None else None,
                "urgent": int(urgent),
                "pin": int(pin),
                "kind": file.kind.value if file is not None else None,
                "file": file.file_id if file is not None else None,
            },
        )
        assert cursor.lastrowid is not None
        added = await self.get(cursor.lastrowid)
        assert added is not None
        return added

    async def get(self, notice_id: int) -> Notice | None:
        found = await self._many("id = :id", {"id": notice_id})
        return found[0] if found else None

    async def by_number(self, community_id: int, number: int) -> Notice | None:
        found = await self._many(
            "community_id = :cid AND number = :n", {"cid": community_id, "n": number}
        )
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
        """Every community's notices with a card, published at or after `since`, oldest first."""
        return await self._many(
            "card_chat_id IS NOT NULL AND COALESCE(published_at, created_at) >= :since ORDER BY id",
            {"since": to_text(since)},
        )

    async def set_card(self, notice_id: int, chat_id: int, message_id: int) -> None:
        await self._conn.execute(
            "UPDATE notices SET card_chat_id = :chat, card_message_id = :msg WHERE id = :id",
            {"chat": chat_id, "msg": message_id, "id": notice_id},
        )

    async def set_status(self, notice_id: int, status: NoticeStatus, *, now: datetime) -> None:
        await self._conn.execute(
            "UPDATE notices SET status = :status, published_at = CASE WHEN :status = 'published'"
            " THEN :now ELSE published_at END WHERE id = :id",
            {"status": status.value, "now": to_text(now), "id": notice_id},
        )

    async def scheduled(self) -> list[Notice]:
        return await self._many("status = 'scheduled' ORDER BY publish_at, id", {})

    async def recent(self, community_id: int, since: datetime) -> list[Notice]:
        published = await self._many(
            "community_id = :cid AND status IN ('published', 'withdrawn')"
            " AND published_at >= :since ORDER BY published_at DESC, id DESC",
            {"cid": community_id, "since": to_text(since)},
        )
        waiting = await self._many(
            "community_id = :cid AND status = 'scheduled' ORDER BY publish_at, id",
            {"cid": community_id},
        )
        return published + waiting

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

    async def copy_of(self, notice_id: int, user_id: int) -> int | None:
        return (await self.copies(notice_id, user_id)).get(user_id)

    async def add_copy(self, notice_id: int, user_id: int, message_id: int) -> None:
        await self._conn.execute(
            "INSERT OR IGNORE INTO notice_copies (notice_id, user_id, message_id)"
            " VALUES (:id, :uid, :msg)",
            {"id": notice_id, "uid": user_id, "msg": message_id},
        )

    async def copies(self, notice_id: int, user_id: int | None = None) -> dict[int, int]:
        found = await fetch(
            self._conn,
            "SELECT user_id, message_id FROM notice_copies WHERE notice_id = :id"
            " AND (:uid IS NULL OR user_id = :uid) ORDER BY user_id",
            {"id": notice_id, "uid": user_id},
        )
        return {row["user_id"]: row["message_id"] for row in await found.fetchall()}

    async def last_reminder(self, notice_id: int) -> datetime | None:
        found = await fetch(
            self._conn,
            "SELECT MAX(sent_at) AS at FROM notice_reminders WHERE notice_id = :id",
            {"id": notice_id},
        )
        row = await found.fetchone()
        return from_text(row["at"]) if row is not None else None

    async def add_reminder(self, notice_id: int, sent_by: int, *, now: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO notice_reminders (notice_id, sent_by, sent_at) VALUES (:id, :by, :now)",
            {"id": notice_id, "by": sent_by, "now": to_text(now)},
        )

    async def reachable(self, user_ids: Collection[int]) -> frozenset[int]:
        if not user_ids:
            return frozenset()
        marks, params = in_list(user_ids)
        found = await fetch(
            self._conn,
            f"SELECT user_id FROM private_chats WHERE reachable = 1 AND user_id IN ({marks})",  # noqa: S608
            params,
        )
        return frozenset(row["user_id"] for row in await found.fetchall())

    async def set_reachable(self, user_id: int, reachable: bool, *, now: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO private_chats (user_id, reachable, changed_at) VALUES (:uid, :r, :now)"
            " ON CONFLICT (user_id) DO UPDATE SET reachable = excluded.reachable,"
            " changed_at = excluded.changed_at",
            {"uid": user_id, "r": int(reachable), "now": to_text(now)},
        )
