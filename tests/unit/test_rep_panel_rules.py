"""The pure rules of a rep's panel (issue 11): who reviews a join request, and a vote's
progress unit by unit. Expectations worked out by hand."""

from __future__ import annotations

from decimal import Decimal

from bot.residents.model import join_reviewers
from bot.roles.model import Role, RoleGrant
from bot.votes.progress import Mark, vote_progress
from bot.votes.tally import Electorate, Rule, Voter


def grant(user_id: int, role: Role, *buildings: str) -> RoleGrant:
    return RoleGrant(1, user_id, role, tuple(buildings))


GRANTS = [
    grant(7, Role.REP, "2"),
    grant(8, Role.REP, "2", "3"),
    grant(9, Role.REP, "1"),
    grant(11, Role.ADMIN),
    grant(12, Role.COMMITTEE),
]


def test_the_buildings_reps_review_else_the_stored_admins_else_the_group_admins() -> None:
    assert join_reviewers(GRANTS, "2", applicant_id=42, chat_admins=[1]) == (7, 8)
    assert join_reviewers(GRANTS, "3", applicant_id=42) == (8,)
    assert join_reviewers(GRANTS, "4", applicant_id=42, chat_admins=[1]) == (11,)
    without_admin = [g for g in GRANTS if g.role is not Role.ADMIN]
    assert join_reviewers(without_admin, "4", applicant_id=42, chat_admins=[1, 1]) == (1,)
    assert join_reviewers(without_admin, "4", applicant_id=42) == ()


def test_the_applicant_never_reviews_their_own_request() -> None:
    # Rep 9 asks for building 1, which only they rep: the admins review it
    assert join_reviewers(GRANTS, "1", applicant_id=9, chat_admins=[1]) == (11,)
    # the only admin asks: the group's Telegram administrators other than them
    only_admin = [grant(11, Role.ADMIN)]
    assert join_reviewers(only_admin, "1", applicant_id=11, chat_admins=[11, 1]) == (1,)


def voter(key: str, *units: str) -> Voter:
    buildings = tuple(sorted({u.split("-")[0] for u in units}))
    return Voter(key, units, buildings, Decimal(90))


def test_progress_marks_each_unit_and_reminds_only_the_reachable_not_voted() -> None:
    # household 2-101 voted; 2-102's resident 52 is reachable; 2-201's resident 53 is not;
    # 2-202 has nobody who may vote; an owner (key C) holds 1-201 and 2-301 and has not voted
    electorate = Electorate(
        Rule.SIMPLE,
        {
            "2-101": voter("2-101", "2-101"),
            "2-102": voter("2-102", "2-102"),
            "2-201": voter("2-201", "2-201"),
            "2-202": voter("2-202", "2-202"),
            "1-101": voter("1-101", "1-101"),
            "C": voter("C", "1-201", "2-301"),
        },
    )
    users = {"2-101": {51}, "2-102": {52}, "2-201": {53}, "1-101": {54}, "C": {55}}
    building_of = {u: u.split("-")[0] for u in ("2-101", "2-102", "2-201", "2-202", "2-301")}
    building_of |= {"1-101": "1", "1-201": "1"}
    rep = vote_progress(electorate, {"2-101"}, users, {51, 52, 54, 55}, building_of, {"2"})
    (building,) = rep.buildings
    assert building.building == "2"
    assert building.units == (
        ("2-101", Mark.VOTED),
        ("2-102", Mark.NOT_VOTED),
        ("2-201", Mark.UNREACHABLE),
        ("2-202", Mark.UNREACHABLE),
        ("2-301", Mark.NOT_VOTED),
    )
    assert rep.remindable == frozenset({52, 55})  # never 51 (voted), 53 or 54 (building 1)
    assert (rep.units, rep.count(Mark.VOTED), rep.count(Mark.UNREACHABLE)) == (5, 1, 2)

    everything = vote_progress(
        electorate, {"2-101"}, users, {51, 52, 54, 55}, building_of, {"1", "2"}
    )
    assert [b.building for b in everything.buildings] == ["1", "2"]
    assert everything.buildings[0].units == (("1-101", Mark.NOT_VOTED), ("1-201", Mark.NOT_VOTED))
    assert everything.remindable == frozenset({52, 54, 55})
