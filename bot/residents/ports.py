"""What the resident use cases need from storage."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from bot.communities.ports import CommunitiesUnitOfWork
from bot.outbox import OutboxUnitOfWork
from bot.residents.model import (
    Membership,
    MembershipStatus,
    Ownership,
    OwnershipMethod,
    OwnershipStatus,
    Relation,
    Verification,
)
from bot.roles.ports import RolesUnitOfWork
from bot.units.ports import UnitsUnitOfWork
from bot.users.ports import UsersUnitOfWork


class ResidentRepo(Protocol):
    async def get(self, membership_id: int) -> Membership | None: ...
    async def live_for(
        self, community_id: int, user_id: int, unit_code: str
    ) -> Membership | None: ...
    async def add(
        self,
        *,
        unit_id: int,
        user_id: int,
        relation: Relation,
        status: MembershipStatus,
        verification: Verification,
        now: datetime,
    ) -> Membership: ...
    async def decide(
        self, membership_id: int, status: MembershipStatus, *, decided_by: int, now: datetime
    ) -> None: ...
    async def add_card(self, membership_id: int, chat_id: int, message_id: int) -> None: ...
    async def cards(self, membership_id: int) -> list[tuple[int, int]]: ...
    async def add_review_miss(self, membership_id: int, chat_id: int) -> int: ...
    async def pending(self, community_id: int) -> list[Membership]: ...
    async def ask_reason(self, user_id: int, membership_id: int, *, now: datetime) -> None: ...
    async def reason_prompt(self, user_id: int) -> int | None: ...
    async def drop_reason_prompt(self, user_id: int) -> None: ...
    async def verified(self, community_id: int) -> list[Membership]: ...
    async def live_of_user(self, user_id: int) -> list[Membership]: ...
    async def live_of_users(self, user_ids: Collection[int]) -> list[Membership]: ...
    async def review_requests(
        self, community_id: int, user_id: int, *, since: datetime
    ) -> list[Membership]: ...
    async def set_relation(self, membership_id: int, relation: Relation) -> None: ...


class OwnershipRepo(Protocol):
    async def get(self, ownership_id: int) -> Ownership | None: ...
    async def live_for(self, unit_id: int, user_id: int) -> Ownership | None: ...
    async def add(
        self,
        *,
        unit_id: int,
        user_id: int,
        status: OwnershipStatus,
        method: OwnershipMethod,
        now: datetime,
        decided_by: int | None = None,
        phone_hash: str | None = None,
    ) -> Ownership: ...
    async def decide(
        self,
        ownership_id: int,
        status: OwnershipStatus,
        *,
        decided_by: int | None,
        now: datetime,
        method: OwnershipMethod | None = None,
        phone_hash: str | None = None,
    ) -> None: ...
    async def add_card(self, ownership_id: int, chat_id: int, message_id: int) -> None: ...
    async def cards(self, ownership_id: int) -> list[tuple[int, int]]: ...
    async def add_review_miss(self, ownership_id: int, chat_id: int) -> int: ...
    async def pending(self, community_id: int) -> list[Ownership]: ...
    async def verified(self, community_id: int) -> list[Ownership]: ...
    async def review_claims(
        self, community_id: int, user_id: int, *, since: datetime
    ) -> list[Ownership]:
        """The user's claims by review in the community: pending, or filed since."""
        ...

    async def live_of_user(self, user_id: int) -> list[Ownership]: ...
    async def live_of_users(self, user_ids: Collection[int]) -> list[Ownership]: ...
    async def secret(self) -> str: ...


class ResidentsUnitOfWork(
    RolesUnitOfWork, UnitsUnitOfWork, UsersUnitOfWork, OutboxUnitOfWork, Protocol
):
    """What the residents use cases run in."""

    @property
    def residents(self) -> ResidentRepo: ...

    @property
    def ownerships(self) -> OwnershipRepo: ...


class ProfileUnitOfWork(ResidentsUnitOfWork, RolesUnitOfWork, CommunitiesUnitOfWork, Protocol):
    """What `/me` reads: memberships, roles and their communities."""
