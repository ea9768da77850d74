"""Votes a committee can stake a legal decision on (issue 8): a frozen electorate, paper ballots,
the household told of changes, receipts, reminders by building, and a record that covers the
whole vote. Figures are the worked example of ../shared/domain.md, worked out by hand:

total area 860 m², 8 owners (A, B, C with 180 m², D, E, F, G, the developer with 140 m²).
A for, B for, C for, D against, E abstain, F for: participation 6 of 8 owners and 640 of 860 m²;
for 4 of 6 owners and 440 of 640 m² → an ordinary matter passes, a major one is rejected; with
only A, B, C and D (4 of 8 owners < 2/3) there is no quorum."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.communities.model import Community
from bot.errors import NotAllowed, UserError
from bot.outbox import EntryStatus, Tell
from bot.reports.cases import reporter_household
from bot.residents.cases import decide_join, request_join
from bot.residents.model import Relation
from bot.roles.cases import set_role
from bot.roles.model import Actor, Role
from bot.topics.cases import propose_topic
from bot.units.cases import import_units
from bot.votes.ballots import CastResult, PaperResult, cast_ballot, enter_paper_ballot, my_ballots
from bot.votes.cases import (
    Figures,
    close_vote,
    create_vote,
    figures,
    reminder_targets,
    verify_vote,
)
from bot.votes.chain import RecordKind, receipt
from bot.votes.model import BallotSource
from bot.votes.options import parse_vote_args
from bot.votes.records import Problem
from bot.votes.tally import Choice, Outcome
from storage.database import Database, connect
from tests.conftest import NOW, WORKED_EXAMPLE_CSV
from tests.unit.test_usecases import ADMIN, make_community

COMMITTEE = Actor(2, Role.COMMITTEE)
CLERK_NAME = "Clerk"
OWNERS = {
    "A": ("1-101",),
    "B": ("1-102",),
    "C": ("1-201", "1-202"),
    "D": ("2-101",),
    "E": ("2-102",),
    "F": ("2-201",),
    "G": ("2-202",),
}
USER = {name: 100 + i for i, name in enumerate(OWNERS)}
LATER = NOW + timedelta(minutes=5)


async def verified(
    db: Database, community: Community, user_id: int, unit: str, relation: Relation
) -> None:
    """Joined by review and approved by an administrator who is not the applicant."""
    async with db.unit_of_work() as uow:
        request = await request_join(
            uow,
            community=community,
            user_id=user_id,
            user_name=f"user {user_id}",
            unit_code=unit,
            relation=relation,
            now=NOW,
        )
    async with db.unit_of_work() as uow:
        await decide_join(
            uow,
            community=community,
            membership_id=request.id,
            actor=ADMIN,
            actor_name="Admin",
            approve=True,
            now=NOW,
        )
    async with db.unit_of_work() as uow:  # seeded, not a flow under test: the applicant is
        for told in await uow.outbox.of_subject(Tell.JOIN_OUTCOME, request.id):  # not told
            await uow.outbox.finish(told.id, EntryStatus.DONE, now=NOW)
        await uow.commit()


async def owners(db: Database, community: Community, names: str = "ABCDEFG") -> None:
    for name in names:
        for unit in OWNERS[name]:
            await verified(db, community, USER[name], unit, Relation.OWNER)


async def start(db: Database, community: Community, words: str) -> int:
    async with db.unit_of_work() as uow:
        vote = await create_vote(
            uow,
            community=community,
            actor=COMMITTEE,
            request=parse_vote_args(words.split()),
            now=NOW,
        )
    return vote.id


async def online(
    db: Database, community: Community, vote_id: int, user_id: int, choice: Choice
) -> CastResult:
    async with db.unit_of_work() as uow:
        return await cast_ballot(
            uow, community=community, vote_id=vote_id, user_id=user_id, choice=choice, now=LATER
        )


async def paper(
    db: Database, community: Community, vote_id: int, unit: str, choice: Choice
) -> PaperResult:
    async with db.unit_of_work() as uow:
        return await enter_paper_ballot(
            uow,
            community=community,
            actor=COMMITTEE,
            vote_id=vote_id,
            unit_code=unit,
            choice=choice,
            now=LATER,
        )


async def shown(db: Database, vote_id: int) -> Figures:
    async with db.unit_of_work() as uow:
        vote = await uow.votes.get(vote_id)
        assert vote is not None
        return await figures(uow, vote)


def participation(result: Figures) -> tuple[int, int, Decimal, Decimal]:
    tally = result.tally
    return (
        tally.participants,
        tally.electorate_size,
        tally.participating_area,
        tally.electorate_area,
    )


# --- the worked example, with paper ballots and a register corrected mid-vote ------------


@pytest.mark.parametrize(
    ("rule", "outcome"),
    [("double-majority", Outcome.PASSED), ("double-three-quarters", Outcome.REJECTED)],
)
async def test_worked_example_with_part_of_the_ballots_on_paper(
    db: Database, rule: str, outcome: Outcome
) -> None:
    community = await make_community(db)
    await owners(db, community, "AC")  # B, D, E and F vote on paper only
    vote_id = await start(db, community, f"Elevator? {rule} 7d")
    await online(db, community, vote_id, USER["A"], Choice.FOR)
    await online(db, community, vote_id, USER["C"], Choice.FOR)
    for unit, choice in [
        ("1-102", Choice.FOR),
        ("2-101", Choice.AGAINST),
        ("2-102", Choice.ABSTAIN),
        ("2-201", Choice.FOR),
    ]:
        await paper(db, community, vote_id, unit, choice)
    async with db.unit_of_work() as uow:
        closed = await close_vote(uow, vote_id=vote_id, now=LATER, actor=COMMITTEE)
        checked = await verify_vote(uow, community=community, vote_id=vote_id)
        records = await uow.votes.records(vote_id)
    result = closed.figures
    assert participation(result) == (6, 8, Decimal(640), Decimal(860))
    assert (result.tally.counts[Choice.FOR], result.tally.areas[Choice.FOR]) == (4, Decimal(440))
    assert result.decision.outcome is outcome
    assert result.paper == 4
    assert checked.intact and checked.covers_vote
    assert [r.kind for r in records] == [RecordKind.OPEN, *[RecordKind.CAST] * 6, RecordKind.CLOSE]
    assert [r.data["source"] for r in records[1:-1]] == ["online"] * 2 + ["paper"] * 4
    assert records[-1].data["outcome"] == outcome.value


async def test_no_quorum_with_a_paper_ballot(db: Database) -> None:
    community = await make_community(db)
    await owners(db, community, "ACD")
    vote_id = await start(db, community, "Elevator? double-majority 7d")
    await online(db, community, vote_id, USER["A"], Choice.FOR)
    await paper(db, community, vote_id, "1-102", Choice.FOR)
    await online(db, community, vote_id, USER["C"], Choice.FOR)
    await online(db, community, vote_id, USER["D"], Choice.AGAINST)
    async with db.unit_of_work() as uow:
        closed = await close_vote(uow, vote_id=vote_id, now=LATER)
    assert participation(closed.figures)[:2] == (4, 8)
    assert closed.figures.decision.outcome is Outcome.NO_QUORUM


CORRECTED_CSV = (
    # C's key spelled out, and one developer unit sold to H, while the vote is open
    WORKED_EXAMPLE_CSV.replace(b",C\n", b",Chen\n").replace(
        b"3-101,3,70,developer", b"3-101,3,70,H"
    )
)


async def test_a_register_corrected_mid_vote_changes_nothing_in_the_vote(db: Database) -> None:
    community = await make_community(db)
    await owners(db, community)
    vote_id = await start(db, community, "Elevator? double-majority 7d")
    for name, choice in [("A", Choice.FOR), ("B", Choice.FOR), ("C", Choice.FOR)]:
        await online(db, community, vote_id, USER[name], choice)
    before = await shown(db, vote_id)
    async with db.unit_of_work() as uow:
        await import_units(uow, community_id=community.id, data=CORRECTED_CSV, is_admin=True)
    assert participation(await shown(db, vote_id)) == participation(before)
    # the register now names another owner for C's units: C's ownership must be verified again
    # (tests/unit/test_owners.py), and C's ballot, cast before, stands for 180 m²
    with pytest.raises(NotAllowed):
        await online(db, community, vote_id, USER["C"], Choice.AGAINST)
    async with db.unit_of_work() as uow:  # but C still finds their ballot and its receipt
        _, mine = await my_ballots(uow, community=community, vote_id=vote_id, user_id=USER["C"])
    assert [(b.units, b.choice) for b in mine] == [(("1-201", "1-202"), Choice.FOR)]
    for name, choice in [("D", Choice.AGAINST), ("E", Choice.ABSTAIN), ("F", Choice.FOR)]:
        await online(db, community, vote_id, USER[name], choice)
    async with db.unit_of_work() as uow:
        closed = await close_vote(uow, vote_id=vote_id, now=LATER)
        checked = await verify_vote(uow, community=community, vote_id=vote_id)
    result = closed.figures
    assert participation(result) == (6, 8, Decimal(640), Decimal(860))
    assert (result.tally.counts[Choice.FOR], result.tally.areas[Choice.FOR]) == (4, Decimal(440))
    assert result.decision.outcome is Outcome.PASSED
    assert checked.intact


async def test_one_owner_cannot_vote_twice_after_their_units_are_split(db: Database) -> None:
    community = await make_community(db)
    await owners(db, community, "C")
    vote_id = await start(db, community, "Elevator? double-majority 7d")
    await online(db, community, vote_id, USER["C"], Choice.FOR)
    split = WORKED_EXAMPLE_CSV.replace(b"1-202,1,60,C", b"1-202,1,60,C2")
    async with db.unit_of_work() as uow:
        await import_units(uow, community_id=community.id, data=split, is_admin=True)
    await online(db, community, vote_id, USER["C"], Choice.AGAINST)
    result = await shown(db, vote_id)
    assert participation(result) == (1, 8, Decimal(180), Decimal(860))
    assert dict(result.tally.counts) == {Choice.FOR: 0, Choice.AGAINST: 1, Choice.ABSTAIN: 0}


async def test_a_household_that_joins_after_the_vote_opened_is_not_in_it(db: Database) -> None:
    community = await make_community(db)
    await owners(db, community, "AB")
    vote_id = await start(db, community, "Plant trees? simple 1d")
    await verified(db, community, USER["D"], "2-101", Relation.TENANT)
    with pytest.raises(NotAllowed, match="votes.not_in_electorate"):
        await online(db, community, vote_id, USER["D"], Choice.FOR)
    assert participation(await shown(db, vote_id))[:2] == (0, 2)


# --- who may vote -------------------------------------------------------------------------


async def test_the_developers_units_are_voted_only_by_a_developer_agent(db: Database) -> None:
    community = await make_community(db)
    # lives in an unsold unit (a request to own it is refused: see test_owners.py)
    await verified(db, community, 300, "3-101", Relation.TENANT)
    vote_id = await start(db, community, "Elevator? double-majority 7d")
    with pytest.raises(NotAllowed):
        await online(db, community, vote_id, 300, Choice.FOR)
    assert participation(await shown(db, vote_id))[0] == 0
    async with db.unit_of_work() as uow:
        await set_role(
            uow,
            community_id=community.id,
            actor=ADMIN,
            target_user_id=301,
            role=Role.DEVELOPER_AGENT,
            buildings=(),
            now=NOW,
        )
    cast = await online(db, community, vote_id, 301, Choice.AGAINST)
    assert cast.covers == ("3-101", "3-102")
    assert participation(await shown(db, vote_id)) == (1, 8, Decimal(140), Decimal(860))


TWO_BUILDINGS_CSV = (
    b"unit,building,area_m2,owner\n1-101,1,90,X\n1-102,1,90,Y\n2-101,2,100,X\n2-102,2,100,Z\n"
)


async def test_an_owner_who_joined_from_another_building_votes_in_a_building_vote(
    db: Database,
) -> None:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        await import_units(uow, community_id=community.id, data=TWO_BUILDINGS_CSV, is_admin=True)
    await verified(db, community, 400, "2-101", Relation.OWNER)  # X lives in building 2
    vote_id = await start(db, community, "Elevator in building 1? double-majority 7d building 1")
    cast = await online(db, community, vote_id, 400, Choice.FOR)
    assert cast.covers == ("1-101",)
    assert participation(await shown(db, vote_id)) == (1, 2, Decimal(90), Decimal(180))


async def test_a_pending_join_request_is_told_it_is_pending(db: Database) -> None:
    community = await make_community(db)
    await owners(db, community, "A")
    vote_id = await start(db, community, "Plant trees? simple 1d")
    async with db.unit_of_work() as uow:
        await request_join(
            uow,
            community=community,
            user_id=500,
            user_name="New",
            unit_code="2-202",
            relation=Relation.TENANT,
            now=NOW,
        )
    with pytest.raises(UserError, match="join.still_pending"):
        await online(db, community, vote_id, 500, Choice.FOR)
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError, match="join.still_pending"):
            await propose_topic(uow, community=community, user_id=500, text="Benches", now=NOW)
        with pytest.raises(UserError, match="join.still_pending"):
            await reporter_household(uow, community.id, 500)
    with pytest.raises(NotAllowed, match="votes.not_resident"):
        await online(db, community, vote_id, 501, Choice.FOR)  # a stranger: join first


# --- paper ballots, the household told, receipts ---------------------------------------------


async def test_paper_ballots_are_refused_with_a_clear_answer(db: Database) -> None:
    community = await make_community(db)
    await owners(db, community, "A")
    vote_id = await start(db, community, "Gate? double-majority 7d building 1")
    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed, match="votes.paper_not_committee"):
            await enter_paper_ballot(
                uow,
                community=community,
                actor=Actor(3, Role.REP, frozenset({"1"})),
                vote_id=vote_id,
                unit_code="1-101",
                choice=Choice.FOR,
                now=LATER,
            )
    with pytest.raises(UserError, match="votes.paper_not_in_scope"):
        await paper(db, community, vote_id, "2-101", Choice.FOR)  # building 2
    with pytest.raises(UserError, match="votes.paper_not_in_scope"):
        await paper(db, community, vote_id, "9-999", Choice.FOR)
    async with db.unit_of_work() as uow:
        await close_vote(uow, vote_id=vote_id, now=LATER)
    with pytest.raises(UserError, match="votes.closed"):
        await paper(db, community, vote_id, "1-101", Choice.FOR)
    assert participation(await shown(db, vote_id))[0] == 0


async def test_the_later_of_online_and_paper_stands_and_both_are_in_the_record(
    db: Database,
) -> None:
    community = await make_community(db)
    await owners(db, community, "A")
    vote_id = await start(db, community, "Elevator? double-majority 7d")
    first = await online(db, community, vote_id, USER["A"], Choice.FOR)
    entered = await paper(db, community, vote_id, "1-101", Choice.AGAINST)
    assert entered.previous is Choice.FOR and entered.recipients == frozenset({USER["A"]})
    assert (await shown(db, vote_id)).ballots == {"owner:A": Choice.AGAINST}
    again = await online(db, community, vote_id, USER["A"], Choice.FOR)
    assert (await shown(db, vote_id)).ballots == {"owner:A": Choice.FOR}
    async with db.unit_of_work() as uow:
        records = await uow.votes.records(vote_id)
        _, mine = await my_ballots(uow, community=community, vote_id=vote_id, user_id=USER["A"])
    ballots = [(r.kind, r.data["choice"], r.data["source"]) for r in records[1:]]
    assert ballots == [
        (RecordKind.CAST, "for", "online"),
        (RecordKind.CHANGE, "against", "paper"),
        (RecordKind.CHANGE, "for", "online"),
    ]
    # each ballot's receipt comes from its own record; "my ballot" shows the standing one
    assert first.receipts == (receipt(records[1].hash),)
    assert entered.receipt == receipt(records[2].hash)
    assert again.receipts == (receipt(records[3].hash),)
    assert [(b.choice, b.source, b.receipt) for b in mine] == [
        (Choice.FOR, BallotSource.ONLINE, receipt(records[3].hash))
    ]


async def test_the_household_is_told_when_another_member_changes_its_ballot(
    db: Database,
) -> None:
    community = await make_community(db)
    await owners(db, community, "A")
    daughter = 900
    await verified(db, community, daughter, "1-101", Relation.TENANT)
    vote_id = await start(db, community, "Plant trees? simple 1d")
    first = await online(db, community, vote_id, USER["A"], Choice.FOR)
    assert first.notes == ()
    changed = await online(db, community, vote_id, daughter, Choice.AGAINST)
    [note] = changed.notes
    assert (note.voter_key, note.previous, note.choice, note.changed_by) == (
        "1-101",
        Choice.FOR,
        Choice.AGAINST,
        daughter,
    )
    assert note.recipients == frozenset({USER["A"]})
    same = await online(db, community, vote_id, daughter, Choice.AGAINST)
    assert not same.changed and same.notes == ()
    back = await online(db, community, vote_id, USER["A"], Choice.FOR)
    assert [n.recipients for n in back.notes] == [frozenset({daughter})]


# --- reminders ------------------------------------------------------------------------------


async def test_a_reps_reminder_reaches_only_their_buildings_once_per_six_hours(
    db: Database,
) -> None:
    community = await make_community(db)
    await owners(db, community, "ABDE")  # F and G never joined
    vote_id = await start(db, community, "Elevator? double-majority 7d")
    await online(db, community, vote_id, USER["D"], Choice.FOR)
    rep = Actor(3, Role.REP, frozenset({"2"}))
    async with db.unit_of_work() as uow:
        vote = await uow.votes.get(vote_id)
        assert vote is not None
        reminders = await reminder_targets(uow, vote, rep, now=LATER)
        with pytest.raises(UserError, match="votes.remind_too_soon"):
            await reminder_targets(uow, vote, rep, now=LATER + timedelta(hours=5, minutes=59))
    # building 2: D voted; E can be written to; nobody verified owns 2-201 (F) or 2-202 (G)
    assert [(t.user_id, t.units) for t in reminders.targets] == [(USER["E"], ("2-102",))]
    assert reminders.nobody == (("2-201",), ("2-202",))
    async with db.unit_of_work() as uow:
        assert vote is not None
        later = await reminder_targets(uow, vote, rep, now=LATER + timedelta(hours=6))
        everyone = await reminder_targets(uow, vote, COMMITTEE, now=LATER)
    assert [t.user_id for t in later.targets] == [USER["E"]]
    assert sorted(t.user_id for t in everyone.targets) == [USER["A"], USER["B"], USER["E"]]
    # C (1-201, 1-202) and the developer have nobody verified either
    assert everyone.nobody == (("1-201", "1-202"), ("2-201",), ("2-202",), ("3-101", "3-102"))


# --- the record covers the vote itself ----------------------------------------------------------


TAMPERING = [
    ("UPDATE votes SET question = 'Something else'", Problem.OPEN_MISMATCH, "question"),
    ("UPDATE votes SET rule = 'simple'", Problem.OPEN_MISMATCH, "rule"),
    ("UPDATE votes SET building = '1'", Problem.OPEN_MISMATCH, "building"),
    ("UPDATE votes SET secret = 1", Problem.OPEN_MISMATCH, "secret"),
    (
        "UPDATE votes SET closes_at = '2027-01-01T00:00:00+00:00'",
        Problem.OPEN_MISMATCH,
        "closes_at",
    ),
    (
        "UPDATE vote_voter_units SET area_cents = 100 WHERE unit_code = '2-202'",
        Problem.ELECTORATE_MISMATCH,
        "",
    ),
    ("DELETE FROM vote_voter_units WHERE unit_code = '3-102'", Problem.ELECTORATE_MISMATCH, ""),
    ("UPDATE votes SET outcome = 'rejected'", Problem.CLOSE_MISMATCH, "outcome"),
    (
        "UPDATE ballots SET choice = 'for' WHERE voter_key = 'owner:D'",
        Problem.BALLOTS_MISMATCH,
        "owner:D",
    ),
    ("DELETE FROM vote_records WHERE kind = 'close'", Problem.NO_CLOSE_RECORD, ""),
    (
        'UPDATE vote_records SET data = replace(data, \'"for": "4"\', \'"for": "5"\')'
        " WHERE kind = 'close'",
        Problem.BROKEN,
        "8",
    ),
]


@pytest.mark.parametrize(("sql", "problem", "detail"), TAMPERING)
async def test_verify_finds_every_silent_change(
    db: Database, tmp_path: Path, sql: str, problem: Problem, detail: str
) -> None:
    community = await make_community(db)
    await owners(db, community)
    vote_id = await start(db, community, "Elevator? double-majority 7d")
    for name, choice in [
        ("A", Choice.FOR),
        ("B", Choice.FOR),
        ("C", Choice.FOR),
        ("D", Choice.AGAINST),
        ("E", Choice.ABSTAIN),
        ("F", Choice.FOR),
    ]:
        await online(db, community, vote_id, USER[name], choice)
    async with db.unit_of_work() as uow:
        await close_vote(uow, vote_id=vote_id, now=LATER)
        assert (await verify_vote(uow, community=community, vote_id=vote_id)).intact
    conn = await connect(tmp_path / "data" / "test.db")
    await conn.execute(sql)
    await conn.commit()
    await conn.close()
    async with db.unit_of_work() as uow:
        checked = await verify_vote(uow, community=community, vote_id=vote_id)
    assert not checked.intact
    assert (problem, detail) in [(f.problem, f.detail) for f in checked.findings]


async def test_nothing_may_follow_the_close_record(db: Database) -> None:
    community = await make_community(db)
    await owners(db, community, "A")
    vote_id = await start(db, community, "Elevator? double-majority 7d")
    async with db.unit_of_work() as uow:
        await close_vote(uow, vote_id=vote_id, now=LATER)
    with pytest.raises(UserError, match="votes.closed"):
        await online(db, community, vote_id, USER["A"], Choice.FOR)
    async with db.unit_of_work() as uow:
        records = await uow.votes.records(vote_id)
    assert [r.kind for r in records] == [RecordKind.OPEN, RecordKind.CLOSE]
