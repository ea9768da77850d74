"""What the unit use cases need from storage."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from bot.unit_of_work import BaseUnitOfWork
from bot.units.model import StoredUnit, Unit


class UnitRepo(Protocol):
    async def get(self, community_id: int, code: str) -> StoredUnit | None: ...
    async def by_id(self, community_id: int, unit_id: int) -> StoredUnit | None: ...
    async def in_register(self, community_id: int) -> list[Unit]: ...
    async def of_owner(self, community_id: int, owner_key: str) -> list[Unit]: ...
    async def stored(self, community_id: int) -> list[StoredUnit]: ...
    async def with_phone(self, phone: str) -> list[tuple[int, StoredUnit]]: ...
    async def buildings(self, community_id: int) -> set[str]: ...
    async def inhabited(self, community_id: int, *, verified_only: bool = False) -> set[str]: ...
    async def save(
        self,
        community_id: int,
        units: Iterable[Unit],
        *,
        retire: Iterable[str],
        remove: Iterable[str],
        revoke_ownerships: Iterable[str] = ...,
    ) -> None: ...


class UnitsUnitOfWork(BaseUnitOfWork, Protocol):
    """What the units use cases run in."""

    @property
    def units(self) -> UnitRepo: ...
