"""Topics and votes through their use cases, on a real SQLite file."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.codes.cases import issue_codes, join_with_code
from bot.communities.cases import set_support_threshold
from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError
from bot.residents.cases import claim_ownership, decide_ownership
from bot.residents.model import Relation
from bot.roles.model import Actor, Role
from bot.topics.cases import propose_topic, toggle_support
from bot.topics.model import TopicStatus
from bot.votes.ballots import cast_ballot
from bot.votes.cases import (
    DraftEdit,
    close_vote,
    create_vote,
    edit_draft,
    figures,
    reminder_targets,
    verify_vote,
)
from bot.votes.chain import first_broken
from bot.votes.model import VoteStatus
from bot.votes.options import VoteRequest, parse_vote_args
from bot.votes.tally import Choice, Outcome, Rule
from storage.database import Database
from tests.conftest import NOW
from tests.unit.test_usecases import ADMIN, make_community

COMMITTEE = Actor(2, Role.COMMITTEE)
# user ids by owner letter in the worked example; each joins as owner of their units
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


async def residents(
    db: Database, community: Community, relation: Relation = Relation.OWNER
) -> None:
    async with db.unit_of_work() as uow:
        codes = {
            c.unit_code: c.code
            for c in await issue_codes(uow, community_id=community.id, actor=ADMIN, now=NOW)
        }
    for name, units in OWNERS.items():
        for unit in units:
            async with db.unit_of_work() as uow:
                await join_with_code(
                    uow,
                    user_id=USER[name],
                    user_name=name,
                    unit_code=unit,
                    code=codes[unit],
                    relation=relation,
                    now=NOW,
                )
            if relation is Relation.OWNER:  # a code proves residence; an admin verifies owners
                async with db.unit_of_work() as uow:
                    claim = await claim_ownership(
                        uow,
                        community=community,
                        user_id=USER[name],
                        user_name=name,
                        unit_code=unit,
                        now=NOW,
                    )
                    await decide_ownership(
                        uow,
                        community=community,
                        ownership_id=claim.id,
                        actor=ADMIN,
                        actor_name="Admin",
                        approve=True,
                        now=NOW,
                    )


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


async def cast(db: Database, community: Community, vote_id: int, name: str, choice: Choice) -> None:
    async with db.unit_of_work() as uow:
        await cast_ballot(
            uow,
            community=community,
            vote_id=vote_id,
            user_id=USER[name],
            choice=choice,
            now=NOW + timedelta(minutes=1),
        )


async def test_worked_example_through_real_ballots(db: Database) -> None:
    community = await make_community(db)
    await residents(db, community)
    ordinary = await start(db, community, "Hire a new property manager? double-majority 3d")
    major = await start(db, community, "Raise the maintenance fund? double-three-quarters 3d")
    for vote_id in (ordinary, major):
        for name, choice in {
            "A": Choice.FOR,
            "B": Choice.AGAINST,
            "C": Choice.FOR,
            "D": Choice.AGAINST,
            "E": Choice.ABSTAIN,
            "F": Choice.FOR,
        }.items():
            await cast(db, community, vote_id, name, choice)
        await cast(db, community, vote_id, "B", Choice.FOR)  # changed: the latest stands
    async with db.unit_of_work() as uow:
        first = await close_vote(uow, vote_id=ordinary, now=NOW + timedelta(days=3))
        second = await close_vote(uow, vote_id=major, now=NOW + timedelta(days=3))
        with pytest.raises(UserError, match="votes.not_open"):
            await close_vote(uow, vote_id=ordinary, now=NOW + timedelta(days=3))
    assert first.figures.decision.outcome is Outcome.PASSED
    assert second.figures.decision.outcome is Outcome.REJECTED
    tally = first.figures.tally
    assert (
        tally.participants,
        tally.participating_area,
        tally.counts[Choice.FOR],
        tally.areas[Choice.FOR],
    ) == (6, Decimal(640), 4, Decimal(440))
    assert [(b.building, b.voted, b.eligible) for b in first.figures.buildings] == [
        ("1", 3, 3),
        ("2", 3, 4),
        ("3", 0, 1),
    ]
    async with db.unit_of_work() as uow:
        verification = await verify_vote(uow, community=community, vote_id=ordinary)
        records = await uow.votes.records(ordinary)
    assert verification.first_broken is None and verification.ballots_match
    assert verification.records == 9  # the opening, 6 casts, 1 change, 1 close
    assert verification.head == first.chain_head
    assert first_broken(ordinary, records) is None


async def test_who_may_cast(db: Database) -> None:
    community = await make_community(db)
    await residents(db, community, relation=Relation.TENANT)
    civil = await start(db, community, "Elevator for building 2? double-majority 1d building 2")
    simple = await start(db, community, "Repaint the gate? simple 1d building 1")
    with pytest.raises(NotAllowed, match="votes.owners_only"):
        await cast(db, community, civil, "D", Choice.FOR)
    with pytest.raises(NotAllowed, match="votes.not_in_building"):
        await cast(db, community, simple, "D", Choice.FOR)
    other = await make_community(db, chat_id=-4004, name="Other")
    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed, match="votes.not_resident"):
            await cast_ballot(
                uow, community=community, vote_id=simple, user_id=999, choice=Choice.FOR, now=NOW
            )
        with pytest.raises(NotFound):
            await cast_ballot(
                uow, community=other, vote_id=simple, user_id=USER["A"], choice=Choice.FOR, now=NOW
            )
        with pytest.raises(UserError, match="votes.closed"):
            await cast_ballot(
                uow,
                community=community,
                vote_id=simple,
                user_id=USER["A"],
                choice=Choice.FOR,
                now=NOW + timedelta(days=1),
            )
    await cast(db, community, simple, "C", Choice.FOR)  # C lives in two households of building 1
    async with db.unit_of_work() as uow:
        vote = await uow.votes.get(simple)
        assert vote is not None
        shown = await figures(uow, vote)
        reminders = await reminder_targets(uow, vote, COMMITTEE, now=NOW)
    assert shown.tally.counts[Choice.FOR] == 2 and shown.electorate.size == 4
    assert sorted(t.user_id for t in reminders.targets) == [USER["A"], USER["B"]]


async def test_topics_to_a_vote(db: Database) -> None:
    community = await make_community(db)
    await residents(db, community)
    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed):
            await propose_topic(
                uow, community=community, user_id=999, text="Outsider idea", now=NOW
            )
        topic = await propose_topic(
            uow,
            community=community,
            user_id=USER["A"],
            text="  Install bike racks \n by the north gate",
            now=NOW,
        )
        community = await set_support_threshold(uow, community, 2, is_admin=True)
    assert (topic.number, topic.title, topic.details, topic.status) == (
        1,
        "Install bike racks",
        "by the north gate",
        TopicStatus.PROPOSED,
    )
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError, match="votes.topic_not_in_discussion"):
            await create_vote(
                uow, community=community, actor=COMMITTEE, request=VoteRequest(1, ""), now=NOW
            )
        first = await toggle_support(
            uow, community=community, topic_id=topic.id, user_id=USER["B"], now=NOW
        )
        withdrawn = await toggle_support(
            uow, community=community, topic_id=topic.id, user_id=USER["B"], now=NOW
        )
        await toggle_support(
            uow, community=community, topic_id=topic.id, user_id=USER["B"], now=NOW
        )
        reached = await toggle_support(
            uow, community=community, topic_id=topic.id, user_id=USER["C"], now=NOW
        )
    assert (
        first.supported,
        first.topic.supports,
        withdrawn.supported,
        withdrawn.topic.supports,
    ) == (True, 1, False, 0)
    assert reached.reached_discussion and reached.topic.status is TopicStatus.DISCUSSION
    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed):
            await create_vote(
                uow,
                community=community,
                actor=Actor(USER["A"]),
                request=VoteRequest(1, ""),
                now=NOW,
            )
        draft = await create_vote(
            uow, community=community, actor=COMMITTEE, request=VoteRequest(1, ""), now=NOW
        )
    assert draft.status is VoteStatus.DRAFT and draft.question == "Install bike racks"
    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed):
            await edit_draft(
                uow,
                community=community,
                vote_id=draft.id,
                actor=Actor(USER["A"]),
                edit=DraftEdit(rule=Rule.TWO_THIRDS),
                now=NOW,
            )
        await edit_draft(
            uow,
            community=community,
            vote_id=draft.id,
            actor=COMMITTEE,
            edit=DraftEdit(rule=Rule.TWO_THIRDS),
            now=NOW,
        )
        opened = await edit_draft(
            uow,
            community=community,
            vote_id=draft.id,
            actor=COMMITTEE,
            edit=DraftEdit(duration=timedelta(hours=12), start=True),
            now=NOW,
        )
        topic_now = await uow.topics.get(topic.id)
    assert (
        opened.status is VoteStatus.OPEN
        and opened.rule is Rule.TWO_THIRDS
        and opened.closes_at == NOW + timedelta(hours=12)
    )
    assert topic_now is not None and topic_now.status is TopicStatus.VOTING
    await cast(db, community, opened.id, "A", Choice.FOR)
    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed):
            await close_vote(uow, vote_id=opened.id, now=NOW, actor=Actor(USER["A"]))
        closed = await close_vote(uow, vote_id=opened.id, now=NOW, actor=COMMITTEE)
    assert closed.topic is not None and closed.topic.status is TopicStatus.PASSED


@pytest.mark.parametrize(
    ("words", "key"),
    [
        ("", "usage.vote"),
        ("3 unanimous", "votes.unknown_option"),
        ("Question? 0m", "votes.bad_duration"),
        ("Question? 3w", "votes.bad_duration"),
        ("Question? 99d", "votes.bad_duration"),
        ("Question? " + "x" * 400, "votes.question_too_long"),
    ],
)
def test_bad_vote_arguments(words: str, key: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_vote_args(words.split())
    assert caught.value.key == key


def test_vote_arguments_in_any_order() -> None:
    request = parse_vote_args(
        ["Elevator", "for", "building", "two?", "secret", "12h", "building", "2", "双过半"]
    )
    assert request == VoteRequest(
        None, "Elevator for building two?", Rule.DOUBLE_MAJORITY, timedelta(hours=12), "2", True
    )
    assert parse_vote_args(["7"]) == VoteRequest(7, "")


async def test_civil_code_vote_needs_a_register(db: Database) -> None:
    async with db.unit_of_work() as uow:
        from bot.communities.cases import setup_community

        bare = (
            await setup_community(
                uow,
                chat_id=-9,
                name="Bare",
                is_chat_admin=True,
                user_id=1,
                language="en",
                timezone="UTC",
                now=NOW,
            )
        ).community
        with pytest.raises(UserError, match="votes.no_register"):
            await create_vote(
                uow,
                community=bare,
                actor=COMMITTEE,
                request=parse_vote_args(["Q?", "double-majority"]),
                now=NOW,
            )
        with pytest.raises(UserError, match="votes.unknown_building"):
            await create_vote(
                uow,
                community=bare,
                actor=COMMITTEE,
                request=parse_vote_args(["Q?", "1d", "building", "9"]),
                now=NOW,
            )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    casts=st.lists(
        st.tuples(st.sampled_from(sorted(OWNERS)), st.sampled_from(list(Choice))),
        min_size=1,
        max_size=30,
    )
)
def test_stored_tally_equals_recount_of_final_ballots(
    tmp_path: Path, casts: list[tuple[str, Choice]]
) -> None:
    """In any order of casts and changes, the tally from the database equals a recount of the
    final ballots, and the hash chain replays to them."""

    async def scenario() -> None:
        database = await Database.open(tmp_path / f"prop-{uuid.uuid4().hex}.db")
        try:
            community = await make_community(database)
            await residents(database, community)
            vote_id = await start(database, community, "Q? double-majority 1d")
            final: dict[str, Choice] = {}
            for name, choice in casts:
                await cast(database, community, vote_id, name, choice)
                final[name] = choice
            async with database.unit_of_work() as uow:
                vote = await uow.votes.get(vote_id)
                assert vote is not None
                shown = await figures(uow, vote)
                verification = await verify_vote(uow, community=community, vote_id=vote_id)
            expected = {c: sum(1 for v in final.values() if v is c) for c in Choice}
            assert dict(shown.tally.counts) == expected
            area = {"A": 90, "B": 90, "C": 180, "D": 100, "E": 100, "F": 80, "G": 80}
            assert shown.tally.areas[Choice.FOR] == sum(
                area[n] for n, c in final.items() if c is Choice.FOR
            )
            assert verification.first_broken is None and verification.ballots_match
        finally:
            await database.close()

    asyncio.run(scenario())


async def test_two_phones_of_one_household_make_one_ballot(db: Database) -> None:
    community = await make_community(db)
    await residents(db, community)
    async with db.unit_of_work() as uow:
        codes = await uow.codes.active(community.id)
        await join_with_code(
            uow,
            user_id=900,
            user_name="A's daughter",
            unit_code="1-101",
            code=codes["1-101"],
            relation=Relation.TENANT,
            now=NOW,
        )
    vote_id = await start(db, community, "Plant trees? simple 1d")
    await cast(db, community, vote_id, "A", Choice.FOR)
    async with db.unit_of_work() as uow:
        changed = await cast_ballot(
            uow,
            community=community,
            vote_id=vote_id,
            user_id=900,
            choice=Choice.AGAINST,
            now=NOW + timedelta(minutes=2),
        )
        vote = await uow.votes.get(vote_id)
        assert vote is not None
        shown = await figures(uow, vote)
    assert changed.changed and changed.covers == ("1-101",)
    assert shown.ballots == {"1-101": Choice.AGAINST}
    assert dict(shown.tally.counts) == {Choice.FOR: 0, Choice.AGAINST: 1, Choice.ABSTAIN: 0}
