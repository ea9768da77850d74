"""/stats over what the real use cases write (the worked example of domain.md): a Civil Code
vote with real ballots, a ticket acknowledged, resolved and rated through `act_on_ticket`, a
notice read through `confirm_read`; so the stats' SQL reads the rows as the features write
them."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

from bot.notices.cases import confirm_read, post_notice
from bot.reports.cases import act_on_ticket, file_report, unit_location
from bot.reports.model import Category, Event, TicketStatus
from bot.roles.model import Actor
from bot.stats.cases import community_stats
from bot.stats.model import Met
from bot.votes.cases import close_vote
from bot.votes.tally import Choice
from storage.database import Database
from tests.conftest import NOW
from tests.unit.test_usecases import ADMIN, make_community
from tests.unit.test_votes_usecases import USER, cast, residents, start

H = timedelta(hours=1)


async def test_stats_read_what_the_features_write(db: Database) -> None:
    community = await make_community(db)
    await residents(db, community)  # A–G verified owners of their units (code, then review)
    vote_id = await start(db, community, "Hire a new property manager? double-majority 3d")
    for name in ("A", "C", "D"):
        await cast(db, community, vote_id, name, Choice.FOR)
    async with db.unit_of_work() as uow:
        await close_vote(uow, vote_id=vote_id, now=NOW + 3 * 24 * H)
    async with db.unit_of_work() as uow:
        ticket = await file_report(
            uow,
            community=community,
            user_id=USER["D"],
            user_name="D",
            category=Category.ELEVATOR,
            description="Lift stuck",
            photos=(),
            location=await unit_location(uow, community.id, "2-101"),
            now=NOW,
        )
    for event, at, actor, rating in (
        (Event.ACKNOWLEDGE, NOW + 2 * H, ADMIN, None),
        (Event.RESOLVE, NOW + 5 * H, ADMIN, None),
        (Event.CONFIRM, NOW + 6 * H, Actor(USER["D"]), 4),
    ):
        async with db.unit_of_work() as uow:
            await act_on_ticket(
                uow,
                community=community,
                ticket_id=ticket.id,
                actor=actor,
                actor_name="x",
                event=event,
                now=at,
                rating=rating,
            )
    async with db.unit_of_work() as uow:
        notice = await post_notice(uow, community=community, actor=ADMIN, text="Party", now=NOW)
    async with db.unit_of_work() as uow:
        await confirm_read(
            uow, community=community, notice_id=notice.id, user_id=USER["A"], now=NOW + H
        )

    async with db.unit_of_work() as uow:
        stats = await community_stats(uow, community, now=NOW + 4 * 24 * H)
    f = stats.figures
    # 10 units; A–G live in 8 of them, each verified by code and as owner; the developer's 2 not
    assert f.households.units == 10
    assert (f.households.registered, f.households.verified, f.households.owners) == (8, 8, 8)
    # owners by headcount: A–G and the developer = 8; A, C and D voted
    assert [(v.voted, v.eligible, v.open) for v in f.votes] == [(3, 8, False)]
    # by building: 1: 1-101 (A), 1-201 and 1-202 (C) of 4; 2: 2-101 (D) of 4; 3: none of 2
    assert stats.participation_by_building == (("1", 0.75), ("2", 0.25), ("3", 0.0))
    t = f.tickets
    assert dict(t.by_status)[TicketStatus.CLOSED] == 1
    assert (t.median_acknowledge, t.median_resolve) == (2 * H, 5 * H)
    assert (t.response, t.plan) == (Met(1, 1), Met(1, 1))  # 2 h ≤ 24 h; 3 h ≤ 72 h
    assert (t.rating, t.rated) == (Fraction(4), 1)
    # A's one household of the 8 verified ones
    assert (f.notices.notices, f.notices.read, f.notices.total) == (1, 1, 8)
