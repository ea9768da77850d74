"""Seeding a bot's database before it starts, through the real use cases: a community bound to
a fake group, its unit register, verified owners, and roles. End-to-end tests about votes use it
so that they need not join a thousand households through the chat first."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from bot.codes.cases import issue_codes
from bot.communities.cases import set_vote_periods, setup_community
from bot.communities.model import Community
from bot.residents.model import (
    MembershipStatus,
    OwnershipMethod,
    OwnershipStatus,
    Relation,
    Verification,
)
from bot.roles.model import Actor, Role, RoleGrant
from bot.units.cases import import_units
from storage.database import Database
from tests.conftest import NOW

ADMIN = Actor(0, is_chat_admin=True)


def register_csv(households: int, per_building: int = 100, area: int = 80) -> bytes:
    """`households` units `<building>-<room>`, one owner each (owner key = unit)."""
    rows = ["unit,building,area_m2,owner"]
    for index in range(households):
        building = index // per_building + 1
        unit = f"{building}-{101 + index % per_building}"
        rows.append(f"{unit},{building},{area + index % 7},{unit}")
    return ("\n".join(rows) + "\n").encode()


async def _seed(
    path: Path,
    *,
    chat_id: int,
    name: str,
    register: bytes,
    owners: Sequence[tuple[int, str, str]],
    roles: Sequence[tuple[int, Role]],
) -> Community:
    database = await Database.open(path)
    try:
        async with database.unit_of_work() as uow:
            community = (
                await setup_community(
                    uow,
                    chat_id=chat_id,
                    name=name,
                    is_chat_admin=True,
                    user_id=0,
                    language="en",
                    timezone="Asia/Shanghai",
                    now=NOW,
                )
            ).community
        async with database.unit_of_work() as uow:
            await import_units(uow, community_id=community.id, data=register, is_admin=True)
        async with database.unit_of_work() as uow:  # the owners were told: votes open at once
            community = await set_vote_periods(uow, community, notice_days=0, is_admin=True)
        async with database.unit_of_work() as uow:
            await issue_codes(uow, community_id=community.id, actor=ADMIN, now=NOW)
            for user_id, user_name, unit_code in owners:
                unit = await uow.units.get(community.id, unit_code)
                assert unit is not None, unit_code
                await uow.users.remember(user_id, user_name, now=NOW)
                await uow.residents.add(
                    unit_id=unit.id,
                    user_id=user_id,
                    relation=Relation.OWNER,
                    status=MembershipStatus.VERIFIED,
                    verification=Verification.REVIEW,
                    now=NOW,
                )
                if not unit.unit.is_developer:  # owners are verified apart (issue 8)
                    await uow.ownerships.add(
                        unit_id=unit.id,
                        user_id=user_id,
                        status=OwnershipStatus.VERIFIED,
                        method=OwnershipMethod.REVIEW,
                        now=NOW,
                        decided_by=ADMIN.user_id,
                    )
            for user_id, role in roles:
                await uow.roles.put(RoleGrant(community.id, user_id, role), granted_by=0, now=NOW)
            await uow.commit()
        return community
    finally:
        await database.close()


def seed_community(
    path: Path,
    *,
    chat_id: int,
    name: str,
    register: bytes,
    owners: Sequence[tuple[int, str, str]],
    roles: Sequence[tuple[int, Role]] = (),
) -> Community:
    """Prepare `path` (the bot's DATABASE_URL file) before the bot process starts."""
    return asyncio.run(
        _seed(path, chat_id=chat_id, name=name, register=register, owners=owners, roles=roles)
    )
