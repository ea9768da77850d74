"""What the repair-report use cases need from storage."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.communities.ports import CommunitiesUnitOfWork
from bot.points.ports import PointsUnitOfWork
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


class ReportRepo(Protocol):
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
    ) -> Ticket: ...
    async def get(self, ticket_id: int) -> Ticket | None: ...
    async def by_number(self, community_id: int, number: int) -> Ticket | None: ...
    async def open_since(
        self, community_id: int, category: Category, since: datetime
    ) -> list[Ticket]: ...
    async def of_community(self, community_id: int) -> list[Ticket]: ...
    async def followed_by(self, user_id: int) -> set[int]: ...
    async def set_status(
        self,
        ticket_id: int,
        status: TicketStatus,
        *,
        acknowledged_at: datetime | None,
        resolved_at: datetime | None,
        rating: int | None,
    ) -> None: ...
    async def add_history(
        self, ticket_id: int, event: str, by_user: int, note: str, *, now: datetime
    ) -> None: ...
    async def history(self, ticket_id: int) -> list[HistoryEntry]: ...
    async def add_follower(
        self, ticket_id: int, user_id: int, household: str | None, *, now: datetime
    ) -> None: ...
    async def followers(self, ticket_id: int) -> list[int]: ...
    async def add_card(self, ticket_id: int, chat_id: int, message_id: int) -> None: ...
    async def cards(self, ticket_id: int) -> list[tuple[int, int]]: ...
    async def add_timer(self, ticket_id: int, kind: TimerKind, due_at: datetime) -> None: ...
    async def pending_timers(self) -> list[Timer]: ...
    async def mark_fired(self, timer_id: int, *, now: datetime) -> bool: ...
    async def start_draft(self, user_id: int, *, now: datetime) -> None: ...
    async def end_draft(self, user_id: int) -> bool: ...
    async def emergency(self, community_id: int) -> str | None: ...
    async def set_emergency(self, community_id: int, text: str | None) -> None: ...
    async def add_prompt(
        self,
        chat_id: int,
        message_id: int,
        ticket_id: int,
        user_id: int,
        kind: str,
        *,
        now: datetime,
    ) -> None: ...
    async def prompt(self, chat_id: int, message_id: int) -> tuple[int, int, str] | None: ...
    async def drop_prompt(self, chat_id: int, message_id: int) -> None: ...


class ReportsUnitOfWork(PointsUnitOfWork, CommunitiesUnitOfWork, Protocol):
    """What the reports use cases run in."""

    @property
    def reports(self) -> ReportRepo: ...
