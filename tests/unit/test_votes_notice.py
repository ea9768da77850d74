"""Notice and publication periods (物业管理条例 art. 14: owners are told 15 days ahead; 公示期):
a Civil Code vote is announced and opens by itself, its electorate frozen when it opens; the
result is published for objections, which the committee sees and answers (issue 8, build 7)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bot.communities.cases import set_vote_periods
from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError
from bot.residents.model import Relation
from bot.roles.cases import set_role
from bot.roles.model import Actor, Role
from bot.units.cases import import_units
from bot.votes.cases import (
    LodgedObjection,
    answer_objection,
    close_vote,
    create_vote,
    figures,
    object_to_result,
    objections_to,
    open_announced,
    verify_vote,
)
from bot.votes.model import VoteStatus
from bot.votes.options import parse_vote_args
from bot.votes.tally import Choice
from storage.database import Database
from tests.conftest import NOW, WORKED_EXAMPLE_CSV
from tests.unit.test_usecases import ADMIN, make_community
from tests.unit.test_votes_trust import COMMITTEE, USER, online, owners, verified

DAY = timedelta(days=1)


async def with_periods(db: Database, notice: int = 15, publication: int = 7) -> Community:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        return await set_vote_periods(
            uow, community, notice_days=notice, publication_days=publication, is_admin=True
        )


async def vote(db: Database, community: Community, words: str) -> int:
    async with db.unit_of_work() as uow:
        created = await create_vote(
            uow,
            community=community,
            actor=COMMITTEE,
            request=parse_vote_args(words.split()),
            now=NOW,
        )
    return created.id


async def test_a_civil_code_vote_is_announced_15_days_ahead_and_opens_by_itself(
    db: Database,
) -> None:
    community = await with_periods(db)
    await owners(db, community, "ABC")
    vote_id = await vote(db, community, "Elevator? double-majority 7d")
    async with db.unit_of_work() as uow:
        announced = await uow.votes.get(vote_id)
    assert announced is not None and announced.status is VoteStatus.ANNOUNCED
    assert announced.opens_at == NOW + 15 * DAY
    with pytest.raises(UserError, match="votes.not_started"):
        await online(db, community, vote_id, USER["A"], Choice.FOR)
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError, match="votes.not_announced"):
            await open_announced(uow, vote_id=vote_id, now=NOW + 14 * DAY)
    # the register changes while the vote is announced: it counts as it is when the vote opens
    sold = WORKED_EXAMPLE_CSV.replace(b"3-101,3,70,developer", b"3-101,3,70,H")
    async with db.unit_of_work() as uow:
        await import_units(uow, community_id=community.id, data=sold, is_admin=True)
    async with db.unit_of_work() as uow:
        opened = await open_announced(uow, vote_id=vote_id, now=NOW + 15 * DAY)
        shown = await figures(uow, opened)
    assert opened.status is VoteStatus.OPEN and opened.electorate_frozen
    assert opened.closes_at == NOW + 22 * DAY
    # A, B, C, D, E, F, G, H and the developer (3-102): 9 owners, still 860 m²
    assert (shown.tally.electorate_size, shown.tally.electorate_area) == (9, Decimal(860))


async def test_community_votes_and_a_zero_notice_open_at_once(db: Database) -> None:
    community = await with_periods(db)
    await owners(db, community, "A")
    simple_id = await vote(db, community, "Trees? simple 1d")
    async with db.unit_of_work() as uow:
        simple = await uow.votes.get(simple_id)
    assert simple is not None and simple.status is VoteStatus.OPEN
    community = await with_periods(db, notice=0)
    civil_id = await vote(db, community, "Elevator? double-majority 7d")
    async with db.unit_of_work() as uow:
        civil = await uow.votes.get(civil_id)
    assert civil is not None and civil.status is VoteStatus.OPEN


async def test_vote_periods_are_set_by_admins_within_bounds(db: Database) -> None:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed, match="settings.not_admin"):
            await set_vote_periods(uow, community, notice_days=15, is_admin=False)
        with pytest.raises(UserError, match="settings.bad_notice"):
            await set_vote_periods(uow, community, notice_days=61, is_admin=True)
        with pytest.raises(UserError, match="settings.bad_publication"):
            await set_vote_periods(uow, community, publication_days=0, is_admin=True)
        updated = await set_vote_periods(uow, community, publication_days=10, is_admin=True)
    assert (updated.notice_period, updated.publication_period) == (timedelta(0), 10 * DAY)
    async with db.unit_of_work() as uow:
        stored = await uow.communities.get(community.id)
    assert stored == updated


async def test_objections_during_the_publication_period_are_kept_and_answered(
    db: Database,
) -> None:
    community = await with_periods(db, notice=0, publication=7)
    await owners(db, community, "AB")
    await verified(db, community, 800, "2-202", Relation.TENANT)
    async with db.unit_of_work() as uow:
        await set_role(
            uow,
            community_id=community.id,
            actor=ADMIN,
            target_user_id=COMMITTEE.user_id,
            role=Role.COMMITTEE,
            buildings=(),
            now=NOW,
        )
    vote_id = await vote(db, community, "Elevator? double-majority 7d")
    await online(db, community, vote_id, USER["A"], Choice.FOR)

    async def lodge(user_id: int, text: str, days: float) -> LodgedObjection:
        async with db.unit_of_work() as uow:
            return await object_to_result(
                uow,
                community=community,
                number=1,
                user_id=user_id,
                user_name=f"user {user_id}",
                text=text,
                now=NOW + days * DAY,
            )

    with pytest.raises(UserError, match="votes.objection_not_closed"):
        await lodge(USER["B"], "Too early", 1)
    async with db.unit_of_work() as uow:
        closed = await close_vote(uow, vote_id=vote_id, now=NOW + DAY)
    assert closed.figures.vote.publication_ends_at == NOW + 8 * DAY
    lodged = await lodge(USER["B"], "  My paper ballot\n is missing ", 2)
    assert (lodged.objection.number, lodged.objection.text) == (1, "My paper ballot is missing")
    assert lodged.committee == frozenset({COMMITTEE.user_id})
    with pytest.raises(NotAllowed, match="votes.objection_owners_only"):
        await lodge(800, "I am a tenant", 2)  # a Civil Code vote: owners only
    with pytest.raises(NotAllowed, match="votes.objection_not_resident"):
        await lodge(801, "A stranger", 2)
    with pytest.raises(UserError, match="votes.objection_too_long"):
        await lodge(USER["B"], "x" * 1001, 2)
    with pytest.raises(UserError, match="votes.objection_period_over"):
        await lodge(USER["A"], "Too late", 8)
    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed, match="votes.objections_not_committee"):
            await answer_objection(
                uow,
                community=community,
                actor=Actor(USER["A"]),
                number=1,
                objection_number=1,
                text="No",
                now=NOW + 3 * DAY,
            )
        with pytest.raises(NotFound, match="votes.no_such_objection"):
            await answer_objection(
                uow,
                community=community,
                actor=COMMITTEE,
                number=1,
                objection_number=2,
                text="?",
                now=NOW + 3 * DAY,
            )
        _, answered = await answer_objection(
            uow,
            community=community,
            actor=COMMITTEE,
            number=1,
            objection_number=1,
            text="Entered on paper on 24 Nov, receipt in the ledger.",
            now=NOW + 3 * DAY,
        )
        _, kept = await objections_to(uow, community=community, actor=COMMITTEE, number=1)
        checked = await verify_vote(uow, community=community, vote_id=vote_id)
    assert answered.user_id == USER["B"]
    assert [(o.number, o.answer) for o in kept] == [
        (1, "Entered on paper on 24 Nov, receipt in the ledger.")
    ]
    assert checked.intact  # the close record holds the end of the publication period
