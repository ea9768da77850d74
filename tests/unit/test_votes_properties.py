"""A property over random registers, memberships and ballot sequences (online and paper, changes,
and the register re-imported mid-vote with its owners shuffled): the result always equals a
recount, done here by hand, of the final ballots against the electorate as the register stood
when the vote opened, participation never exceeds 100 %, and the record verifies."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.residents.model import Relation
from bot.units.cases import import_units
from bot.votes.ballots import cast_ballot, enter_paper_ballot
from bot.votes.cases import close_vote, figures, verify_vote
from bot.votes.tally import Choice
from storage.database import Database
from tests.conftest import NOW
from tests.unit.test_usecases import make_community
from tests.unit.test_votes_trust import COMMITTEE, LATER, start, verified

LETTERS = "PQRS"
Unit = tuple[str, str, int, str]  # code, building, area, owner

units_strategy = st.lists(
    st.tuples(st.integers(30, 150), st.sampled_from([*LETTERS, "developer"])),
    min_size=2,
    max_size=7,
).map(
    lambda rows: [
        (f"{1 + i % 2}-{101 + i}", str(1 + i % 2), area, owner)
        for i, (area, owner) in enumerate(rows)
    ]
)
events_strategy = st.lists(
    st.one_of(
        st.tuples(st.just("cast"), st.sampled_from(LETTERS), st.sampled_from(list(Choice))),
        st.tuples(st.just("paper"), st.integers(0, 6), st.sampled_from(list(Choice))),
        st.tuples(st.just("reimport"), st.permutations(LETTERS)),
    ),
    max_size=16,
)


def csv_of(units: list[Unit]) -> bytes:
    rows = [f"{code},{building},{area},{owner}" for code, building, area, owner in units]
    return ("unit,building,area_m2,owner\n" + "\n".join(rows) + "\n").encode()


def key_of(owner: str) -> str:
    return "developer" if owner == "developer" else f"owner:{owner}"


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(units=units_strategy, events=events_strategy, building=st.sampled_from([None, "1"]))
def test_result_equals_a_recount_from_the_frozen_electorate(
    tmp_path: Path,
    units: list[Unit],
    events: list[tuple],
    building: str | None,
) -> None:
    in_scope = [u for u in units if building is None or u[1] == building]
    # the electorate by hand: one voter per owner key in scope, with its area in scope
    electorate: dict[str, int] = {}
    for _, _, area, owner in in_scope:
        electorate[key_of(owner)] = electorate.get(key_of(owner), 0) + area
    first_unit = {owner: code for code, _, _, owner in reversed(units) if owner != "developer"}

    async def scenario() -> None:
        database = await Database.open(tmp_path / f"p-{uuid.uuid4().hex}.db")  # one per example
        try:
            community = await make_community(database)
            async with database.unit_of_work() as uow:
                await import_units(
                    uow, community_id=community.id, data=csv_of(units), is_admin=True
                )
            user = {letter: 700 + i for i, letter in enumerate(LETTERS)}
            for letter, code in first_unit.items():
                await verified(database, community, user[letter], code, Relation.OWNER)
            scope = f" building {building}" if building else ""
            vote_id = await start(database, community, f"Q? double-majority 7d{scope}")
            final: dict[str, Choice] = {}
            current = list(units)
            # an ownership is revoked when a re-import names another owner for its unit
            revoked: set[str] = set()
            for event in events:
                if event[0] == "cast":
                    _, letter, choice = event
                    joined = first_unit.get(letter)
                    async with database.unit_of_work() as uow:
                        try:
                            await cast_ballot(
                                uow,
                                community=community,
                                vote_id=vote_id,
                                user_id=user[letter],
                                choice=choice,
                                now=LATER,
                            )
                        except UserError:
                            # refused: no unit in the vote, or the ownership was revoked
                            assert (
                                joined is None
                                or key_of(letter) not in electorate
                                or letter in revoked
                            )
                            continue
                    assert letter not in revoked
                    assert key_of(letter) in electorate
                    final[key_of(letter)] = choice
                elif event[0] == "paper":
                    _, index, choice = event
                    code, unit_building, _, owner = units[index % len(units)]
                    async with database.unit_of_work() as uow:
                        try:
                            await enter_paper_ballot(
                                uow,
                                community=community,
                                actor=COMMITTEE,
                                vote_id=vote_id,
                                unit_code=code,
                                choice=choice,
                                now=LATER,
                            )
                        except UserError:
                            assert building is not None and unit_building != building
                            continue
                    final[key_of(owner)] = choice
                else:
                    shuffled = dict(zip(LETTERS, event[1], strict=True))
                    current = [
                        (c, b, a, o if o == "developer" else shuffled[o]) for c, b, a, o in current
                    ]
                    now_owner = {c: o for c, _, _, o in current}
                    revoked |= {
                        letter for letter, code in first_unit.items() if now_owner[code] != letter
                    }
                    async with database.unit_of_work() as uow:
                        await import_units(
                            uow, community_id=community.id, data=csv_of(current), is_admin=True
                        )
            async with database.unit_of_work() as uow:
                vote = await uow.votes.get(vote_id)
                assert vote is not None
                shown = await figures(uow, vote)
                await close_vote(uow, vote_id=vote_id, now=NOW.replace(year=2027))
                checked = await verify_vote(uow, community=community, vote_id=vote_id)
            tally = shown.tally
            assert tally.electorate_size == len(electorate)
            assert tally.electorate_area == Decimal(sum(electorate.values()))
            assert tally.participants == len(final) <= tally.electorate_size
            assert tally.participating_area <= tally.electorate_area
            for choice in Choice:
                chosen = [k for k, c in final.items() if c is choice]
                assert tally.counts[choice] == len(chosen)
                assert tally.areas[choice] == sum(electorate[k] for k in chosen)
            assert checked.intact, checked.findings
        finally:
            await database.close()

    asyncio.run(scenario())
