"""The meeting repository on a real SQLite file: rows ↔ meetings, numbers per community, one
answer per household (changed in place), the agenda's order with its outcomes kept, the
settings' defaults, reminders, and the CHECKs that keep bad rows out."""

from __future__ import annotations

from datetime import time, timedelta

import aiosqlite
import pytest

from bot.meetings.model import (
    DEFAULT_REMINDERS,
    Answer,
    MeetingSettings,
    MeetingStatus,
    Outcome,
    ReminderStatus,
)
from storage.database import Database
from tests.conftest import NOW


async def _community(db: Database, chat_id: int) -> int:
    async with db.unit_of_work() as uow:
        community = await uow.communities.add(
            chat_id=chat_id, name="Sunny", language="zh", timezone="UTC", created_by=1, now=NOW
        )
        await uow.users.remember(1, "Chair", now=NOW)
        await uow.commit()
    return community.id


async def test_meetings_agendas_answers_and_reminders_round_trip(db: Database) -> None:
    first, second = await _community(db, -1001), await _community(db, -2002)
    async with db.unit_of_work() as uow:
        assert await uow.meetings.settings(first) == MeetingSettings(DEFAULT_REMINDERS, 5)
        await uow.meetings.set_reminders(first, (timedelta(seconds=40), timedelta(seconds=20)))
        await uow.meetings.set_agenda_limit(first, 3)
        series = await uow.meetings.add_series(
            community_id=first, weekday=2, at=time(19, 30), place="Hall", created_by=1, now=NOW
        )
        a = await uow.meetings.add(
            community_id=first,
            starts_at=NOW + timedelta(days=3),
            place="Hall",
            series_id=series.id,
            created_by=1,
            now=NOW,
        )
        b = await uow.meetings.add(
            community_id=second,
            starts_at=NOW + timedelta(days=1),
            place="Room",
            series_id=None,
            created_by=1,
            now=NOW,
        )
        topics = [
            await uow.topics.add(
                community_id=first, title=f"T{i}", details="", proposed_by=1, now=NOW
            )
            for i in range(3)
        ]
        await uow.meetings.set_agenda(a.id, [t.id for t in topics])
        await uow.meetings.set_outcome(a.id, topics[1].id, Outcome.DEFERRED)
        await uow.meetings.set_agenda(a.id, [topics[1].id, topics[0].id])
        await uow.meetings.set_rsvp(a.id, "1-101", 5, Answer.ATTEND, now=NOW)
        await uow.meetings.set_rsvp(a.id, "1-101", 6, Answer.ABSENT, now=NOW)
        await uow.meetings.add_reminder(a.id, timedelta(seconds=40), NOW + timedelta(days=2))
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.meetings.settings(first) == MeetingSettings(
            (timedelta(seconds=40), timedelta(seconds=20)), 3
        )
        assert (a.number, b.number) == (1, 1)
        assert (await uow.meetings.series(series.id)) == series
        assert series.at == time(19, 30) and not series.ended
        assert [(i.number, i.position, i.outcome) for i in await uow.meetings.agenda(a.id)] == [
            (2, 1, Outcome.DEFERRED),
            (1, 2, None),
        ]
        assert await uow.meetings.deferred_topics(first) == {topics[1].id}
        assert await uow.meetings.rsvps(a.id) == {"1-101": (Answer.ABSENT, 6)}
        assert set(await uow.meetings.upcoming_agenda(first)) == {topics[0].id, topics[1].id}
        assert [m.id for m in await uow.meetings.scheduled()] == [b.id, a.id]
        [reminder] = await uow.meetings.pending_reminders()
        await uow.meetings.drop_pending_reminders(a.id, now=NOW)
        await uow.meetings.set_status(a.id, MeetingStatus.CANCELLED)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert (await uow.meetings.reminder(reminder.id)).status is ReminderStatus.SKIPPED  # type: ignore[union-attr]
        assert await uow.meetings.upcoming_agenda(first) == {}
        assert await uow.meetings.scheduled(first) == []


async def test_bad_rows_are_refused_by_the_schema(db: Database) -> None:
    community = await _community(db, -1001)
    async with db.unit_of_work() as uow:
        with pytest.raises(aiosqlite.IntegrityError):
            await uow.meetings.add(
                community_id=community,
                starts_at=NOW,
                place="",
                series_id=None,
                created_by=1,
                now=NOW,
            )
    async with db.unit_of_work() as uow:
        with pytest.raises(aiosqlite.IntegrityError):
            await uow.meetings.set_agenda_limit(community, 0)
