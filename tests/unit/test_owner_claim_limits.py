"""Asking to be verified as owner by review is limited like a join request (before, it was not
limited at all): each claim posts a card to the reviewers, so at most 3 may wait at once and 5
be filed an hour per user and community. The rule on plain values, then through
`claim_ownership` on SQLite."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from bot.communities.model import Community
from bot.errors import UserError
from bot.outbox import EntryStatus
from bot.residents.cases import claim_ownership
from bot.residents.model import (
    Ownership,
    OwnershipMethod,
    OwnershipStatus,
    check_owner_claim_limits,
)
from storage.database import Database
from tests.conftest import NOW
from tests.unit.test_usecases import make_community

STRANGER = 66
_ids = itertools.count(1)
PENDING, REJECTED = OwnershipStatus.PENDING, OwnershipStatus.REJECTED


def claim(unit: str, status: OwnershipStatus, minutes_ago: float) -> Ownership:
    return Ownership(
        id=next(_ids),
        community_id=1,
        unit_code=unit,
        building=unit.split("-")[0],
        user_id=STRANGER,
        user_name="S",
        status=status,
        method=OwnershipMethod.REVIEW,
        requested_at=NOW - timedelta(minutes=minutes_ago),
    )


def test_three_waiting_claims_refuse_a_fourth_naming_them() -> None:
    check_owner_claim_limits([claim("1-101", PENDING, 5), claim("1-102", PENDING, 4)], NOW)
    waiting = [claim(u, PENDING, 60 * 24) for u in ("2-101", "1-201", "1-101")]
    with pytest.raises(UserError) as refused:
        check_owner_claim_limits(waiting, NOW)
    assert refused.value.key == "owner.too_many_pending"
    assert refused.value.params == {"count": 3, "units": "1-101, 1-201, 2-101"}


def test_five_claims_in_the_hour_even_rejected_refuse_a_sixth() -> None:
    filed = [claim(f"1-10{i}", REJECTED, 55 - 10 * i) for i in range(5)]  # 55, 45, … 15 min ago
    with pytest.raises(UserError) as refused:
        check_owner_claim_limits(filed, NOW)
    # the one filed 55 minutes ago leaves the hour in 5 minutes
    assert (refused.value.key, refused.value.params) == (
        "owner.too_many_recent",
        {"count": 5, "minutes": 5},
    )
    check_owner_claim_limits(filed, NOW + timedelta(minutes=5, seconds=1))


async def ask(db: Database, community: Community, unit: str) -> Ownership:
    async with db.unit_of_work() as uow:
        return await claim_ownership(
            uow, community=community, user_id=STRANGER, user_name="S", unit_code=unit, now=NOW
        )


async def test_claim_ownership_refuses_a_fourth_waiting_claim_and_stores_nothing(
    db: Database,
) -> None:
    community = await make_community(db)
    for unit in ("1-101", "1-102", "2-101"):
        await ask(db, community, unit)
    async with db.unit_of_work() as uow:
        entries_before = await uow.outbox.count(EntryStatus.PENDING)
    with pytest.raises(UserError, match="owner.too_many_pending"):
        await ask(db, community, "2-102")
    async with db.unit_of_work() as uow:
        assert len(await uow.ownerships.pending(community.id)) == 3
        assert await uow.outbox.count(EntryStatus.PENDING) == entries_before
    other = await make_community(db, chat_id=-2002, name="Other")  # counted per community
    await ask(db, other, "2-102")
