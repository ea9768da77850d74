"""What must be told after a commit is never lost: a use case that changes what people must
hear about (a vote opened or closed, a join request filed, a deadline passed) writes what to
tell into the outbox in the same transaction as the change, through `uow.outbox`; a sender in
`handlers/outbox.py` delivers it after the commit, retrying until it went out.

An entry is an intent drawn from state, not a frozen text: "draw the card of vote 7", "post the
result of vote 7". The sender renders it from the database when it delivers, so a repeated
delivery edits or skips rather than duplicates (a card whose message is stored is edited; a
result whose message is stored is not posted again). Entries of one lane (the community's group,
its staff, one person) go out in the order they were written; lanes never wait for each other."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from bot.unit_of_work import BaseUnitOfWork


class Tell(StrEnum):
    """What an entry asks the sender to do, about its `subject` (a vote, topic, request…)."""

    VOTE_CARD = "vote.card"  # post the vote's card if it has none, else redraw it
    VOTE_STARTED = "vote.started"  # tell the group the vote started
    VOTE_RESULT = "vote.result"  # post and pin the result, unless its message is stored
    VOTE_LEDGER = "vote.ledger"  # the ledger document beside the result
    TOPIC_CARD = "topic.card"  # post the topic's card with Support if it has none, else redraw it
    TOPIC_REACHED = "topic.reached"  # tell the group the topic is in discussion (params)
    MEETING_CARD = "meeting.card"  # post the meeting's card if it has none, else redraw it
    MEETING_REMINDER = "meeting.reminder"  # the group reminded (subject: the reminder)
    MEETING_CHANGED = "meeting.changed"  # tell one attendee it moved or was cancelled (params)
    MEETING_MINUTES = "meeting.minutes"  # post and pin the minutes, unless their message is stored
    MEETING_OUTCOMES = "meeting.outcomes"  # the minutes' author: a row of buttons per topic
    JOIN_CARD = "join.card"  # the review card to one reviewer (params: to, of), unless it has one
    OWNER_CARD = "owner.card"  # the ownership request's review card, unless it has one
    TICKET_ESCALATION = "ticket.escalation"  # a deadline of the ticket passed (params: kind)
    TICKET_NOTICE = "ticket.notice"  # tell one person of a step on the ticket (params)
    TICKET_NEW = "ticket.new"  # the new ticket's staff card, to whoever has none yet
    TICKET_CARDS = "ticket.cards"  # redraw the ticket's staff cards as it stands
    TICKET_REOPENED = "ticket.reopened"  # tell the staff the reporter reopened the ticket
    JOIN_OUTCOME = "applicant.join"  # tell the applicant the request's decision
    OWNER_OUTCOME = "applicant.owner"  # tell the applicant the ownership request's decision
    SELF_REVIEW = "residents.self_review"  # tell the admins a reviewer applied (params: kind)
    VOTE_CHANGE_NOTE = "vote.change_note"  # tell a voter someone changed their ballot (params)
    VOTE_PAPER_NOTE = "vote.paper_note"  # tell a voter a paper ballot now stands (params)
    VOTE_OBJECTION = "vote.objection"  # tell a committee member of an objection (params)
    VOTE_OBJECTION_ANSWER = "vote.objection_answer"  # tell the objector the answer (params)
    VOTE_REMINDER = "vote.reminder"  # remind one voter privately (params); lane: the round
    VOTE_REMINDED = "vote.reminded"  # after a round: counts to the group, misses to the sender
    NOTICE_CARD = "notice.card"  # post the notice's card if it has none, else redraw it
    NOTICE_COPY = "notice.copy"  # a notice's private copy to one person (params: user)
    NOTICE_REMINDER = "notice.reminder"  # remind one person of an unread notice (params)
    FRONT_DOOR = "community.front_door"  # post and pin the group's "start here", or redraw it
    CODE_REPLACED = (
        "code.replaced"  # tell the admins a unit's code was exposed and replaced (params: unit)
    )
    DIGEST = "weekly.digest"  # the weekly digest to the group (subject: community; params: due)
    POINTS_CHANGED = "points_ledger.told"  # one resident told of a grant or redemption


class EntryStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # given up on (a chat that blocked the bot, an error that persists)


Param = str | int | None


def group_lane(community_id: int) -> str:
    """The community's main group."""
    return f"group:{community_id}"


def staff_lane(community_id: int) -> str:
    """The community's staff: its staff chat, or its admins and reps privately."""
    return f"staff:{community_id}"


def person_lane(user_id: int) -> str:
    """One person, privately."""
    return f"user:{user_id}"


def reminder_lane(vote_id: int, sent_by: int, at: datetime) -> str:
    """One round of `/remind`: its reminders one after another, then its report."""
    return f"remind:{vote_id}:{sent_by}:{at.strftime('%Y%m%dT%H%M%S')}"


@dataclass(frozen=True, slots=True)
class Intent:
    kind: Tell
    subject: int
    lane: str
    params: Mapping[str, Param] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: int
    intent: Intent
    status: EntryStatus
    attempts: int
    due_at: datetime
    last_error: str | None = None


class OutboxRepo(Protocol):
    async def add(self, intent: Intent, *, now: datetime) -> int: ...
    async def lane_heads(self) -> list[OutboxEntry]:
        """The oldest pending entry of every lane, due or not, oldest first."""
        ...

    async def head(self, lane: str) -> OutboxEntry | None: ...
    async def finish(
        self, entry_id: int, status: EntryStatus, *, now: datetime, error: str | None = None
    ) -> None: ...
    async def postpone(
        self, entry_id: int, *, due_at: datetime, attempts: int, error: str
    ) -> None: ...
    async def of_subject(self, kind: Tell, subject: int) -> list[OutboxEntry]: ...
    async def count(self, status: EntryStatus) -> int: ...
    async def prune(self, *, finished_before: datetime) -> int: ...


class OutboxUnitOfWork(BaseUnitOfWork, Protocol):
    """A unit of work whose commit may carry what must be told."""

    @property
    def outbox(self) -> OutboxRepo: ...


async def tell(uow: OutboxUnitOfWork, *intents: Intent, now: datetime) -> None:
    """Part of the caller's transaction: committed with its change, or not at all."""
    for intent in intents:
        await uow.outbox.add(intent, now=now)


# Keep what was delivered this long (a record of what went out), then forget it.
KEEP_DONE = timedelta(days=30)


async def delivered(uow: OutboxUnitOfWork, entry_id: int, *, now: datetime) -> None:
    await uow.outbox.finish(entry_id, EntryStatus.DONE, now=now)
    await uow.commit()


async def retry_later(
    uow: OutboxUnitOfWork, entry: OutboxEntry, *, due_at: datetime, counted: bool, error: str
) -> None:
    """Not delivered this time; tried again at `due_at` (a flood wait is not an attempt)."""
    attempts = entry.attempts + 1 if counted else entry.attempts
    await uow.outbox.postpone(entry.id, due_at=due_at, attempts=attempts, error=error[:500])
    await uow.commit()


async def give_up(uow: OutboxUnitOfWork, entry_id: int, *, now: datetime, error: str) -> None:
    await uow.outbox.finish(entry_id, EntryStatus.FAILED, now=now, error=error[:500])
    await uow.commit()


async def pending_heads(uow: OutboxUnitOfWork, *, now: datetime) -> list[OutboxEntry]:
    """At start-up: forget long-delivered entries; the lanes with something left to tell."""
    if await uow.outbox.prune(finished_before=now - KEEP_DONE):
        await uow.commit()
    return await uow.outbox.lane_heads()
