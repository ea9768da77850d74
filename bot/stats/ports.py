"""What the stats use case reads: the facts of one community, in one repository of explicit
SQL over the other features' tables (`storage/stats.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.communities.ports import CommunitiesUnitOfWork
from bot.stats.model import MeetingFact, NoticeFact, TicketFact, TopicFact, UnitFact, VoteFact


class StatsRepo(Protocol):
    async def units(self, community_id: int) -> list[UnitFact]:
        """The units of the register (retired ones left out)."""
        ...

    async def votes(
        self, community_id: int, *, since: datetime | None, until: datetime | None, limit: int
    ) -> list[VoteFact]:
        """The newest `limit` open or closed votes with a frozen electorate, opened in
        [since, until), newest first."""
        ...

    async def topics(self, community_id: int) -> list[TopicFact]: ...
    async def tickets(self, community_id: int) -> list[TicketFact]: ...
    async def notices(self, community_id: int) -> list[NoticeFact]:
        """The published notices (not scheduled, cancelled or withdrawn) with their reads."""
        ...

    async def meetings(self, community_id: int) -> list[MeetingFact]:
        """The held meetings with the households that answered "attend"."""
        ...


class StatsUnitOfWork(CommunitiesUnitOfWork, Protocol):
    @property
    def stats(self) -> StatsRepo: ...
