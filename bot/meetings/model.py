"""Deliberation meetings (议事会): a meeting at a time and place, once or every week (周三议事日);
its agenda is topics in discussion (审议, step 3 of the five steps), each household answers once
whether it will attend, reminders go to the group ahead of it, and after it the minutes are
posted (公示) and each agenda topic is marked decided, put to a vote or deferred."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

DEFAULT_REMINDERS: tuple[timedelta, ...] = (
    timedelta(days=7),
    timedelta(days=1),
    timedelta(hours=1),
)
DEFAULT_AGENDA_LIMIT = 5
MAX_AGENDA_LIMIT = 20
MAX_PLACE = 200
MAX_MINUTES = 3500  # the minutes' text, leaving room on the message for its heading
# The reminder sent this long ahead (or more) is the agenda preview (议题预告).
PREVIEW_AHEAD = timedelta(days=7)


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    HELD = "held"  # its start passed


class Answer(StrEnum):
    ATTEND = "attend"
    ABSENT = "absent"  # can't attend


class Outcome(StrEnum):
    """What the meeting did with an agenda topic, marked by the minutes' author."""

    DECIDED = "decided"
    VOTE = "vote"  # put to a vote: the topic's vote draft is opened
    DEFERRED = "deferred"  # stays in discussion, first on the next meeting's agenda


class ReminderStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"  # missed, cancelled, moved, or covered by a later one


@dataclass(frozen=True, slots=True)
class MeetingSettings:
    reminders: tuple[timedelta, ...] = DEFAULT_REMINDERS
    agenda_limit: int = DEFAULT_AGENDA_LIMIT


@dataclass(frozen=True, slots=True)
class Series:
    """A weekly meeting: every `weekday` (0 Monday) at `at`, local wall time."""

    id: int
    community_id: int
    weekday: int
    at: time
    place: str
    ended: bool = False


@dataclass(frozen=True, slots=True)
class Meeting:
    id: int
    community_id: int
    number: int
    starts_at: datetime  # UTC
    place: str
    series_id: int | None
    status: MeetingStatus
    created_by: int
    card: tuple[int, int] | None = None
    minutes: str | None = None
    minutes_by: int | None = None
    minutes_message: tuple[int, int] | None = None

    def started(self, now: datetime) -> bool:
        return now >= self.starts_at


@dataclass(frozen=True, slots=True)
class AgendaItem:
    topic_id: int
    number: int  # the topic's number
    title: str
    position: int
    outcome: Outcome | None = None


@dataclass(frozen=True, slots=True)
class Attendance:
    """Households that answered, each once."""

    attend: int = 0
    absent: int = 0


@dataclass(frozen=True, slots=True)
class Reminder:
    id: int
    meeting_id: int
    ahead: timedelta  # how long before the start
    due_at: datetime
    status: ReminderStatus = ReminderStatus.PENDING

    @property
    def preview(self) -> bool:
        """The reminder a week ahead announces the agenda (议题预告)."""
        return self.ahead >= PREVIEW_AHEAD


@dataclass(frozen=True, slots=True)
class MeetingView:
    """A meeting as its card and reminders show it."""

    meeting: Meeting
    agenda: tuple[AgendaItem, ...]
    attendance: Attendance


@dataclass(frozen=True, slots=True)
class RsvpResult:
    meeting: Meeting
    answer: Answer
    households: tuple[str, ...]
    changed: bool  # False: it was already this household's answer


def order_agenda(
    in_discussion: list[int], deferred: set[int], excluded: set[int], limit: int
) -> list[int]:
    """The agenda of a new meeting from the topics in discussion (oldest first): those deferred
    by the last meeting first, those already on another upcoming meeting left out, at most
    `limit`."""
    candidates = [topic for topic in in_discussion if topic not in excluded]
    ordered = [t for t in candidates if t in deferred] + [
        t for t in candidates if t not in deferred
    ]
    return ordered[:limit]
