"""Repair reports and their closed loop 发现-上报-处置-反馈-评价: report → acknowledge → work →
resolved → the reporter confirms and rates (or reopens); staff may reject with a reason.

The allowed transitions are one table (`TRANSITIONS`): state × event → who may do it and the
state that follows. Everything else is refused."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from bot.errors import NotAllowed, UserError
from bot.i18n import Localized

MAX_DESCRIPTION: Final = 1000
MAX_PLACE: Final = 120
MAX_PHOTOS: Final = 5
MAX_PHOTO_BYTES: Final = 5 * 1024 * 1024
MAX_VOICE_BYTES: Final = 20 * 1024 * 1024  # what a bot may download (getFile's limit)
MAX_REASON: Final = 500
MAX_EMERGENCY: Final = 300
DUPLICATE_WINDOW: Final = timedelta(days=14)
DEFAULT_RESPONSE_HOURS: Final = 24
DEFAULT_PLAN_HOURS: Final = 72


class Category(StrEnum):
    WATER_ELECTRICITY = "water_electricity"
    ELEVATOR = "elevator"
    COMMON_FACILITIES = "common_facilities"
    SANITATION = "sanitation"
    GREENERY = "greenery"
    PARKING = "parking"
    SAFETY = "safety"
    NOISE = "noise"
    OTHER = "other"


# Where, in words: the shared parts of a building, and the community's public areas (codes
# stored on the ticket, shown in the reader's language).
SHARED_PARTS: Final = ("lift", "stairwell", "entrance", "basement", "roof", "bike_shed")
PUBLIC_AREAS: Final = ("main_gate", "parking", "green", "fitness", "refuse")


def needs_emergency_hint(category: Category, part: str | None) -> bool:
    """A lift or a safety hazard: the community's emergency numbers are shown with the form."""
    return category in (Category.ELEVATOR, Category.SAFETY) or part == "lift"


class TicketStatus(StrEnum):
    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"
    REJECTED = "rejected"

    @property
    def is_open(self) -> bool:
        return self not in (TicketStatus.CLOSED, TicketStatus.REJECTED)


class Event(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    START = "start"
    RESOLVE = "resolve"
    REJECT = "reject"
    CONFIRM = "confirm"
    REOPEN = "reopen"


class Party(StrEnum):
    """Who presses: staff (admins, and the reps of the ticket's building), the reporter, or
    anyone else."""

    STAFF = "staff"
    REPORTER = "reporter"
    OTHER = "other"


S, E, P = TicketStatus, Event, Party
TRANSITIONS: Final[dict[tuple[TicketStatus, Event], tuple[Party, TicketStatus]]] = {
    (S.REPORTED, E.ACKNOWLEDGE): (P.STAFF, S.ACKNOWLEDGED),
    (S.REPORTED, E.START): (P.STAFF, S.IN_PROGRESS),
    (S.REPORTED, E.RESOLVE): (P.STAFF, S.RESOLVED),
    (S.REPORTED, E.REJECT): (P.STAFF, S.REJECTED),
    (S.ACKNOWLEDGED, E.START): (P.STAFF, S.IN_PROGRESS),
    (S.ACKNOWLEDGED, E.RESOLVE): (P.STAFF, S.RESOLVED),
    (S.ACKNOWLEDGED, E.REJECT): (P.STAFF, S.REJECTED),
    (S.IN_PROGRESS, E.RESOLVE): (P.STAFF, S.RESOLVED),
    (S.IN_PROGRESS, E.REJECT): (P.STAFF, S.REJECTED),
    (S.REOPENED, E.START): (P.STAFF, S.IN_PROGRESS),
    (S.REOPENED, E.RESOLVE): (P.STAFF, S.RESOLVED),
    (S.REOPENED, E.REJECT): (P.STAFF, S.REJECTED),
    (S.RESOLVED, E.CONFIRM): (P.REPORTER, S.CLOSED),
    (S.RESOLVED, E.REOPEN): (P.REPORTER, S.REOPENED),
}


def next_status(status: TicketStatus, event: Event, party: Party) -> TicketStatus:
    """The state after `event` by `party`, or a refusal saying why."""
    allowed = TRANSITIONS.get((status, event))
    if allowed is None:
        raise UserError(
            f"reports.cannot.{event.value}", status=Localized(f"ticket_status.{status.value}")
        )
    who, after = allowed
    if party is not who:
        raise NotAllowed("reports.not_staff" if who is Party.STAFF else "reports.not_reporter")
    return after


def events_for(status: TicketStatus, party: Party) -> list[Event]:
    """The buttons to show `party` for a ticket in `status`."""
    return [e for (s, e), (who, _) in TRANSITIONS.items() if s is status and who is party]


def normalize_place(text: str) -> str:
    """For matching "the same public place": case, width and spacing do not matter."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True, slots=True)
class Location:
    """Where: a unit (with its building), a shared part of a building (`part` with the
    building), a public area (a preset `part`, or a place in words), or a map point."""

    unit: str | None = None
    building: str | None = None
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    part: str | None = None


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    community_id: int
    number: int
    category: Category
    description: str
    reporter_id: int
    reporter_name: str
    household: str | None
    location: Location
    status: TicketStatus
    created_at: datetime
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    rating: int | None = None
    affected: int = 1
    photos: tuple[str, ...] = ()
    voice: Voice | None = None


@dataclass(frozen=True, slots=True)
class Voice:
    """A voice message given as the description: Telegram's file id and its length."""

    file_id: str
    seconds: int


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    event: str
    by_name: str
    note: str = ""


def same_problem(ticket: Ticket, category: Category, location: Location, now: datetime) -> bool:
    """A second report of the same problem: same category and building (or the same public
    place), on an open ticket of the last 14 days."""
    if not ticket.status.is_open or ticket.category is not category:
        return False
    if now - ticket.created_at > DUPLICATE_WINDOW:
        return False
    if location.building is not None:
        if ticket.location.building != location.building:
            return False
        # two different shared parts of one building are two problems
        return location.part is None or ticket.location.part in (None, location.part)
    if location.part is not None:
        return ticket.location.building is None and ticket.location.part == location.part
    if location.place is not None and ticket.location.place is not None:
        return normalize_place(ticket.location.place) == normalize_place(location.place)
    return False


def check_description(text: str) -> str:
    clean = text.strip()
    if not clean:
        raise UserError("reports.description_empty")
    if len(clean) > MAX_DESCRIPTION:
        raise UserError("reports.description_too_long", max=MAX_DESCRIPTION, length=len(clean))
    return clean


def check_place(text: str) -> str:
    clean = " ".join(text.split())
    if not clean:
        raise UserError("reports.place_empty")
    if len(clean) > MAX_PLACE:
        raise UserError("reports.place_too_long", max=MAX_PLACE)
    return clean


class TimerKind(StrEnum):
    RESPONSE = "response"  # not acknowledged in time
    PLAN = "plan"  # acknowledged but not resolved in time


def timer_still_due(kind: TimerKind, status: TicketStatus) -> bool:
    """Whether a deadline that falls due still means something is late."""
    if kind is TimerKind.RESPONSE:
        return status is TicketStatus.REPORTED
    return status in (TicketStatus.ACKNOWLEDGED, TicketStatus.IN_PROGRESS, TicketStatus.REOPENED)


@dataclass(frozen=True, slots=True)
class Timer:
    """A stored deadline of a ticket, fired at most once."""

    id: int
    ticket_id: int
    kind: TimerKind
    due_at: datetime
