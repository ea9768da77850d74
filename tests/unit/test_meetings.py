"""Meeting use cases on a real SQLite file: the agenda built from the topics in discussion,
reminders stored and recomputed when a meeting moves, none left pending when it is cancelled, a
weekly series going on (or ending), reminders firing once, and refusals that change nothing.
The community is in Asia/Shanghai (UTC+8); NOW is Sunday 2026-11-22 17:30 there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.communities.model import Community
from bot.errors import UserError
from bot.meetings.cases import (
    Marked,
    agenda_of_topics,
    cancel_meeting,
    edit_agenda,
    fire_reminder,
    hold_due,
    mark_outcome,
    move_meeting,
    post_minutes,
    schedule_meeting,
)
from bot.meetings.model import MeetingStatus, Outcome, ReminderStatus, order_agenda
from bot.outbox import Tell
from bot.roles.model import Actor, Role
from bot.topics.model import AgendaSlot, TopicStatus
from storage.database import Database
from tests.conftest import NOW
from tests.unit.test_usecases import make_community

CHAIR = Actor(9, Role.COMMITTEE)
RESIDENT = Actor(10)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def topics(db: Database, community: Community, statuses: list[TopicStatus]) -> list[int]:
    """Topics #1… with these statuses; those in discussion entered it in order."""
    ids = []
    async with db.unit_of_work() as uow:
        await uow.users.remember(9, "Chair Wu", now=NOW)
        for i, status in enumerate(statuses):
            topic = await uow.topics.add(
                community_id=community.id,
                title=f"Topic {i + 1}",
                details="",
                proposed_by=9,
                now=NOW,
            )
            if status is not TopicStatus.PROPOSED:
                await uow.topics.set_status(topic.id, status, now=NOW + timedelta(minutes=i))
            ids.append(topic.id)
        await uow.commit()
    return ids


async def pending(db: Database, meeting_id: int) -> list[datetime]:
    async with db.unit_of_work() as uow:
        return [
            r.due_at
            for r in await uow.meetings.reminders(meeting_id)
            if r.status is ReminderStatus.PENDING
        ]


async def test_scheduling_builds_the_agenda_and_stores_the_reminders(db: Database) -> None:
    community = await make_community(db)
    d = TopicStatus.DISCUSSION
    ids = await topics(db, community, [d, TopicStatus.PROPOSED, d, TopicStatus.VOTING, d, d, d, d])
    async with db.unit_of_work() as uow:
        await uow.meetings.set_agenda_limit(community.id, 4)
        await uow.commit()
    async with db.unit_of_work() as uow:
        meeting = await schedule_meeting(
            uow, community=community, actor=CHAIR, text="2026-12-09 19:30 Community room", now=NOW
        )
    assert meeting.starts_at == utc(2026, 12, 9, 11, 30)
    assert meeting.number == 1 and meeting.status is MeetingStatus.SCHEDULED
    async with db.unit_of_work() as uow:
        agenda = await uow.meetings.agenda(meeting.id)
        card = await uow.outbox.of_subject(Tell.MEETING_CARD, meeting.id)
    # in discussion, oldest first, at most 4: #1, #3, #5, #6
    assert [item.topic_id for item in agenda] == [ids[0], ids[2], ids[4], ids[5]]
    assert len(card) == 1
    assert await pending(db, meeting.id) == [
        utc(2026, 12, 2, 11, 30),
        utc(2026, 12, 8, 11, 30),
        utc(2026, 12, 9, 10, 30),
    ]
    async with db.unit_of_work() as uow:
        assert await agenda_of_topics(uow, community.id) == {
            ids[i]: AgendaSlot(1, meeting.starts_at) for i in (0, 2, 4, 5)
        }


async def test_refusals_store_nothing(db: Database) -> None:
    community = await make_community(db)
    for actor, text, key in [
        (RESIDENT, "2026-12-09 19:30 Hall", "meetings.not_committee"),
        (CHAIR, "2027-02-31 19:30 Hall", "when.no_such_date"),
        (CHAIR, "2026-11-21 19:30 Hall", "when.in_past"),
        (CHAIR, "weekly xyz 19:30 Hall", "when.unknown_weekday"),
        (CHAIR, "2026-12-09 19:30", "meetings.no_place"),
    ]:
        async with db.unit_of_work() as uow:
            with pytest.raises(UserError) as refused:
                await schedule_meeting(uow, community=community, actor=actor, text=text, now=NOW)
        assert refused.value.key == key
    async with db.unit_of_work() as uow:
        assert await uow.meetings.scheduled() == []
        assert await uow.meetings.live_series() == []


