"""Ballot presses cast together (`cast_ballots`, the group commit of a burst): each as if cast
alone, in order, a refused one leaving the others alone, one commit for all. The worked example
of `test_votes_usecases` (figures by hand: 6 owners of 8 took part, 640 m² of 860 m²; For 4 owners
with 440 m²) pressed as one batch must give the same result and the same chain."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from bot.errors import NotAllowed, UserError
from bot.votes.ballots import BallotPress, CastResult, cast_ballots
from bot.votes.cases import close_vote, verify_vote
from bot.votes.tally import Choice, Outcome
from storage.database import Database
from tests.conftest import NOW
from tests.unit.test_usecases import make_community
from tests.unit.test_votes_usecases import USER, residents, start


async def test_the_worked_example_pressed_as_one_batch(db: Database) -> None:
    community = await make_community(db)
    await residents(db, community)
    vote_id = await start(db, community, "Hire a new property manager? double-majority 3d")
    presses = [
        BallotPress(USER["A"], Choice.FOR),
        BallotPress(USER["B"], Choice.AGAINST),
        BallotPress(999, Choice.FOR),  # not a resident: refused, the others go on
        BallotPress(USER["C"], Choice.FOR),
        BallotPress(USER["D"], Choice.AGAINST),
        BallotPress(USER["E"], Choice.ABSTAIN),
        BallotPress(USER["F"], Choice.FOR),
        BallotPress(USER["B"], Choice.FOR),  # changed: the latest stands
        BallotPress(USER["B"], Choice.FOR),  # the same again: nothing new
        BallotPress(USER["G"], Choice.FOR, pressed_on=(-1, 1)),  # forged onto another message
    ]
    async with db.unit_of_work() as uow:
        results = await cast_ballots(
            uow, community=community, vote_id=vote_id, presses=presses, now=NOW
        )
    refused = results[2]
    assert isinstance(refused, NotAllowed) and refused.key == "votes.not_resident"
    forged = results[9]
    assert isinstance(forged, UserError) and forged.key == "common.stale_button"
    cast = [r for r in results if isinstance(r, CastResult)]
    assert len(cast) == 8
    changed, again = results[7], results[8]
    assert isinstance(changed, CastResult) and isinstance(again, CastResult)
    assert changed.changed and not again.changed
    assert again.receipts == changed.receipts  # the standing receipt, shown again
    c = results[3]
    assert isinstance(c, CastResult) and c.covers == ("1-201", "1-202")

    async with db.unit_of_work() as uow:
        closed = await close_vote(uow, vote_id=vote_id, now=NOW + timedelta(days=3))
        verification = await verify_vote(uow, community=community, vote_id=vote_id)
    tally = closed.figures.tally
    assert (tally.participants, tally.participating_area) == (6, Decimal(640))
    assert (tally.counts[Choice.FOR], tally.areas[Choice.FOR]) == (4, Decimal(440))
    assert closed.figures.decision.outcome is Outcome.PASSED
    assert verification.first_broken is None and verification.ballots_match
    assert verification.records == 9  # the opening, 6 casts, 1 change, 1 close


async def test_a_batch_on_a_closed_vote_changes_nothing(db: Database) -> None:
    community = await make_community(db)
    await residents(db, community)
    vote_id = await start(db, community, "Repaint the gate? simple 1d")
    async with db.unit_of_work() as uow:
        results = await cast_ballots(
            uow,
            community=community,
            vote_id=vote_id,
            presses=[BallotPress(USER["A"], Choice.FOR), BallotPress(USER["B"], Choice.FOR)],
            now=NOW + timedelta(days=1),
        )
        assert await uow.votes.ballots(vote_id) == {}
    assert all(isinstance(r, UserError) and r.key == "votes.closed" for r in results)
