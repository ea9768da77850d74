"""What the meeting use cases need from storage."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Protocol

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
from bot.votes.ports import VotesUnitOfWork


class MeetingRepo(Protocol):
    async def settings(self, community_id: int) -> MeetingSettings: ...
    async def set_reminders(self, community_id: int, offsets: tuple[timedelta, ...]) -> None: ...
    async def set_agenda_limit(self, community_id: int, limit: int) -> None: ...
    async def add_series(
        self,
        *,
        community_id: int,
        weekday: int,
        at: time,
        place: str,
        created_by: int,
        now: datetime,
    ) -> Series: ...
    async def series(self, series_id: int) -> Series | None: ...
    async def live_series(self) -> list[Series]:
        """Every community's weekly meetings not ended."""
        ...

    async def end_series(self, series_id: int, *, now: datetime) -> None: ...
    async def add(
        self,
        *,
        community_id: int,
        starts_at: datetime,
        place: str,
        series_id: int | None,
        created_by: int,
        now: datetime,
    ) -> Meeting: ...
    async def get(self, meeting_id: int) -> Meeting | None: ...
    async def by_number(self, community_id: int, number: int) -> Meeting | None: ...
    async def of_series(self, series_id: int) -> list[Meeting]:
        """Oldest first."""
        ...

    async def scheduled(self, community_id: int | None = None) -> list[Meeting]:
        """Scheduled meetings (of one community, or of all), earliest first."""
        ...

    async def set_status(self, meeting_id: int, status: MeetingStatus) -> None: ...
    async def move(self, meeting_id: int, starts_at: datetime, place: str) -> None: ...
    async def set_card(self, meeting_id: int, chat_id: int, message_id: int) -> None: ...
    async def set_minutes(
        self, meeting_id: int, *, text: str, author_id: int, now: datetime
    ) -> None: ...
    async def set_minutes_message(self, meeting_id: int, chat_id: int, message_id: int) -> None: ...
    async def agenda(self, meeting_id: int) -> list[AgendaItem]:
        """In order."""
        ...

    async def set_agenda(self, meeting_id: int, topic_ids: list[int]) -> None:
        """The agenda in this order (outcomes of topics that stay are kept)."""
        ...

    async def set_outcome(self, meeting_id: int, topic_id: int, outcome: Outcome) -> None: ...
    async def discussion_topics(self, community_id: int) -> list[int]:
        """The topics in discussion, those that entered it first first."""
        ...

    async def deferred_topics(self, community_id: int) -> set[int]:
        """Topics a meeting deferred (its latest outcome for them)."""
        ...

    async def upcoming_agenda(self, community_id: int) -> dict[int, Meeting]:
        """topic → the earliest scheduled meeting whose agenda it is on."""
        ...

    async def rsvps(self, meeting_id: int) -> dict[str, tuple[Answer, int]]:
        """household → (its answer, who gave it)"""
        ...

    async def set_rsvp(
        self, meeting_id: int, household: str, user_id: int, answer: Answer, *, now: datetime
    ) -> None: ...
    async def add_reminder(self, meeting_id: int, ahead: timedelta, due_at: datetime) -> None: ...
    async def reminder(self, reminder_id: int) -> Reminder | None: ...
    async def reminders(self, meeting_id: int) -> list[Reminder]: ...
    async def pending_reminders(self) -> list[Reminder]:
        """Every community's, earliest first."""
        ...

    async def finish_reminder(
        self, reminder_id: int, status: ReminderStatus, *, now: datetime
    ) -> None: ...
    async def drop_pending_reminders(self, meeting_id: int, *, now: datetime) -> None:
        """Mark the meeting's pending reminders skipped (moved or cancelled)."""
        ...


class MeetingsUnitOfWork(VotesUnitOfWork, Protocol):
    """What the meeting use cases run in: minutes may open a topic's vote draft."""

    @property
    def meetings(self) -> MeetingRepo: ...
