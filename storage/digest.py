"""The digest's tables (`digest_settings`, `digests_sent`, `digest_proposals`, migration 0021)
and what a week holds, read from the other features' tables by time."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

import aiosqlite

from bot.digest.model import DigestProposal, DigestSchedule, ProposalStatus, ReportedTicket
from bot.reports.model import Category
from storage.rows import fetch, from_text, to_text


def _schedule(row: aiosqlite.Row | None) -> DigestSchedule:
    if row is None or row["weekday"] is None:
        return DigestSchedule()
    return DigestSchedule(
        row["weekday"], time.fromisoformat(row["local_time"]), enabled=bool(row["enabled"])
    )


def _proposal(row: aiosqlite.Row) -> DigestProposal:
    return DigestProposal(
        id=row["id"],
        community_id=row["community_id"],
        user_id=row["user_id"],
        building=row["building"],
        category=Category(row["category"]),
        text=row["text"],
        status=ProposalStatus(row["status"]),
    )


class SqliteDigestRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _rows(self, sql: str, params: dict[str, Any]) -> list[aiosqlite.Row]:
        return list(await (await fetch(self._conn, sql, params)).fetchall())

    async def schedule(self, community_id: int) -> DigestSchedule:
        rows = await self._rows(
            "SELECT * FROM digest_settings WHERE community_id = :cid", {"cid": community_id}
        )
        return _schedule(rows[0] if rows else None)

    async def set_schedule(self, community_id: int, schedule: DigestSchedule) -> None:
        await self._conn.execute(
            "INSERT INTO digest_settings (community_id, weekday, local_time, enabled)"
            " VALUES (:cid, :weekday, :clock, :enabled) ON CONFLICT (community_id) DO UPDATE"
            " SET weekday = excluded.weekday, local_time = excluded.local_time,"
            " enabled = excluded.enabled",
            {
                "cid": community_id,
                "weekday": schedule.weekday,
                "clock": schedule.clock.strftime("%H:%M"),
                "enabled": int(schedule.enabled),
            },
        )

    async def schedules(self) -> dict[int, DigestSchedule]:
        rows = await self._rows(
            "SELECT c.id, s.weekday, s.local_time, s.enabled FROM communities c"
            " LEFT JOIN digest_settings s ON s.community_id = c.id ORDER BY c.id",
            {},
        )
        return {row["id"]: _schedule(row) for row in rows}

    async def mark_sent(
        self, community_id: int, week: str, *, due_at: datetime, now: datetime
    ) -> bool:
        cursor = await self._conn.execute(
            "INSERT OR IGNORE INTO digests_sent (community_id, week, due_at, sent_at)"
            " VALUES (:cid, :week, :due, :now)",
            {"cid": community_id, "week": week, "due": to_text(due_at), "now": to_text(now)},
        )
        return cursor.rowcount == 1

    async def last_due(self, community_id: int) -> datetime | None:
        rows = await self._rows(
            "SELECT MAX(due_at) AS due FROM digests_sent WHERE community_id = :cid",
            {"cid": community_id},
        )
        return from_text(rows[0]["due"]) if rows else None

    async def _ids(
        self, sql: str, community_id: int, since: datetime, until: datetime
    ) -> list[int]:
        rows = await self._rows(
            sql, {"cid": community_id, "since": to_text(since), "until": to_text(until)}
        )
        return [row["id"] for row in rows]

    async def new_topic_ids(self, community_id: int, since: datetime, until: datetime) -> list[int]:
        return await self._ids(
            "SELECT id FROM topics WHERE community_id = :cid"
            " AND created_at >= :since AND created_at < :until ORDER BY number",
            community_id,
            since,
            until,
        )

    async def closed_vote_ids(
        self, community_id: int, since: datetime, until: datetime
    ) -> list[int]:
        return await self._ids(
            "SELECT id FROM votes WHERE community_id = :cid AND status = 'closed'"
            " AND closed_at >= :since AND closed_at < :until ORDER BY number",
            community_id,
            since,
            until,
        )

    async def published_notice_ids(
        self, community_id: int, since: datetime, until: datetime
    ) -> list[int]:
        return await self._ids(
            "SELECT id FROM notices WHERE community_id = :cid AND status = 'published'"
            " AND published_at >= :since AND published_at < :until ORDER BY number",
            community_id,
            since,
            until,
        )

    async def tickets(self, community_id: int, since: datetime) -> list[ReportedTicket]:
        rows = await self._rows(
            "SELECT category, building, status, created_at, resolved_at FROM tickets"
            " WHERE community_id = :cid AND (created_at >= :since OR resolved_at >= :since)"
            " ORDER BY number",
            {"cid": community_id, "since": to_text(since)},
        )
        found = []
        for row in rows:
            created = from_text(row["created_at"])
            assert created is not None
            found.append(
                ReportedTicket(
                    category=Category(row["category"]),
                    building=row["building"],
                    created_at=created,
                    resolved_at=from_text(row["resolved_at"]),
                    rejected=row["status"] == "rejected",
                )
            )
        return found

    async def add_proposal(
        self,
        *,
        community_id: int,
        user_id: int,
        building: str,
        category: Category,
        text: str,
        now: datetime,
    ) -> DigestProposal:
        cursor = await self._conn.execute(
            "INSERT INTO digest_proposals (community_id, user_id, building, category, text,"
            " created_at) VALUES (:cid, :user, :building, :category, :text, :now)",
            {
                "cid": community_id,
                "user": user_id,
                "building": building,
                "category": category.value,
                "text": text,
                "now": to_text(now),
            },
        )
        assert cursor.lastrowid is not None
        return DigestProposal(cursor.lastrowid, community_id, user_id, building, category, text)

    async def proposal(self, proposal_id: int) -> DigestProposal | None:
        rows = await self._rows(
            "SELECT * FROM digest_proposals WHERE id = :id", {"id": proposal_id}
        )
        return _proposal(rows[0]) if rows else None

    async def find_proposal(
        self, community_id: int, user_id: int, building: str, category: Category
    ) -> DigestProposal | None:
        rows = await self._rows(
            "SELECT * FROM digest_proposals WHERE community_id = :cid AND user_id = :user"
            " AND building = :building AND category = :category"
            " AND status != 'cancelled' ORDER BY id DESC LIMIT 1",
            {
                "cid": community_id,
                "user": user_id,
                "building": building,
                "category": category.value,
            },
        )
        return _proposal(rows[0]) if rows else None

    async def set_proposal_status(self, proposal_id: int, status: ProposalStatus) -> None:
        await self._conn.execute(
            "UPDATE digest_proposals SET status = :status WHERE id = :id",
            {"status": status.value, "id": proposal_id},
        )