async def test_a_moved_meeting_has_its_reminders_recomputed(db: Database) -> None:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        meeting = await schedule_meeting(
            uow, community=community, actor=CHAIR, text="2026-12-09 19:30 Hall", now=NOW
        )
    later = NOW + timedelta(days=1)  # Monday 2026-11-23
    async with db.unit_of_work() as uow:
        moved, told = await move_meeting(
            uow,
            community=community,
            actor=CHAIR,
            number=1,
            words=["2026-11-26", "20:00", "Library"],
            now=later,
        )
    assert moved.starts_at == utc(2026, 11, 26, 12, 0) and moved.place == "Library"
    assert told == 0
    # three days ahead: no 7-day reminder any more
    assert await pending(db, meeting.id) == [utc(2026, 11, 25, 12, 0), utc(2026, 11, 26, 11, 0)]
    async with db.unit_of_work() as uow:
        skipped = [
            r for r in await uow.meetings.reminders(meeting.id) if r.status.value == "skipped"
        ]
    assert len(skipped) == 3


async def test_a_cancelled_meeting_has_no_reminder_pending(db: Database) -> None:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        meeting = await schedule_meeting(
            uow, community=community, actor=CHAIR, text="2026-12-09 19:30 Hall", now=NOW
        )
    async with db.unit_of_work() as uow:
        cancelled, created, _ = await cancel_meeting(
            uow, community=community, actor=CHAIR, number=1, whole_series=False, now=NOW
        )
    assert cancelled.status is MeetingStatus.CANCELLED and created == []
    assert await pending(db, meeting.id) == []
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError) as refused:
            await move_meeting(
                uow, community=community, actor=CHAIR, number=1, words=["明天", "19:30"], now=NOW
            )
    assert refused.value.key == "meetings.is_cancelled"


async def test_a_weekly_series_goes_on_after_one_is_cancelled_or_held_and_ends_with_all(
    db: Database,
) -> None:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        first = await schedule_meeting(
            uow, community=community, actor=CHAIR, text="每周三 19:30 活动室", now=NOW
        )
    assert first.starts_at == utc(2026, 11, 25, 11, 30)  # Wednesday 19:30 in Shanghai
    async with db.unit_of_work() as uow:  # only that one: the next Wednesday's is scheduled
        _, [second], _ = await cancel_meeting(
            uow, community=community, actor=CHAIR, number=1, whole_series=False, now=NOW
        )
    assert (second.number, second.starts_at) == (2, utc(2026, 12, 2, 11, 30))
    async with db.unit_of_work() as uow:  # the start passes: held, and the next one is created
        held, [third] = await hold_due(uow, now=utc(2026, 12, 2, 11, 31))
    assert held == [second.id]
    assert (third.number, third.starts_at) == (3, utc(2026, 12, 9, 11, 30))
    async with db.unit_of_work() as uow:  # nothing more to do the second time
        assert await hold_due(uow, now=utc(2026, 12, 2, 11, 32)) == ([], [])
    async with db.unit_of_work() as uow:
        _, created, _ = await cancel_meeting(
            uow, community=community, actor=CHAIR, number=3, whole_series=True, now=NOW
        )
    assert created == []
    async with db.unit_of_work() as uow:
        assert await uow.meetings.live_series() == []
        assert await uow.meetings.scheduled() == []


async def test_a_reminder_fires_once_and_a_missed_one_only_if_still_ahead(db: Database) -> None:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        meeting = await schedule_meeting(
            uow, community=community, actor=CHAIR, text="2026-12-09 19:30 Hall", now=NOW
        )
        reminders = await uow.meetings.reminders(meeting.id)
    week, day, hour = reminders
    async with db.unit_of_work() as uow:  # the bot was down from before the 7-day one to after
        assert await fire_reminder(uow, week.id, now=day.due_at + timedelta(minutes=5)) is None
    async with db.unit_of_work() as uow:  # the 1-day one covers it, and goes out once
        assert await fire_reminder(uow, day.id, now=day.due_at + timedelta(minutes=5)) == day
    async with db.unit_of_work() as uow:
        assert await fire_reminder(uow, day.id, now=day.due_at + timedelta(minutes=6)) is None
    async with db.unit_of_work() as uow:  # the 1-hour one, missed until after the start
        assert await fire_reminder(uow, hour.id, now=meeting.starts_at) is None
        statuses = [r.status for r in await uow.meetings.reminders(meeting.id)]
        sent = await uow.outbox.of_subject(Tell.MEETING_REMINDER, day.id)
    assert statuses == [ReminderStatus.SKIPPED, ReminderStatus.SENT, ReminderStatus.SKIPPED]
    assert len(sent) == 1


