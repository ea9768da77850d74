"""What the role use cases need from storage."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from bot.roles.model import RoleGrant
from bot.units.ports import UnitsUnitOfWork


class RoleRepo(Protocol):
    async def get(self, community_id: int, user_id: int) -> RoleGrant | None: ...
    async def of_users(self, community_id: int, user_ids: Collection[int]) -> list[RoleGrant]: ...
    async def put(self, grant: RoleGrant, *, granted_by: int, now: datetime) -> None: ...
    async def remove(self, community_id: int, user_id: int) -> None: ...
    async def of_user(self, user_id: int) -> list[RoleGrant]: ...
    async def of_community(self, community_id: int) -> list[RoleGrant]: ...


class RolesUnitOfWork(UnitsUnitOfWork, Protocol):
    """What the roles use cases run in."""

    @property
    def roles(self) -> RoleRepo: ...
