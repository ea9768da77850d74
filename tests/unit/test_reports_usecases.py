"""Repair reports through their use cases, on a real SQLite file."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.errors import NotAllowed, NotFound, UserError
from bot.reports.cases import (
    act_on_ticket,
    add_me_too,
    file_report,
    find_duplicate,
    fire_timer,
    open_tickets_for,
    unit_location,
    visible_ticket,
)
from bot.reports.model import Category, Event, Location, TicketStatus, TimerKind
from bot.roles.model import Actor, Role
from storage.database import Database
from tests.conftest import NOW
from tests.unit.test_usecases import ADMIN, make_community
from tests.unit.test_votes_usecases import USER, residents

REP_2 = Actor(7, Role.REP, frozenset({"2"}))
REP_1 = Actor(8, Role.REP, frozenset({"1"}))


async def test_the_closed_loop_with_me_too_and_deadlines(db: Database) -> None:
    community = await make_community(db)
    await residents(db, community)
    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed):
            await file_report(
                uow,
                community=community,
                user_id=999,
                user_name="X",
                category=Category.ELEVATOR,
                description="stuck",
                photos=(),
                location=Location(),
                now=NOW,
            )
        with pytest.raises(NotFound):
            await unit_location(uow, community.id, "9-999")
        where = await unit_location(uow, community.id, "2-101")
        ticket = await file_report(
            uow,
            community=community,
            user_id=USER["D"],
            user_name="D",
            category=Category.ELEVATOR,
            description=" Elevator stuck on 3rd floor ",
            photos=("p1", "p2"),
            location=where,
            now=NOW,
        )
    assert (ticket.number, ticket.status, ticket.photos, ticket.location.building) == (
        1,
        TicketStatus.REPORTED,
        ("p1", "p2"),
        "2",
    )
    async with db.unit_of_work() as uow:
        duplicate = await find_duplicate(
            uow,
            community_id=community.id,
            category=Category.ELEVATOR,
            location=Location("2-202", "2"),
            now=NOW + timedelta(hours=1),
        )
        assert duplicate is not None and duplicate.id == ticket.id
        followed = await add_me_too(
            uow, community=community, ticket_id=ticket.id, user_id=USER["E"], user_name="E", now=NOW
        )
        assert followed.affected == 2
        with pytest.raises(UserError, match="already_following"):
            await add_me_too(
                uow,
                community=community,
                ticket_id=ticket.id,
                user_id=USER["E"],
                user_name="E",
                now=NOW,
            )

    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed, match="not_staff"):
            await act_on_ticket(
                uow,
                community=community,
                ticket_id=ticket.id,
                actor=REP_1,
                actor_name="R1",
                event=Event.ACKNOWLEDGE,
                now=NOW,
            )
        with pytest.raises(NotAllowed, match="not_staff"):
            await act_on_ticket(
                uow,
                community=community,
                ticket_id=ticket.id,
                actor=Actor(USER["D"]),
                actor_name="D",
                event=Event.ACKNOWLEDGE,
                now=NOW,
            )
        ack = await act_on_ticket(
            uow,
            community=community,
            ticket_id=ticket.id,
            actor=REP_2,
            actor_name="Rep Two",
            event=Event.ACKNOWLEDGE,
            now=NOW + timedelta(hours=2),
        )
        assert ack.ticket.status is TicketStatus.ACKNOWLEDGED and ack.notify == (
            USER["D"],
            USER["E"],
        )
        with pytest.raises(UserError, match="reports.cannot.confirm"):
            await act_on_ticket(
                uow,
                community=community,
                ticket_id=ticket.id,
                actor=Actor(USER["D"]),
                actor_name="D",
                event=Event.CONFIRM,
                rating=5,
                now=NOW,
            )
        await act_on_ticket(
            uow,
            community=community,
            ticket_id=ticket.id,
            actor=REP_2,
            actor_name="Rep Two",
            event=Event.RESOLVE,
            now=NOW + timedelta(hours=5),
        )
        with pytest.raises(NotAllowed, match="not_reporter"):
            await act_on_ticket(
                uow,
                community=community,
                ticket_id=ticket.id,
                actor=Actor(USER["E"]),
                actor_name="E",
                event=Event.CONFIRM,
                rating=5,
                now=NOW,
            )
        with pytest.raises(UserError, match="bad_rating"):
            await act_on_ticket(
                uow,
                community=community,
                ticket_id=ticket.id,
                actor=Actor(USER["D"]),
                actor_name="D",
                event=Event.CONFIRM,
                rating=9,
                now=NOW,
            )
        reopened = await act_on_ticket(
            uow,
            community=community,
            ticket_id=ticket.id,
            actor=Actor(USER["D"]),
            actor_name="D",
            event=Event.REOPEN,
            now=NOW + timedelta(hours=6),
        )
        assert reopened.ticket.status is TicketStatus.REOPENED
        await act_on_ticket(
            uow,
            community=community,
            ticket_id=ticket.id,
            actor=ADMIN,
            actor_name="Admin",
            event=Event.RESOLVE,
            now=NOW + timedelta(hours=7),
        )
        closed = await act_on_ticket(
            uow,
            community=community,
            ticket_id=ticket.id,
            actor=Actor(USER["D"]),
            actor_name="D",
            event=Event.CONFIRM,
            rating=4,
            now=NOW + timedelta(hours=8),
        )
        assert (closed.ticket.status, closed.ticket.rating) == (TicketStatus.CLOSED, 4)
        with pytest.raises(UserError, match="reports.cannot.confirm"):  # rating twice
            await act_on_ticket(
                uow,
                community=community,
                ticket_id=ticket.id,
                actor=Actor(USER["D"]),
                actor_name="D",
                event=Event.CONFIRM,
                rating=5,
                now=NOW,
            )
        with pytest.raises(UserError, match="reports.cannot.resolve"):
            await act_on_ticket(
                uow,
                community=community,
                ticket_id=ticket.id,
                actor=ADMIN,
                actor_name="Admin",
                event=Event.RESOLVE,
                now=NOW,
            )
        _, history = await visible_ticket(
            uow, community=community, number=1, actor=Actor(USER["E"])
        )
        assert [h.event for h in history] == [
            "reported",
            "me_too",
            "acknowledge",
            "resolve",
            "reopen",
            "resolve",
            "confirm",
        ]
        with pytest.raises(NotAllowed):
            await visible_ticket(uow, community=community, number=1, actor=Actor(USER["A"]))

        timers = await uow.reports.pending_timers()
    assert sorted(t.kind for t in timers) == [TimerKind.PLAN, TimerKind.PLAN, TimerKind.RESPONSE]
    async with db.unit_of_work() as uow:
        for timer in timers:  # all fall due after the ticket was handled: nothing is late
            assert await fire_timer(uow, timer, NOW + timedelta(days=10)) is None
        assert await uow.reports.pending_timers() == []


async def test_an_unacknowledged_ticket_escalates_once(db: Database) -> None:
    community = await make_community(db)
    await residents(db, community)
    async with db.unit_of_work() as uow:
        ticket = await file_report(
            uow,
            community=community,
            user_id=USER["A"],
            user_name="A",
            category=Category.GREENERY,
            description="Broken branch",
            photos=(),
            location=Location(place="North gate lawn"),
            now=NOW,
        )
        (timer,) = await uow.reports.pending_timers()
    assert timer.due_at == NOW + timedelta(hours=24)
    async with db.unit_of_work() as uow:
        fired = await fire_timer(uow, timer, NOW + timedelta(hours=25))
        assert fired is not None and fired[0].id == ticket.id
    async with db.unit_of_work() as uow:
        assert await fire_timer(uow, timer, NOW + timedelta(hours=26)) is None  # once only
        rejected_by_rep = await act_on_ticket(
            uow,
            community=community,
            ticket_id=ticket.id,
            actor=REP_1,
            actor_name="R1",
            event=Event.REJECT,
            note="  not ours: city park  ",
            now=NOW,
        )
        assert (
            rejected_by_rep.ticket.status is TicketStatus.REJECTED
            and rejected_by_rep.note == "not ours: city park"
        )
        assert await open_tickets_for(uow, community=community, actor=REP_1) == []
        mine = await open_tickets_for(uow, community=community, actor=Actor(USER["A"]))
        assert [t.number for t in mine] == [1]


async def test_reject_needs_a_reason(db: Database) -> None:
    community = await make_community(db)
    await residents(db, community)
    async with db.unit_of_work() as uow:
        ticket = await file_report(
            uow,
            community=community,
            user_id=USER["A"],
            user_name="A",
            category=Category.NOISE,
            description="Loud",
            photos=(),
            location=Location("1-101", "1"),
            now=NOW,
        )
        with pytest.raises(UserError, match="reason_needed"):
            await act_on_ticket(
                uow,
                community=community,
                ticket_id=ticket.id,
                actor=ADMIN,
                actor_name="Admin",
                event=Event.REJECT,
                note="  ",
                now=NOW,
            )