async def test_agenda_edits_and_a_closed_topic(db: Database) -> None:
    community = await make_community(db)
    d = TopicStatus.DISCUSSION
    ids = await topics(db, community, [d, TopicStatus.PASSED, TopicStatus.PROPOSED])
    async with db.unit_of_work() as uow:
        meeting = await schedule_meeting(
            uow, community=community, actor=CHAIR, text="2026-12-09 19:30 Hall", now=NOW
        )
    for number, key in [
        (2, "meetings.topic_closed"),
        (3, "meetings.topic_not_in_discussion"),
        (1, "meetings.already_on_agenda"),
    ]:
        async with db.unit_of_work() as uow:
            with pytest.raises(UserError) as refused:
                await edit_agenda(
                    uow,
                    community=community,
                    actor=CHAIR,
                    action="add",
                    topic_number=number,
                    meeting_number=None,
                    now=NOW,
                )
        assert refused.value.key == key
    async with db.unit_of_work() as uow:
        change = await edit_agenda(
            uow,
            community=community,
            actor=CHAIR,
            action="remove",
            topic_number=1,
            meeting_number=1,
            now=NOW,
        )
    assert change.agenda == ()
    async with db.unit_of_work() as uow:
        assert await uow.meetings.agenda(meeting.id) == []
        with pytest.raises(UserError) as refused:
            await post_minutes(
                uow, community=community, actor=CHAIR, number=1, text="Done", now=NOW
            )
    assert refused.value.key == "meetings.minutes_too_early"
    assert ids


def test_the_agenda_puts_deferred_topics_first_and_keeps_to_the_limit() -> None:
    in_discussion = [11, 12, 13, 14, 15]  # oldest first
    assert order_agenda(in_discussion, set(), set(), 5) == [11, 12, 13, 14, 15]
    assert order_agenda(in_discussion, {14}, set(), 3) == [14, 11, 12]
    assert order_agenda(in_discussion, {14, 12}, {11}, 5) == [12, 14, 13, 15]


async def test_minutes_marks_in_a_weekly_series(db: Database) -> None:
    community = await make_community(db)
    d = TopicStatus.DISCUSSION
    ids = await topics(db, community, [d, d, d])
    async with db.unit_of_work() as uow:
        first = await schedule_meeting(
            uow, community=community, actor=CHAIR, text="weekly wed 19:30 Hall", now=NOW
        )
    after = first.starts_at + timedelta(hours=2)
    async with db.unit_of_work() as uow:  # held; the next Wednesday's takes the same topics
        _, [second] = await hold_due(uow, now=after)
        assert [i.topic_id for i in await uow.meetings.agenda(second.id)] == ids
    async with db.unit_of_work() as uow:
        await post_minutes(uow, community=community, actor=CHAIR, number=1, text="Ok", now=after)
        minutes_entries = await uow.outbox.of_subject(Tell.MEETING_MINUTES, first.id)
        marks = await uow.outbox.of_subject(Tell.MEETING_OUTCOMES, first.id)
    assert len(minutes_entries) == 1 and marks[0].intent.lane == "user:9"

    async def mark(actor: Actor, topic: int, outcome: Outcome) -> object:
        async with db.unit_of_work() as uow:
            return await mark_outcome(
                uow,
                community=community,
                actor=actor,
                meeting_id=first.id,
                topic_id=topic,
                outcome=outcome,
                now=after,
            )

    with pytest.raises(UserError) as refused:
        await mark(Actor(11, Role.COMMITTEE), ids[0], Outcome.DECIDED)  # not the author
    assert refused.value.key == "meetings.outcome_not_yours"
    await mark(CHAIR, ids[0], Outcome.DECIDED)
    with pytest.raises(UserError) as refused:
        await mark(CHAIR, ids[0], Outcome.DEFERRED)  # marked once
    assert refused.value.key == "meetings.outcome_already"
    voted = await mark(CHAIR, ids[1], Outcome.VOTE)
    await mark(CHAIR, ids[2], Outcome.DEFERRED)
    assert isinstance(voted, Marked) and voted.vote is not None
    async with db.unit_of_work() as uow:
        statuses = [(await uow.topics.get(i)).status for i in ids]  # type: ignore[union-attr]
        agenda = [(i.topic_id, i.outcome) for i in await uow.meetings.agenda(first.id)]
        following = [i.topic_id for i in await uow.meetings.agenda(second.id)]
        vote = await uow.votes.get(voted.vote.id)
    assert statuses == [TopicStatus.PASSED, TopicStatus.DISCUSSION, TopicStatus.DISCUSSION]
    assert agenda == [
        (ids[0], Outcome.DECIDED),
        (ids[1], Outcome.VOTE),
        (ids[2], Outcome.DEFERRED),
    ]
    # the decided topic and the one put to a vote leave the next meeting's agenda
    assert following == [ids[2]]
    assert vote is not None and vote.topic_id == ids[1] and vote.status.value == "draft"
