"""What the points use cases need from storage."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from bot.communities.ports import CommunitiesUnitOfWork
from bot.points.model import Act, Entry
from bot.residents.ports import ResidentsUnitOfWork


class PointsRepo(Protocol):
    async def amounts(self, community_id: int) -> dict[Act, int]: ...
    async def set_amount(self, community_id: int, act: Act, amount: int) -> None: ...
    async def add_earned(
        self,
        community_id: int,
        act: Act,
        amount: int,
        earnings: Sequence[tuple[str, int]],
        *,
        now: datetime,
    ) -> None: ...
    async def add(self, entry: Entry) -> int: ...
    async def get(self, entry_id: int) -> Entry | None: ...
    async def balance(self, community_id: int, unit_code: str) -> int: ...
    async def entries(
        self, community_id: int, unit_codes: Collection[str], *, limit: int
    ) -> list[Entry]: ...
    async def balances(self, community_id: int, unit_codes: Collection[str]) -> dict[str, int]: ...
    async def earned(
        self, community_id: int, *, since: datetime | None, until: datetime
    ) -> dict[str, int]: ...
    async def opt_outs(self, community_id: int) -> set[tuple[str, int]]: ...
    async def set_opt_out(
        self, community_id: int, unit_code: str, user_id: int, *, out: bool, now: datetime
    ) -> None: ...


class PointsUnitOfWork(ResidentsUnitOfWork, CommunitiesUnitOfWork, Protocol):
    """What the points use cases run in; every feature that pays points extends it."""

    @property
    def points(self) -> PointsRepo: ...
