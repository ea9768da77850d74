"""Join requests by one user are limited (issue 9, finding 5): a few waiting at once and a few
an hour per community, so one stranger with the group's link cannot flood the reviewers with
cards. The rule on plain values, then through `request_join` on SQLite."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest

from bot.communities.model import Community
from bot.errors import UserError
from bot.residents.cases import leave, request_join
from bot.residents.model import (
    Membership,
    MembershipStatus,
    Relation,
    Verification,
    check_join_limits,
)
from storage.database import Database
from tests.conftest import NOW
from tests.unit.test_usecases import make_community

STRANGER = 66
_ids = itertools.count(1)


def request(unit: str, status: MembershipStatus, minutes_ago: float) -> Membership:
    return Membership(
        id=next(_ids),
        community_id=1,
        unit_code=unit,
        building=unit.split("-")[0],
        user_id=STRANGER,
        user_name="S",
        relation=Relation.TENANT,
        status=status,
        verification=Verification.REVIEW,
        requested_at=NOW - timedelta(minutes=minutes_ago),
    )


PENDING, LEFT, REJECTED = MembershipStatus.PENDING, MembershipStatus.LEFT, MembershipStatus.REJECTED


def test_a_family_with_two_or_three_flats_may_ask_for_all_at_once() -> None:
    check_join_limits([], NOW)
    check_join_limits([request("1-101", PENDING, 1)], NOW)
    check_join_limits([request("1-101", PENDING, 2), request("1-102", PENDING, 1)], NOW)


def test_a_fourth_waiting_request_is_refused_naming_the_three_waiting() -> None:
    waiting = [request(u, PENDING, 1) for u in ("2-101", "1-102", "1-101")]
    with pytest.raises(UserError) as refused:
        check_join_limits(waiting, NOW)
    assert refused.value.key == "join.too_many_pending"
    assert refused.value.params == {"count": 3, "units": "1-101, 1-102, 2-101"}


def test_waiting_requests_count_however_old_they_are() -> None:
    waiting = [request(u, PENDING, 60 * 24 * 7) for u in ("1-101", "1-102", "1-201")]
    with pytest.raises(UserError, match="join.too_many_pending"):
        check_join_limits(waiting, NOW)


def test_five_requests_in_the_hour_even_withdrawn_or_rejected_refuse_a_sixth() -> None:
    filed = [
        request("1-101", LEFT, 50),
        request("1-101", LEFT, 40),
        request("1-102", REJECTED, 30),
        request("1-101", LEFT, 20),
        request("1-201", PENDING, 10),
    ]
    with pytest.raises(UserError) as refused:
        check_join_limits(filed, NOW)
    assert refused.value.key == "join.too_many_recent"
    # the one filed 50 minutes ago leaves the hour in 10 minutes: then one more may be filed
    assert refused.value.params == {"count": 5, "minutes": 10}
    check_join_limits(filed, NOW + timedelta(minutes=10, seconds=1))


def test_requests_older_than_an_hour_do_not_count() -> None:
    filed = [request("1-101", LEFT, 61 + i) for i in range(10)]
    filed += [request("1-102", REJECTED, 30 + i) for i in range(4)]
    check_join_limits(filed, NOW)


async def join(db: Database, community: Community, unit: str, now: datetime = NOW) -> Membership:
    async with db.unit_of_work() as uow:
        return await request_join(
            uow,
            community=community,
            user_id=STRANGER,
            user_name="Stranger",
            unit_code=unit,
            relation=Relation.TENANT,
            now=now,
        )


async def stored_requests(db: Database) -> int:
    async with db.unit_of_work() as uow:
        return len(await uow.residents.review_requests(1, STRANGER, since=NOW - timedelta(days=1)))


async def test_request_join_refuses_a_fourth_waiting_request_and_stores_nothing(
    db: Database,
) -> None:
    community = await make_community(db)
    for unit in ("1-101", "1-102", "2-101"):
        await join(db, community, unit)
    with pytest.raises(UserError, match="join.too_many_pending"):
        await join(db, community, "2-102")
    assert await stored_requests(db) == 3
    other = await make_community(db, chat_id=-2002, name="Other")  # counted per community
    await join(db, other, "2-102")


async def test_withdrawing_and_asking_again_is_bounded_per_hour(db: Database) -> None:
    community = await make_community(db)
    for minute in range(5):  # asks, withdraws at once, asks again, ...
        at = NOW + timedelta(minutes=minute)
        filed = await join(db, community, "1-101", at)
        async with db.unit_of_work() as uow:
            await leave(uow, membership_id=filed.id, user_id=STRANGER, now=at)
    with pytest.raises(UserError) as refused:
        await join(db, community, "1-101", NOW + timedelta(minutes=5))
    assert (refused.value.key, refused.value.params) == (
        "join.too_many_recent",
        {"count": 5, "minutes": 55},
    )
    assert await stored_requests(db) == 5
    again = await join(db, community, "1-101", NOW + timedelta(minutes=61))  # an hour later
    assert again.status is MembershipStatus.PENDING
