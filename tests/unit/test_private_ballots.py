"""Voting from the private chat (issue 11): a press is accepted on the vote's card or in the
presser's own private chat, never in someone else's; a cast says which choice it replaced;
`open_ballots` lists the open votes a user may vote in, with their households' ballots."""

from __future__ import annotations

from datetime import timedelta

from bot.errors import UserError
from bot.votes.ballots import BallotPress, CastResult, HouseholdBallot, cast_ballots, open_ballots
from bot.votes.tally import Choice
from storage.database import Database
from tests.conftest import NOW
from tests.unit.test_usecases import make_community
from tests.unit.test_votes_usecases import USER, residents, start


async def test_private_presses_replacements_and_the_open_list(db: Database) -> None:
    community = await make_community(db)
    await residents(db, community)
    vote_id = await start(db, community, "Repaint the gate? simple 1d")
    a, g = USER["A"], USER["G"]
    async with db.unit_of_work() as uow:
        assert [o.households for o in await open_ballots(uow, user_id=a, now=NOW)] == [
            (HouseholdBallot(("1-101",), None),)
        ]
    presses = [
        BallotPress(a, Choice.FOR, pressed_on=(a, 5)),  # in A's own private chat
        BallotPress(g, Choice.FOR, pressed_on=(a, 5)),  # G's press on A's message: forged
        BallotPress(a, Choice.AGAINST, pressed_on=(a, 6)),  # changed from For
        BallotPress(a, Choice.AGAINST, pressed_on=(a, 6)),  # the same again
    ]
    async with db.unit_of_work() as uow:
        first, forged, changed, again = await cast_ballots(
            uow, community=community, vote_id=vote_id, presses=presses, now=NOW
        )
    assert isinstance(first, CastResult) and first.previous == () and first.covers == ("1-101",)
    assert isinstance(forged, UserError) and forged.key == "common.stale_button"
    assert isinstance(changed, CastResult) and changed.previous == (Choice.FOR,)
    assert isinstance(again, CastResult) and not again.changed and again.previous == ()
    async with db.unit_of_work() as uow:
        assert await uow.votes.ballots(vote_id) == {"1-101": Choice.AGAINST}
        (listed,) = await open_ballots(uow, user_id=a, now=NOW)
        assert listed.vote.id == vote_id and listed.community.id == community.id
        assert listed.households == (HouseholdBallot(("1-101",), Choice.AGAINST),)
        assert await open_ballots(uow, user_id=999, now=NOW) == []  # lives nowhere
        assert await open_ballots(uow, user_id=a, now=NOW, community_id=community.id + 1) == []
        # past its deadline (the close job not run yet) it is no longer listed
        assert await open_ballots(uow, user_id=a, now=NOW + timedelta(days=1)) == []
