"""Meetings, weekly series, agendas, RSVPs and reminders (tables `meetings`, `meeting_series`,
`meeting_agenda`, `meeting_rsvps`, `meeting_reminders`; the settings on `communities`;
migration 0012)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import aiosqlite

from bot.meetings.model import (
    AgendaItem,
    Answer,
    Meeting,
    MeetingSettings,
    MeetingStatus,
    Outcome,
    Reminder,
    ReminderStatus,
    Series,
)
from storage.rows import fetch, to_text


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _meeting(row: aiosqlite.Row) -> Meeting:
    card = (
        (row["card_chat_id"], row["card_message_id"]) if row["card_chat_id"] is not None else None
    )
    minutes_message = (
        (row["minutes_chat_id"], row["minutes_message_id"])
        if row["minutes_chat_id"] is not None
        else None
    )
    return Meeting(
        id=row["id"],
        community_id=row["community_id"],
        number=row["number"],
        starts_at=_when(row["starts_at"]),
        place=row["place"],
        series_id=row["series_id"],
        status=MeetingStatus(row["status"]),
        created_by=row["created_by"],
        card=card,
        minutes=row["minutes"],
        minutes_by=row["minutes_by"],
        minutes_message=minutes_message,
    )


def _series(row: aiosqlite.Row) -> Series:
    return Series(
        id=row["id"],
        community_id=row["community_id"],
        weekday=row["weekday"],
        at=time.fromisoformat(row["local_time"]),
        place=row["place"],
        ended=row["ended_at"] is not None,
    )


def _reminder(row: aiosqlite.Row) -> Reminder:
    return Reminder(
        id=row["id"],
        meeting_id=row["meeting_id"],
        ahead=timedelta(seconds=row["ahead_seconds"]),
        due_at=_when(row["due_at"]),
        status=ReminderStatus(row["status"]),
    )


class SqliteMeetingRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _rows(self, sql: str, params: dict[str, Any]) -> list[aiosqlite.Row]:
        return await (await fetch(self._conn, sql, params)).fetchall()

    async def _meetings(self, where: str, params: dict[str, Any]) -> list[Meeting]:
        return [
            _meeting(r)
            for r in await self._rows(f"SELECT * FROM meetings WHERE {where}", params)  # noqa: S608
        ]

    async def settings(self, community_id: int) -> MeetingSettings:
        rows = await self._rows(
            "SELECT meeting_reminders, agenda_limit FROM communities WHERE id = :id",
            {"id": community_id},
        )
        if not rows:
            return MeetingSettings()
        text = rows[0]["meeting_reminders"]
        offsets = tuple(timedelta(seconds=int(s)) for s in text.split(",") if s)
        return MeetingSettings(offsets, rows[0]["agenda_limit"])

    async def set_reminders(self, community_id: int, offsets: tuple[timedelta, ...]) -> None:
        text = ",".join(str(int(o.total_seconds())) for o in offsets)
        await self._conn.execute(
            "UPDATE communities SET meeting_reminders = :text WHERE id = :id",
            {"text": text, "id": community_id},
        )

    async def set_agenda_limit(self, community_id: int, limit: int) -> None:
        await self._conn.execute(
            "UPDATE communities SET agenda_limit = :n WHERE id = :id",
            {"n": limit, "id": community_id},
        )

    async def add_series(
        self,
        *,
        community_id: int,
        weekday: int,
        at: time,
        place: str,
        created_by: int,
        now: datetime,
    ) -> Series:
        cursor = await self._conn.execute(
            "INSERT INTO meeting_series (community_id, weekday, local_time, place, created_by,"
            " created_at) VALUES (:cid, :weekday, :at, :place, :by, :now)",
            {
                "cid": community_id,
                "weekday": weekday,
                "at": at.isoformat(),
                "place": place,
                "by": created_by,
                "now": to_text(now),
            },
        )
        assert cursor.lastrowid is not None
        added = await self.series(cursor.lastrowid)
        assert added is not None
        return added

    async def series(self, series_id: int) -> Series | None:
        rows = await self._rows("SELECT * FROM meeting_series WHERE id = :id", {"id": series_id})
        return _series(rows[0]) if rows else None

    async def live_series(self) -> list[Series]:
        rows = await self._rows(
            "SELECT * FROM meeting_series WHERE ended_at IS NULL ORDER BY id", {}
        )
        return [_series(r) for r in rows]

    async def end_series(self, series_id: int, *, now: datetime) -> None:
        await self._conn.execute(
            "UPDATE meeting_series SET ended_at = :now WHERE id = :id",
            {"now": to_text(now), "id": series_id},
        )

    async def add(
        self,
        *,
        community_id: int,
        starts_at: datetime,
        place: str,
        series_id: int | None,
        created_by: int,
        now: datetime,
    ) -> Meeting:
        cursor = await self._conn.execute(
            "INSERT INTO meetings (community_id, number, starts_at, place, series_id, status,"
            " created_by, created_at) VALUES (:cid, (SELECT COALESCE(MAX(number), 0) + 1 FROM"
            " meetings WHERE community_id = :cid), :starts, :place, :series, 'scheduled', :by,"
            " :now)",
            {
                "cid": community_id,
                "starts": to_text(starts_at),
                "place": place,
                "series": series_id,
                "by": created_by,
                "now": to_text(now),
            },
        )
        assert cursor.lastrowid is not None
        added = await self.get(cursor.lastrowid)
        assert added is not None
        return added

    async def get(self, meeting_id: int) -> Meeting | None:
        found = await self._meetings("id = :id", {"id": meeting_id})
        return found[0] if found else None

    async def by_number(self, community_id: int, number: int) -> Meeting | None:
        found = await self._meetings(
            "community_id = :cid AND number = :n", {"cid": community_id, "n": number}
        )
        return found[0] if found else None

    async def of_series(self, series_id: int) -> list[Meeting]:
        return await self._meetings("series_id = :sid ORDER BY starts_at", {"sid": series_id})

    async def scheduled(self, community_id: int | None = None) -> list[Meeting]:
        return await self._meetings(
            "status = 'scheduled' AND (:cid IS NULL OR community_id = :cid) ORDER BY starts_at, id",
            {"cid": community_id},
        )

    async def set_status(self, meeting_id: int, status: MeetingStatus) -> None:
        await self._conn.execute(
            "UPDATE meetings SET status = :status WHERE id = :id",
            {"status": status.value, "id": meeting_id},
        )

    async def move(self, meeting_id: int, starts_at: datetime, place: str) -> None:
        await self._conn.execute(
            "UPDATE meetings SET starts_at = :starts, place = :place WHERE id = :id",
            {"starts": to_text(starts_at), "place": place, "id": meeting_id},
        )

    async def set_card(self, meeting_id: int, chat_id: int, message_id: int) -> None:
        await self._conn.execute(
            "UPDATE meetings SET card_chat_id = :chat, card_message_id = :msg WHERE id = :id",
            {"chat": chat_id, "msg": message_id, "id": meeting_id},
        )

    async def set_minutes(
        self, meeting_id: int, *, text: str, author_id: int, now: datetime
    ) -> None:
        await self._conn.execute(
            "UPDATE meetings SET minutes = :text, minutes_by = :by, minutes_at = :now"
            " WHERE id = :id",
            {"text": text, "by": author_id, "now": to_text(now), "id": meeting_id},
        )

    async def set_minutes_message(self, meeting_id: int, chat_id: int, message_id: int) -> None:
        await self._conn.execute(
            "UPDATE meetings SET minutes_chat_id = :chat, minutes_message_id = :msg WHERE id = :id",
            {"chat": chat_id, "msg": message_id, "id": meeting_id},
        )

    async def agenda(self, meeting_id: int) -> list[AgendaItem]:
        rows = await self._rows(
            "SELECT a.topic_id, a.position, a.outcome, t.number, t.title FROM meeting_agenda a"
            " JOIN topics t ON t.id = a.topic_id WHERE a.meeting_id = :id ORDER BY a.position",
            {"id": meeting_id},
        )
        return [
            AgendaItem(
                topic_id=r["topic_id"],
                number=r["number"],
                title=r["title"],
                position=r["position"],
                outcome=Outcome(r["outcome"]) if r["outcome"] else None,
            )
            for r in rows
        ]

    async def set_agenda(self, meeting_id: int, topic_ids: list[int]) -> None:
        kept = {
            item.topic_id: item.outcome.value
            for item in await self.agenda(meeting_id)
            if item.outcome is not None
        }
        await self._conn.execute(
            "DELETE FROM meeting_agenda WHERE meeting_id = :id", {"id": meeting_id}
        )
        await self._conn.executemany(
            "INSERT INTO meeting_agenda (meeting_id, topic_id, position, outcome)"
            " VALUES (:id, :topic, :position, :outcome)",
            [
                {
                    "id": meeting_id,
                    "topic": topic,
                    "position": position,
                    "outcome": kept.get(topic),
                }
                for position, topic in enumerate(topic_ids, start=1)
            ],
        )

    async def set_outcome(self, meeting_id: int, topic_id: int, outcome: Outcome) -> None:
        await self._conn.execute(
            "UPDATE meeting_agenda SET outcome = :outcome WHERE meeting_id = :id"
            " AND topic_id = :topic",
            {"outcome": outcome.value, "id": meeting_id, "topic": topic_id},
        )

    async def discussion_topics(self, community_id: int) -> list[int]:
        rows = await self._rows(
            "SELECT id FROM topics WHERE community_id = :cid AND status = 'discussion'"
            " ORDER BY COALESCE(discussion_at, created_at), number",
            {"cid": community_id},
        )
        return [r["id"] for r in rows]

    async def deferred_topics(self, community_id: int) -> set[int]:
        rows = await self._rows(
            "SELECT a.topic_id, a.outcome FROM meeting_agenda a JOIN meetings m"
            " ON m.id = a.meeting_id WHERE m.community_id = :cid AND a.outcome IS NOT NULL"
            " ORDER BY m.starts_at, m.id",
            {"cid": community_id},
        )
        latest = {r["topic_id"]: r["outcome"] for r in rows}
        return {topic for topic, outcome in latest.items() if outcome == Outcome.DEFERRED.value}

    async def upcoming_agenda(self, community_id: int) -> dict[int, Meeting]:
        rows = await self._rows(
            "SELECT a.topic_id, m.* FROM meeting_agenda a JOIN meetings m ON m.id = a.meeting_id"
            " WHERE m.community_id = :cid AND m.status = 'scheduled'"
            " ORDER BY m.starts_at DESC, m.id DESC",
            {"cid": community_id},
        )
        return {r["topic_id"]: _meeting(r) for r in rows}  # the earliest is written last

    async def rsvps(self, meeting_id: int) -> dict[str, tuple[Answer, int]]:
        rows = await self._rows(
            "SELECT household, answer, user_id FROM meeting_rsvps WHERE meeting_id = :id",
            {"id": meeting_id},
        )
        return {r["household"]: (Answer(r["answer"]), r["user_id"]) for r in rows}

    async def set_rsvp(
        self, meeting_id: int, household: str, user_id: int, answer: Answer, *, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO meeting_rsvps (meeting_id, household, user_id, answer, answered_at)"
            " VALUES (:id, :household, :uid, :answer, :now) ON CONFLICT (meeting_id, household)"
            " DO UPDATE SET user_id = :uid, answer = :answer, answered_at = :now",
            {
                "id": meeting_id,
                "household": household,
                "uid": user_id,
                "answer": answer.value,
                "now": to_text(now),
            },
        )

    async def add_reminder(self, meeting_id: int, ahead: timedelta, due_at: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO meeting_reminders (meeting_id, ahead_seconds, due_at, status)"
            " VALUES (:id, :ahead, :due, 'pending')",
            {"id": meeting_id, "ahead": int(ahead.total_seconds()), "due": to_text(due_at)},
        )

    async def reminder(self, reminder_id: int) -> Reminder | None:
        rows = await self._rows(
            "SELECT * FROM meeting_reminders WHERE id = :id", {"id": reminder_id}
        )
        return _reminder(rows[0]) if rows else None

    async def reminders(self, meeting_id: int) -> list[Reminder]:
        rows = await self._rows(
            "SELECT * FROM meeting_reminders WHERE meeting_id = :id ORDER BY due_at, id",
            {"id": meeting_id},
        )
        return [_reminder(r) for r in rows]

    async def pending_reminders(self) -> list[Reminder]:
        rows = await self._rows(
            "SELECT * FROM meeting_reminders WHERE status = 'pending' ORDER BY due_at, id", {}
        )
        return [_reminder(r) for r in rows]

    async def finish_reminder(
        self, reminder_id: int, status: ReminderStatus, *, now: datetime
    ) -> None:
        await self._conn.execute(
            "UPDATE meeting_reminders SET status = :status, fired_at = :now WHERE id = :id",
            {"status": status.value, "now": to_text(now), "id": reminder_id},
        )

    async def drop_pending_reminders(self, meeting_id: int, *, now: datetime) -> None:
        await self._conn.execute(
            "UPDATE meeting_reminders SET status = 'skipped', fired_at = :now"
            " WHERE meeting_id = :id AND status = 'pending'",
            {"now": to_text(now), "id": meeting_id},
        )
