"""What the digest's use cases need from storage: the schedule, the weeks sent, what happened in
a week (read across the other features' tables), and the topics prefilled from a problem."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.digest.model import DigestProposal, DigestSchedule, ProposalStatus, ReportedTicket
from bot.meetings.ports import MeetingsUnitOfWork
from bot.notices.ports import NoticesUnitOfWork
from bot.reports.model import Category
from bot.reports.ports import ReportsUnitOfWork


class DigestRepo(Protocol):
    async def schedule(self, community_id: int) -> DigestSchedule:
        """The stored schedule, else the default (Monday 09:00, on)."""
        ...

    async def set_schedule(self, community_id: int, schedule: DigestSchedule) -> None: ...
    async def schedules(self) -> dict[int, DigestSchedule]:
        """Every community's schedule, by community id."""
        ...

    async def mark_sent(
        self, community_id: int, week: str, *, due_at: datetime, now: datetime
    ) -> bool:
        """Record the week as sent; False if it already was."""
        ...

    async def last_due(self, community_id: int) -> datetime | None:
        """The due moment of the latest digest sent."""
        ...

    async def new_topic_ids(
        self, community_id: int, since: datetime, until: datetime
    ) -> list[int]: ...
    async def closed_vote_ids(
        self, community_id: int, since: datetime, until: datetime
    ) -> list[int]: ...
    async def published_notice_ids(
        self, community_id: int, since: datetime, until: datetime
    ) -> list[int]: ...
    async def tickets(self, community_id: int, since: datetime) -> list[ReportedTicket]:
        """The tickets opened or resolved at or after `since`."""
        ...

    async def add_proposal(
        self,
        *,
        community_id: int,
        user_id: int,
        building: str,
        category: Category,
        text: str,
        now: datetime,
    ) -> DigestProposal: ...
    async def proposal(self, proposal_id: int) -> DigestProposal | None: ...
    async def find_proposal(
        self, community_id: int, user_id: int, building: str, category: Category
    ) -> DigestProposal | None:
        """This resident's latest proposal of this problem."""
        ...

    async def set_proposal_status(self, proposal_id: int, status: ProposalStatus) -> None: ...


class DigestUnitOfWork(MeetingsUnitOfWork, ReportsUnitOfWork, NoticesUnitOfWork, Protocol):
    """What the digest reads (topics, votes, meetings, notices, tickets) and its own tables."""

    @property
    def digest(self) -> DigestRepo: ...
