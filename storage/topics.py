from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.topics.model import Topic, TopicStatus
from storage.rows import fetch, to_text

_SELECT = """
SELECT t.*, u.display_name AS proposer_name,
       (SELECT COUNT(*) FROM topic_supports s WHERE s.topic_id = t.id) AS supports
FROM topics t JOIN users u ON u.id = t.proposed_by
"""


def _topic(row: aiosqlite.Row) -> Topic:
    card = (
        (row["card_chat_id"], row["card_message_id"]) if row["card_chat_id"] is not None else None
    )
    return Topic(
        id=row["id"],
        community_id=row["community_id"],
        number=row["number"],
        title=row["title"],
        details=row["details"],
        proposed_by=row["proposed_by"],
        proposer_name=row["proposer_name"],
        status=TopicStatus(row["status"]),
        supports=row["supports"],
        card=card,
    )


class SqliteTopicRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _many(self, where: str, params: dict[str, Any]) -> list[Topic]:
        found = await fetch(self._conn, f"{_SELECT} WHERE {where}", params)
        return [_topic(row) for row in await found.fetchall()]

    async def add(
        self, *, community_id: int, title: str, details: str, proposed_by: int, now: datetime
    ) -> Topic:
        cursor = await self._conn.execute(
            "INSERT INTO topics (community_id, number, title, details, proposed_by, status,"
            " created_at) VALUES (:cid, (SELECT COALESCE(MAX(number), 0) + 1 FROM topics"
            " WHERE community_id = :cid), :title, :details, :by, 'proposed', :now)",
            {
                "cid": community_id,
                "title": title,
                "details": details,
                "by": proposed_by,
                "now": to_text(now),
            },
        )
        assert cursor.lastrowid is not None
        added = await self.get(cursor.lastrowid)
        assert added is not None
        return added

    async def get(self, topic_id: int) -> Topic | None:
        found = await self._many("t.id = :id", {"id": topic_id})
        return found[0] if found else None

    async def by_number(self, community_id: int, number: int) -> Topic | None:
        found = await self._many(
            "t.community_id = :cid AND t.number = :n", {"cid": community_id, "n": number}
        )
        return found[0] if found else None

    async def of_community(self, community_id: int) -> list[Topic]:
        return await self._many("t.community_id = :cid ORDER BY t.number", {"cid": community_id})

    async def with_cards_taking_support(self) -> list[Topic]:
        """Every community's topics with a card that still takes support, oldest first."""
        return await self._many(
            "t.card_chat_id IS NOT NULL AND t.status IN (:proposed, :discussion) ORDER BY t.id",
            {"proposed": TopicStatus.PROPOSED.value, "discussion": TopicStatus.DISCUSSION.value},
        )

    async def set_status(self, topic_id: int, status: TopicStatus, *, now: datetime) -> None:
        await self._conn.execute(
            "UPDATE topics SET status = :status, discussion_at = CASE WHEN :status = 'discussion'"
            " THEN :now ELSE discussion_at END WHERE id = :id",
            {"status": status.value, "now": to_text(now), "id": topic_id},
        )

    async def set_card(self, topic_id: int, chat_id: int, message_id: int) -> None:
        await self._conn.execute(
            "UPDATE topics SET card_chat_id = :chat, card_message_id = :msg WHERE id = :id",
            {"chat": chat_id, "msg": message_id, "id": topic_id},
        )

    async def supports(self, topic_id: int) -> dict[str, int]:
        found = await fetch(
            self._conn,
            "SELECT household, user_id FROM topic_supports WHERE topic_id = :id",
            {"id": topic_id},
        )
        return {row["household"]: row["user_id"] for row in await found.fetchall()}

    async def add_support(
        self, topic_id: int, household: str, user_id: int, *, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO topic_supports (topic_id, household, user_id, supported_at)"
            " VALUES (:id, :household, :uid, :now)",
            {"id": topic_id, "household": household, "uid": user_id, "now": to_text(now)},
        )

    async def remove_support(self, topic_id: int, household: str) -> None:
        await self._conn.execute(
            "DELETE FROM topic_supports WHERE topic_id = :id AND household = :household",
            {"id": topic_id, "household": household},
        )
