"""The points use cases on a temporary SQLite file: `earn` is part of its caller's transaction
(it never commits), an act set to 0 pays nothing, the ranking's periods and opt-outs (only a
current resident's counts), and the refusals of grants and redemptions leave the ledger as it
was."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bot.communities.model import Community
from bot.errors import UserError
from bot.points.cases import earn, earn_each, grant, ranking, redeem, set_amount, set_opt_out
from bot.points.model import Act, Standing
from bot.residents.model import MembershipStatus, Relation, Verification
from bot.roles.model import Actor
from bot.units.model import Unit
from storage.database import Database
from tests.conftest import NOW

ADMIN = Actor(1, is_chat_admin=True)
RESIDENT = Actor(42)
UNITS = [
    Unit("1-101", "1", Decimal(90), "A"),
    Unit("2-101", "2", Decimal(100), "D"),
    Unit("3-501", "3", Decimal(80), "E"),
]


async def community_with_residents(db: Database) -> Community:
    """Units 1-101, 2-101, 3-501; users 42 (1-101), 43 (2-101) and 44 (2-101, who then left)."""
    async with db.unit_of_work() as uow:
        community = await uow.communities.add(
            chat_id=-1001,
            name="Sunny",
            language="en",
            timezone="Asia/Shanghai",
            created_by=1,
            now=NOW,
        )
        await uow.units.save(community.id, UNITS, retire=(), remove=())
        for user_id, code in ((42, "1-101"), (43, "2-101"), (44, "2-101")):
            unit = await uow.units.get(community.id, code)
            assert unit is not None
            await uow.users.remember(user_id, f"User {user_id}", now=NOW)
            membership = await uow.residents.add(
                unit_id=unit.id,
                user_id=user_id,
                relation=Relation.OWNER,
                status=MembershipStatus.VERIFIED,
                verification=Verification.CODE,
                now=NOW,
            )
        await uow.commit()
    async with db.unit_of_work() as uow:  # 44 opts out, then leaves 2-101
        await set_opt_out(uow, community=community, user_id=44, out=True, now=NOW)
    async with db.unit_of_work() as uow:
        await uow.residents.decide(membership.id, MembershipStatus.LEFT, decided_by=44, now=NOW)
        await uow.commit()
    return community


async def test_earn_never_commits_on_its_own(db: Database) -> None:
    community = await community_with_residents(db)
    async with db.unit_of_work() as uow:  # the caller is refused after earning: rolled back
        await earn(
            uow, community_id=community.id, unit_code="1-101", act=Act.BALLOT, key=1, now=NOW
        )
    async with db.unit_of_work() as uow:
        assert await uow.points.balance(community.id, "1-101") == 0


async def test_an_act_set_to_zero_pays_nothing_and_the_others_their_amount(db: Database) -> None:
    community = await community_with_residents(db)
    async with db.unit_of_work() as uow:
        await set_amount(uow, community=community, act=Act.BALLOT, amount=0, is_admin=True)
    async with db.unit_of_work() as uow:
        await set_amount(uow, community=community, act=Act.SUPPORT, amount=4, is_admin=True)
    async with db.unit_of_work() as uow:
        for act in (Act.BALLOT, Act.SUPPORT, Act.NOTICE_READ):
            earnings = [("1-101", 9), ("1-101", 9)]  # the same twice in one batch: once
            await earn_each(uow, community_id=community.id, act=act, earnings=earnings, now=NOW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.points.balance(community.id, "1-101") == 5  # 0 + 4 + 1
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError) as refused:
            await set_amount(uow, community=community, act=Act.BALLOT, amount=3, is_admin=False)
    assert refused.value.key == "points.settings_admins_only"


async def test_the_ranking_by_period_and_a_former_residents_opt_out_no_longer_hides(
    db: Database,
) -> None:
    community = await community_with_residents(db)
    old = NOW - timedelta(days=40)
    for moment, unit, amount in ((old, "3-501", 9), (NOW, "2-101", 2), (NOW, "1-101", 2)):
        async with db.unit_of_work() as uow:
            await grant(
                uow,
                community=community,
                actor=ADMIN,
                unit_code=unit,
                amount=amount,
                reason="help",
                now=moment,
            )
    async with db.unit_of_work() as uow:
        all_time = await ranking(uow, community.id, since=None, until=NOW)
        recent = await ranking(uow, community.id, since=NOW - timedelta(days=7), until=NOW)
        top_one = await ranking(uow, community.id, since=None, until=NOW, limit=1)
    assert all_time == [
        Standing("3-501", "3", 9, True),
        Standing("1-101", "1", 2, True),
        Standing("2-101", "2", 2, True),  # 44 opted out, but has left: named again
    ]
    assert recent == all_time[1:]
    assert top_one == all_time[:1]
    async with db.unit_of_work() as uow:
        await set_opt_out(uow, community=community, user_id=43, out=True, now=NOW)
    async with db.unit_of_work() as uow:
        hidden = await ranking(uow, community.id, since=None, until=NOW)
    assert hidden[2] == Standing("2-101", "2", 2, False)


@pytest.mark.parametrize(
    ("actor", "unit", "amount", "reason", "key"),
    [
        (RESIDENT, "1-101", 5, "fair", "points.admins_only"),
        (ADMIN, "9-999", 5, "fair", "points.unknown_unit"),
        (ADMIN, "1-101", 0, "fair", "points.bad_amount"),
        (ADMIN, "1-101", -5, "fair", "points.bad_amount"),
        (ADMIN, "1-101", 1001, "fair", "points.bad_amount"),
        (ADMIN, "1-101", 5, "  ", "points.reason_needed"),
    ],
)
async def test_refused_grants_change_nothing(
    db: Database, actor: Actor, unit: str, amount: int, reason: str, key: str
) -> None:
    community = await community_with_residents(db)
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError) as refused:
            await grant(
                uow,
                community=community,
                actor=actor,
                unit_code=unit,
                amount=amount,
                reason=reason,
                now=NOW,
            )
    assert refused.value.key == key
    async with db.unit_of_work() as uow:
        assert await uow.points.earned(community.id, since=None, until=NOW) == {}
        async with uow.inbox._conn.execute("SELECT COUNT(*) FROM outbox") as cursor:
            assert tuple(await cursor.fetchone() or ()) == (0,)  # nobody told of anything


async def test_a_redemption_beyond_the_balance_says_the_balance(db: Database) -> None:
    community = await community_with_residents(db)
    async with db.unit_of_work() as uow:
        done = await grant(
            uow,
            community=community,
            actor=ADMIN,
            unit_code="２-101",
            amount=4,
            reason="tea",
            now=NOW,
        )
    assert (done.entry.unit_code, done.balance, done.told) == ("2-101", 4, 1)  # 43 only: 44 left
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError) as refused:
            await redeem(
                uow,
                community=community,
                actor=ADMIN,
                unit_code="2-101",
                amount=5,
                reason="x",
                now=NOW,
            )
    assert refused.value.key == "points.beyond_balance"
    assert refused.value.params == {"unit": "2-101", "balance": 4, "amount": 5}
    async with db.unit_of_work() as uow:
        assert await uow.points.balance(community.id, "2-101") == 4
        spent = await redeem(
            uow, community=community, actor=ADMIN, unit_code="2-101", amount=4, reason="x", now=NOW
        )
    assert spent.balance == 0
