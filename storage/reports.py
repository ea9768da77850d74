from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.reports.model import (
    Category,
    HistoryEntry,
    Location,
    Ticket,
    TicketStatus,
    Timer,
    TimerKind,
    Voice,
)
from storage.rows import fetch, from_text, to_text

_SELECT = """
SELECT t.*, u.display_name AS reporter_name,
       1 + (SELECT COUNT(DISTINCT COALESCE(f.household, 'user:' || f.user_id))
            FROM ticket_followers f WHERE f.ticket_id = t.id
            AND COALESCE(f.household, '') != COALESCE(t.household, '-')) AS affected,
       (SELECT GROUP_CONCAT(p.file_id, ' ') FROM (SELECT file_id FROM ticket_photos
            WHERE ticket_id = t.id ORDER BY position) p) AS photos
FROM tickets t JOIN users u ON u.id = t.reporter_id
"""


def _ticket(row: aiosqlite.Row) -> Ticket:
    created = from_text(row["created_at"])
    assert created is not None
    return Ticket(
        id=row["id"],
        community_id=row["community_id"],
        number=row["number"],
        category=Category(row["category"]),
        description=row["description"],
        reporter_id=row["reporter_id"],
        reporter_name=row["reporter_name"],
        household=row["household"],
        location=Location(
            row["unit"],
            row["building"],
            row["place"],
            row["latitude"],
            row["longitude"],
            row["part"],
        ),
        status=TicketStatus(row["status"]),
        created_at=created,
        acknowledged_at=from_text(row["acknowledged_at"]),
        resolved_at=from_text(row["resolved_at"]),
        rating=row["rating"],
        affected=row["affected"],
        photos=tuple(row["photos"].split()) if row["photos"] else (),
        voice=Voice(row["voice_file_id"], row["voice_seconds"] or 0)
        if row["voice_file_id"]
        else None,
    )


class SqliteReportRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _many(self, where: str, params: dict[str, Any]) -> list[Ticket]:
        found = await fetch(self._conn, f"{_SELECT} WHERE {where}", params)
        return [_ticket(row) for row in await found.fetchall()]

    async def add(
        self,
        *,
        community_id: int,
        category: Category,
        description: str,
        reporter_id: int,
        household: str | None,
        location: Location,
        photos: tuple[str, ...],
        now: datetime,
        voice: Voice | None = None,
    ) -> Ticket:
        cursor = await self._conn.execute(
            "INSERT INTO tickets (community_id, number, category, description, reporter_id,"
            " household, unit, building, place, latitude, longitude, part, voice_file_id,"
            " voice_seconds, status, created_at)"
            " VALUES (:cid, (SELECT COALESCE(MAX(number), 0) + 1 FROM tickets"
            " WHERE community_id = :cid), :category, :description, :reporter, :household,"
            " :unit, :building, :place, :lat, :lon, :part, :voice, :seconds, 'reported', :now)",
            {
                "cid": community_id,
                "category": category.value,
                "description": description,
                "reporter": reporter_id,
                "household": household,
                "unit": location.unit,
                "building": location.building,
                "place": location.place,
                "lat": location.latitude,
                "lon": location.longitude,
                "part": location.part,
                "voice": voice.file_id if voice else None,
                "seconds": voice.seconds if voice else None,
                "now": to_text(now),
            },
        )
        assert cursor.lastrowid is not None
        await self._conn.executemany(
            "INSERT INTO ticket_photos (ticket_id, position, file_id) VALUES (:id, :pos, :file)",
            [{"id": cursor.lastrowid, "pos": i, "file": f} for i, f in enumerate(photos)],
        )
        added = await self.get(cursor.lastrowid)
        assert added is not None
        return added

    async def get(self, ticket_id: int) -> Ticket | None:
        found = await self._many("t.id = :id", {"id": ticket_id})
        return found[0] if found else None

    async def by_number(self, community_id: int, number: int) -> Ticket | None:
        found = await self._many(
            "t.community_id = :cid AND t.number = :n", {"cid": community_id, "n": number}
        )
        return found[0] if found else None

    async def open_since(
        self, community_id: int, category: Category, since: datetime
    ) -> list[Ticket]:
        return await self._many(
            "t.community_id = :cid AND t.category = :category AND t.created_at >= :since"
            " AND t.status NOT IN ('closed', 'rejected') ORDER BY t.created_at",
            {"cid": community_id, "category": category.value, "since": to_text(since)},
        )

    async def of_community(self, community_id: int) -> list[Ticket]:
        return await self._many(
            "t.community_id = :cid ORDER BY t.created_at, t.id", {"cid": community_id}
        )

    async def followed_by(self, user_id: int) -> set[int]:
        found = await fetch(
            self._conn,
            "SELECT ticket_id FROM ticket_followers WHERE user_id = :uid",
            {"uid": user_id},
        )
        return {row["ticket_id"] for row in await found.fetchall()}

    async def set_status(
        self,
        ticket_id: int,
        status: TicketStatus,
        *,
        acknowledged_at: datetime | None,
        resolved_at: datetime | None,
        rating: int | None,
    ) -> None:
        await self._conn.execute(
            "UPDATE tickets SET status = :status,"
            " acknowledged_at = COALESCE(acknowledged_at, :ack),"
            " resolved_at = COALESCE(:resolved, resolved_at),"
            " rating = COALESCE(:rating, rating) WHERE id = :id",
            {
                "status": status.value,
                "ack": to_text(acknowledged_at) if acknowledged_at else None,
                "resolved": to_text(resolved_at) if resolved_at else None,
                "rating": rating,
                "id": ticket_id,
            },
        )

    async def add_history(
        self, ticket_id: int, event: str, by_user: int, note: str, *, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO ticket_history (ticket_id, seq, at, event, by_user, note) VALUES (:id,"
            " (SELECT COALESCE(MAX(seq), 0) + 1 FROM ticket_history WHERE ticket_id = :id),"
            " :at, :event, :by, :note)",
            {"id": ticket_id, "at": to_text(now), "event": event, "by": by_user, "note": note},
        )

    async def history(self, ticket_id: int) -> list[HistoryEntry]:
        found = await fetch(
            self._conn,
            "SELECT h.*, COALESCE(u.display_name, '') AS name FROM ticket_history h"
            " LEFT JOIN users u ON u.id = h.by_user WHERE h.ticket_id = :id ORDER BY h.seq",
            {"id": ticket_id},
        )
        rows = await found.fetchall()
        entries = []
        for row in rows:
            at = from_text(row["at"])
            assert at is not None
            entries.append(HistoryEntry(at, row["event"], row["name"], row["note"]))
        return entries

    async def add_follower(
        self, ticket_id: int, user_id: int, household: str | None, *, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO ticket_followers (ticket_id, user_id, household, added_at)"
            " VALUES (:id, :uid, :household, :now)",
            {"id": ticket_id, "uid": user_id, "household": household, "now": to_text(now)},
        )

    async def followers(self, ticket_id: int) -> list[int]:
        found = await fetch(
            self._conn,
            "SELECT user_id FROM ticket_followers WHERE ticket_id = :id ORDER BY added_at",
            {"id": ticket_id},
        )
        return [row["user_id"] for row in await found.fetchall()]

    async def add_card(self, ticket_id: int, chat_id: int, message_id: int) -> None:
        await self._conn.execute(
            "INSERT OR IGNORE INTO ticket_cards (ticket_id, chat_id, message_id)"
            " VALUES (:id, :chat, :msg)",
            {"id": ticket_id, "chat": chat_id, "msg": message_id},
        )

    async def cards(self, ticket_id: int) -> list[tuple[int, int]]:
        found = await fetch(
            self._conn,
            "SELECT chat_id, message_id FROM ticket_cards WHERE ticket_id = :id",
            {"id": ticket_id},
        )
        return [(row["chat_id"], row["message_id"]) for row in await found.fetchall()]

    async def add_timer(self, ticket_id: int, kind: TimerKind, due_at: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO report_timers (ticket_id, kind, due_at) VALUES (:id, :kind, :due)",
            {"id": ticket_id, "kind": kind.value, "due": to_text(due_at)},
        )

    async def pending_timers(self) -> list[Timer]:
        found = await fetch(
            self._conn, "SELECT * FROM report_timers WHERE fired_at IS NULL ORDER BY due_at"
        )
        rows = await found.fetchall()
        timers = []
        for row in rows:
            due = from_text(row["due_at"])
            assert due is not None
            timers.append(Timer(row["id"], row["ticket_id"], TimerKind(row["kind"]), due))
        return timers

    async def mark_fired(self, timer_id: int, *, now: datetime) -> bool:
        cursor = await self._conn.execute(
            "UPDATE report_timers SET fired_at = :now WHERE id = :id AND fired_at IS NULL",
            {"now": to_text(now), "id": timer_id},
        )
        return cursor.rowcount == 1

    async def start_draft(self, user_id: int, *, now: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO report_drafts (user_id, started_at) VALUES (:uid, :now)"
            " ON CONFLICT (user_id) DO UPDATE SET started_at = excluded.started_at",
            {"uid": user_id, "now": to_text(now)},
        )

    async def end_draft(self, user_id: int) -> bool:
        cursor = await self._conn.execute(
            "DELETE FROM report_drafts WHERE user_id = :uid", {"uid": user_id}
        )
        return cursor.rowcount == 1

    async def emergency(self, community_id: int) -> str | None:
        found = await fetch(
            self._conn,
            "SELECT emergency FROM report_settings WHERE community_id = :cid",
            {"cid": community_id},
        )
        row = await found.fetchone()
        return row["emergency"] if row is not None else None

    async def set_emergency(self, community_id: int, text: str | None) -> None:
        await self._conn.execute(
            "INSERT INTO report_settings (community_id, emergency) VALUES (:cid, :text)"
            " ON CONFLICT (community_id) DO UPDATE SET emergency = excluded.emergency",
            {"cid": community_id, "text": text},
        )

    async def add_prompt(
        self,
        chat_id: int,
        message_id: int,
        ticket_id: int,
        user_id: int,
        kind: str,
        *,
        now: datetime,
    ) -> None:
        await self._conn.execute(
            "INSERT OR REPLACE INTO ticket_prompts"
            " (chat_id, message_id, ticket_id, user_id, kind, created_at)"
            " VALUES (:chat, :msg, :ticket, :uid, :kind, :now)",
            {
                "chat": chat_id,
                "msg": message_id,
                "ticket": ticket_id,
                "uid": user_id,
                "kind": kind,
                "now": to_text(now),
            },
        )

    async def prompt(self, chat_id: int, message_id: int) -> tuple[int, int, str] | None:
        found = await fetch(
            self._conn,
            "SELECT ticket_id, user_id, kind FROM ticket_prompts"
            " WHERE chat_id = :chat AND message_id = :msg",
            {"chat": chat_id, "msg": message_id},
        )
        row = await found.fetchone()
        return (row["ticket_id"], row["user_id"], row["kind"]) if row is not None else None

    async def drop_prompt(self, chat_id: int, message_id: int) -> None:
        await self._conn.execute(
            "DELETE FROM ticket_prompts WHERE chat_id = :chat AND message_id = :msg",
            {"chat": chat_id, "msg": message_id},
        )
