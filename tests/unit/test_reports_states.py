"""The ticket state machine, exhaustively: every state × every event × every party."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import NotAllowed, UserError
from bot.reports.model import (
    TRANSITIONS,
    Category,
    Event,
    Location,
    Party,
    Ticket,
    TicketStatus,
    TimerKind,
    check_description,
    events_for,
    needs_emergency_hint,
    next_status,
    same_problem,
    timer_still_due,
)

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
BUILDING_2 = Location("2-101", "2")
EXPECTED = {
    ("reported", "acknowledge", "staff"): "acknowledged",
    ("reported", "start", "staff"): "in_progress",
    ("reported", "resolve", "staff"): "resolved",
    ("reported", "reject", "staff"): "rejected",
    ("acknowledged", "start", "staff"): "in_progress",
    ("acknowledged", "resolve", "staff"): "resolved",
    ("acknowledged", "reject", "staff"): "rejected",
    ("in_progress", "resolve", "staff"): "resolved",
    ("in_progress", "reject", "staff"): "rejected",
    ("reopened", "start", "staff"): "in_progress",
    ("reopened", "resolve", "staff"): "resolved",
    ("reopened", "reject", "staff"): "rejected",
    ("resolved", "confirm", "reporter"): "closed",
    ("resolved", "reopen", "reporter"): "reopened",
}


@pytest.mark.parametrize(
    ("status", "event", "party"), list(itertools.product(TicketStatus, Event, Party)), ids=str
)
def test_every_state_event_and_party(status: TicketStatus, event: Event, party: Party) -> None:
    expected = EXPECTED.get((status.value, event.value, party.value))
    if expected is not None:
        assert next_status(status, event, party).value == expected
        return
    allowed_for_someone = (status, event) in TRANSITIONS
    with pytest.raises(NotAllowed if allowed_for_someone else UserError):
        next_status(status, event, party)


def test_the_table_is_exactly_the_expected_one() -> None:
    table = {
        (s.value, e.value, who.value): after.value for (s, e), (who, after) in TRANSITIONS.items()
    }
    assert table == EXPECTED


def test_closed_and_rejected_are_final() -> None:
    for status in (TicketStatus.CLOSED, TicketStatus.REJECTED):
        assert not status.is_open
        assert all(events_for(status, party) == [] for party in Party)
    assert events_for(TicketStatus.REPORTED, Party.STAFF) == [
        Event.ACKNOWLEDGE,
        Event.START,
        Event.RESOLVE,
        Event.REJECT,
    ]
    assert events_for(TicketStatus.RESOLVED, Party.REPORTER) == [Event.CONFIRM, Event.REOPEN]


def ticket(
    category: Category = Category.ELEVATOR,
    location: Location = BUILDING_2,
    status: TicketStatus = TicketStatus.REPORTED,
    age: timedelta = timedelta(days=1),
) -> Ticket:
    return Ticket(1, 1, 1, category, "broken", 42, "A", "2-101", location, status, NOW - age)


def test_same_problem_means_category_and_building_or_place_within_14_days() -> None:
    assert same_problem(ticket(), Category.ELEVATOR, Location("2-202", "2"), NOW)
    assert not same_problem(ticket(), Category.NOISE, Location("2-202", "2"), NOW)
    assert not same_problem(ticket(), Category.ELEVATOR, Location("3-101", "3"), NOW)
    assert not same_problem(
        ticket(age=timedelta(days=15)), Category.ELEVATOR, Location("2-1", "2"), NOW
    )
    assert not same_problem(
        ticket(status=TicketStatus.CLOSED), Category.ELEVATOR, Location("2-1", "2"), NOW
    )
    park = ticket(Category.GREENERY, Location(place="North  Gate lawn"))
    assert same_problem(park, Category.GREENERY, Location(place="north gate LAWN"), NOW)
    assert not same_problem(park, Category.GREENERY, Location(place="south gate"), NOW)
    assert not same_problem(park, Category.GREENERY, Location(latitude=1.0, longitude=2.0), NOW)


def test_descriptions_must_be_there_and_not_too_long() -> None:
    assert check_description("  dripping tap ") == "dripping tap"
    with pytest.raises(UserError, match="description_empty"):
        check_description("   ")
    with pytest.raises(UserError, match="description_too_long"):
        check_description("x" * 5000)


def test_deadlines_matter_only_while_the_ticket_is_late() -> None:
    assert timer_still_due(TimerKind.RESPONSE, TicketStatus.REPORTED)
    assert not timer_still_due(TimerKind.RESPONSE, TicketStatus.ACKNOWLEDGED)
    assert timer_still_due(TimerKind.PLAN, TicketStatus.IN_PROGRESS)
    assert not timer_still_due(TimerKind.PLAN, TicketStatus.RESOLVED)


def test_same_problem_with_shared_parts_and_public_area_presets() -> None:
    lift = ticket(location=Location(building="2", part="lift"))
    assert same_problem(lift, Category.ELEVATOR, Location(building="2", part="lift"), NOW)
    assert same_problem(lift, Category.ELEVATOR, Location("2-202", "2"), NOW)  # from a home
    roof = Location(building="2", part="roof")  # another part of the same building
    assert not same_problem(
        ticket(Category.ELEVATOR, roof), Category.ELEVATOR, BUILDING_2_LIFT, NOW
    )
    assert not same_problem(lift, Category.ELEVATOR, Location(building="3", part="lift"), NOW)
    gate = ticket(Category.COMMON_FACILITIES, Location(part="main_gate"))
    assert same_problem(gate, Category.COMMON_FACILITIES, Location(part="main_gate"), NOW)
    assert not same_problem(gate, Category.COMMON_FACILITIES, Location(part="parking"), NOW)
    assert not same_problem(gate, Category.COMMON_FACILITIES, Location(place="main gate"), NOW)


BUILDING_2_LIFT = Location(building="2", part="lift")


def test_the_emergency_hint_is_for_a_lift_or_a_safety_hazard() -> None:
    assert needs_emergency_hint(Category.ELEVATOR, None)
    assert needs_emergency_hint(Category.SAFETY, None)
    assert needs_emergency_hint(Category.WATER_ELECTRICITY, "lift")
    assert not needs_emergency_hint(Category.NOISE, "stairwell")
    assert not needs_emergency_hint(Category.OTHER, None)
