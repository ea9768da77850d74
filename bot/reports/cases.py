"""Use cases of repair reports: filing (with "me too" instead of duplicates), staff actions,
the reporter's confirmation and rating, deadlines, and lists."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError
from bot.outbox import Intent, Tell, person_lane, staff_lane, tell
from bot.points.cases import earn
from bot.points.model import Act
from bot.reports.model import (
    DUPLICATE_WINDOW,
    MAX_EMERGENCY,
    MAX_PHOTOS,
    MAX_REASON,
    Category,
    Event,
    HistoryEntry,
    Location,
    Party,
    Ticket,
    TicketStatus,
    Timer,
    TimerKind,
    Voice,
    check_description,
    next_status,
    same_problem,
    timer_still_due,
)
from bot.reports.ports import ReportsUnitOfWork
from bot.residents.cases import refuse_unverified, verified_households
from bot.residents.model import Membership
from bot.roles.model import Actor
from bot.units.model import normalize_unit_code


async def reporter_household(uow: ReportsUnitOfWork, community_id: int, user_id: int) -> Membership:
    households = await verified_households(uow, community_id, user_id)
    if not households:
        await refuse_unverified(uow, community_id, user_id, "reports.not_resident")
    return households[0]


async def unit_location(uow: ReportsUnitOfWork, community_id: int, unit_code: str) -> Location:
    code = normalize_unit_code(unit_code)
    unit = await uow.units.get(community_id, code)
    if unit is None or unit.retired:
        raise NotFound("join.unknown_unit", unit=code)
    return Location(unit=code, building=unit.building)


async def find_duplicate(
    uow: ReportsUnitOfWork,
    *,
    community_id: int,
    category: Category,
    location: Location,
    now: datetime,
) -> Ticket | None:
    candidates = await uow.reports.open_since(community_id, category, now - DUPLICATE_WINDOW)
    return next((t for t in candidates if same_problem(t, category, location, now)), None)


async def file_report(
    uow: ReportsUnitOfWork,
    *,
    community: Community,
    user_id: int,
    user_name: str,
    category: Category,
    description: str,
    photos: tuple[str, ...],
    location: Location,
    now: datetime,
    voice: Voice | None = None,
) -> Ticket:
    """A new ticket, numbered per community, with its response deadline. A voice message may
    stand for the description in words."""
    household = await reporter_household(uow, community.id, user_id)
    text = check_description(description) if description.strip() or voice is None else ""
    if len(photos) > MAX_PHOTOS:
        raise UserError("reports.too_many_photos", max=MAX_PHOTOS)
    await uow.users.remember(user_id, user_name, now=now)
    ticket = await uow.reports.add(
        community_id=community.id,
        category=category,
        description=text,
        reporter_id=user_id,
        household=household.unit_code,
        location=location,
        photos=photos,
        now=now,
        voice=voice,
    )
    await uow.reports.add_history(ticket.id, "reported", user_id, "", now=now)
    await uow.reports.add_timer(ticket.id, TimerKind.RESPONSE, now + community.response_time)
    await uow.reports.end_draft(user_id)
    # the staff card: the staff chat, else the admins and reps privately, else the group told
    await tell(uow, Intent(Tell.TICKET_NEW, ticket.id, staff_lane(community.id)), now=now)
    await uow.commit()
    return ticket


async def add_me_too(
    uow: ReportsUnitOfWork,
    *,
    community: Community,
    ticket_id: int,
    user_id: int,
    user_name: str,
    now: datetime,
) -> Ticket:
    """Another household has the same problem: it follows the ticket instead of a new one."""
    household = await reporter_household(uow, community.id, user_id)
    ticket = await _own_ticket(uow, community, ticket_id)
    if not ticket.status.is_open:
        raise UserError("reports.not_open", number=ticket.number)
    if ticket.reporter_id == user_id or user_id in await uow.reports.followers(ticket_id):
        raise UserError("reports.already_following", number=ticket.number)
    await uow.users.remember(user_id, user_name, now=now)
    await uow.reports.add_follower(ticket_id, user_id, household.unit_code, now=now)
    await uow.reports.add_history(ticket_id, "me_too", user_id, household.unit_code, now=now)
    await uow.reports.end_draft(user_id)
    updated = await uow.reports.get(ticket_id)
    await tell(uow, Intent(Tell.TICKET_CARDS, ticket_id, staff_lane(community.id)), now=now)
    await uow.commit()
    assert updated is not None
    return updated


async def _own_ticket(uow: ReportsUnitOfWork, community: Community, ticket_id: int) -> Ticket:
    ticket = await uow.reports.get(ticket_id)
    if ticket is None or ticket.community_id != community.id:
        raise NotFound("reports.not_found")
    return ticket


def is_staff_for(actor: Actor, ticket: Ticket) -> bool:
    """Admins, and the reps of the ticket's building (any rep for a public place)."""
    if actor.is_admin:
        return True
    building = ticket.location.building
    return actor.is_rep and (building is None or building in actor.buildings)


@dataclass(frozen=True, slots=True)
class Change:
    ticket: Ticket
    before: TicketStatus
    event: Event
    note: str
    notify: tuple[int, ...]


async def act_on_ticket(
    uow: ReportsUnitOfWork,
    *,
    community: Community,
    ticket_id: int,
    actor: Actor,
    actor_name: str,
    event: Event,
    now: datetime,
    note: str = "",
    rating: int | None = None,
) -> Change:
    """A staff action, or the reporter's confirmation (with a 1–5 rating) or reopening. Told
    through the outbox with the step: the reporter and "me too" households, every staff card
    redrawn, and the staff of a reopening."""
    ticket = await _own_ticket(uow, community, ticket_id)
    if event in (Event.CONFIRM, Event.REOPEN):
        party = Party.REPORTER if actor.user_id == ticket.reporter_id else Party.OTHER
    else:
        party = Party.STAFF if is_staff_for(actor, ticket) else Party.OTHER
    after = next_status(ticket.status, event, party)
    if event is Event.REJECT:
        note = " ".join(note.split())
        if not note:
            raise UserError("reports.reason_needed")
        if len(note) > MAX_REASON:
            raise UserError("reports.reason_too_long", max=MAX_REASON)
    if event is Event.CONFIRM and (rating is None or not 1 <= rating <= 5):
        raise UserError("reports.bad_rating")
    await uow.users.remember(actor.user_id, actor_name, now=now)
    await uow.reports.set_status(
        ticket_id,
        after,
        acknowledged_at=now
        if ticket.acknowledged_at is None and after is not TicketStatus.REJECTED
        else None,
        resolved_at=now if after is TicketStatus.RESOLVED else None,
        rating=rating if event is Event.CONFIRM else None,
    )
    await uow.reports.add_history(
        ticket_id, event.value, actor.user_id, note or (str(rating) if rating else ""), now=now
    )
    if ticket.status in (TicketStatus.REPORTED, TicketStatus.RESOLVED) and after in (
        TicketStatus.ACKNOWLEDGED,
        TicketStatus.IN_PROGRESS,
        TicketStatus.REOPENED,
    ):
        await uow.reports.add_timer(ticket_id, TimerKind.PLAN, now + community.plan_time)
    if party is Party.STAFF and after is not TicketStatus.REJECTED and ticket.household:
        await earn(
            uow,
            community_id=community.id,
            unit_code=ticket.household,
            act=Act.REPORT_ACKNOWLEDGED,
            key=ticket_id,
            now=now,
        )
    updated = await uow.reports.get(ticket_id)
    followers = await uow.reports.followers(ticket_id)
    notify = tuple(dict.fromkeys([ticket.reporter_id, *followers]))
    for user_id in notify:  # each told of this step, in their language, through the outbox
        params = {"user": user_id, "event": event.value, "status": after.value, "note": note}
        await tell(
            uow, Intent(Tell.TICKET_NOTICE, ticket_id, person_lane(user_id), params), now=now
        )
    staff = staff_lane(community.id)
    await tell(uow, Intent(Tell.TICKET_CARDS, ticket_id, staff), now=now)  # every card redrawn
    if event is Event.REOPEN:
        await tell(uow, Intent(Tell.TICKET_REOPENED, ticket_id, staff), now=now)
    await uow.commit()
    assert updated is not None
    return Change(updated, ticket.status, event, note, notify)


async def fire_timer(
    uow: ReportsUnitOfWork, timer: Timer, now: datetime
) -> tuple[Ticket, Community] | None:
    """A deadline fell due: once only; the ticket, if it is still late. The timer is marked
    fired in the same transaction as its escalation is written into the outbox."""
    if not await uow.reports.mark_fired(timer.id, now=now):
        return None
    ticket = await uow.reports.get(timer.ticket_id)
    community = await uow.communities.get(ticket.community_id) if ticket else None
    if ticket is not None and timer_still_due(timer.kind, ticket.status):
        await uow.reports.add_history(ticket.id, f"overdue_{timer.kind.value}", 0, "", now=now)
        escalation = Intent(
            Tell.TICKET_ESCALATION,
            ticket.id,
            staff_lane(ticket.community_id),
            {"kind": timer.kind.value, "timer": timer.id},
        )
        await tell(uow, escalation, now=now)
    await uow.commit()
    if ticket is None or community is None or not timer_still_due(timer.kind, ticket.status):
        return None
    return ticket, community


async def visible_ticket(
    uow: ReportsUnitOfWork,
    *,
    community: Community,
    number: int,
    actor: Actor,
    sees_all: bool = False,
) -> tuple[Ticket, list[HistoryEntry]]:
    """A ticket and its history, for its reporter and "me too" households, the admins, the
    reps of its building (not of other buildings), and (`sees_all`) the staff chat."""
    ticket = await uow.reports.by_number(community.id, number)
    if ticket is None:
        raise NotFound("reports.no_such_number", number=number)
    mine = actor.user_id == ticket.reporter_id or actor.user_id in await uow.reports.followers(
        ticket.id
    )
    if not (mine or sees_all or is_staff_for(actor, ticket)):
        raise NotAllowed("reports.not_yours")
    return ticket, await uow.reports.history(ticket.id)


async def open_tickets_for(
    uow: ReportsUnitOfWork, *, community: Community, actor: Actor, sees_all: bool = False
) -> list[Ticket]:
    """Staff see the open tickets they handle (a rep: of their buildings; `sees_all`, the
    staff chat: every one), oldest first; residents their own."""
    tickets = await uow.reports.of_community(community.id)
    if sees_all:
        return [t for t in tickets if t.status.is_open]
    if actor.is_admin or actor.is_rep:
        return [t for t in tickets if t.status.is_open and is_staff_for(actor, t)]
    followed = await uow.reports.followed_by(actor.user_id)
    return [t for t in tickets if t.reporter_id == actor.user_id or t.id in followed]


async def tell_reporter(
    uow: ReportsUnitOfWork,
    *,
    community: Community,
    ticket_id: int,
    actor: Actor,
    actor_name: str,
    kind: str,
    text: str,
    now: datetime,
) -> Ticket:
    """Staff send the reporter a note or an appointment time (`kind` "note" / "appointment"):
    kept in the history, told through the outbox, the cards redrawn. The status stays."""
    ticket = await _own_ticket(uow, community, ticket_id)
    if not is_staff_for(actor, ticket):
        raise NotAllowed("reports.not_staff")
    if not ticket.status.is_open:
        raise UserError("reports.not_open", number=ticket.number)
    note = " ".join(text.split())
    if not note:
        raise UserError("reports.note_empty")
    if len(note) > MAX_REASON:
        raise UserError("reports.reason_too_long", max=MAX_REASON)
    await uow.users.remember(actor.user_id, actor_name, now=now)
    await uow.reports.add_history(ticket_id, kind, actor.user_id, note, now=now)
    params: dict[str, str | int | None] = {
        "user": ticket.reporter_id,
        "event": kind,
        "status": ticket.status.value,
        "note": note,
    }
    person = person_lane(ticket.reporter_id)
    await tell(uow, Intent(Tell.TICKET_NOTICE, ticket_id, person, params), now=now)
    await tell(uow, Intent(Tell.TICKET_CARDS, ticket_id, staff_lane(community.id)), now=now)
    await uow.commit()
    return ticket


async def set_emergency(
    uow: ReportsUnitOfWork, community: Community, text: str, *, is_admin: bool
) -> str | None:
    """The numbers to call for a lift or a safety hazard, shown with such reports; "off"
    (关闭) removes them."""
    if not is_admin:
        raise NotAllowed("settings.not_admin")
    clean = " ".join(text.split())
    if not clean:
        raise UserError("reports.emergency_usage")
    if len(clean) > MAX_EMERGENCY:
        raise UserError("reports.emergency_too_long", max=MAX_EMERGENCY)
    value = None if clean.casefold() in ("off", "关闭") else clean
    await uow.reports.set_emergency(community.id, value)
    await uow.commit()
    return value


async def set_staff_chat(
    uow: ReportsUnitOfWork, community: Community, chat_id: int, *, is_admin: bool
) -> Community:
    if not is_admin:
        raise NotAllowed("reports.staffchat_not_admin")
    if chat_id == community.chat_id:
        raise UserError("reports.staffchat_is_main")
    await uow.communities.set_staff_chat(community.id, chat_id)
    await uow.commit()
    return replace(community, staff_chat_id=chat_id)


async def move_staff_chat(uow: ReportsUnitOfWork, *, old_chat_id: int, new_chat_id: int) -> bool:
    """A staff group upgraded to a supergroup gets a new chat id; every community whose staff
    chat it is follows it (like `move_community` for the main group). False if none did."""
    if old_chat_id == new_chat_id or await uow.communities.by_chat(new_chat_id) is not None:
        return False  # a community's main group is never a staff chat
    moved = False
    while (community := await uow.communities.by_staff_chat(old_chat_id)) is not None:
        await uow.communities.set_staff_chat(community.id, new_chat_id)
        moved = True
    if moved:
        await uow.commit()
    return moved


async def set_deadlines(
    uow: ReportsUnitOfWork,
    community: Community,
    *,
    response: timedelta | None,
    plan: timedelta | None,
    is_admin: bool,
) -> Community:
    """How long staff have to respond to a ticket, and to resolve it once acknowledged."""
    if not is_admin:
        raise NotAllowed("settings.not_admin")
    response_time = response or community.response_time
    plan_time = plan or community.plan_time
    await uow.communities.set_deadlines(
        community.id, response_time=response_time, plan_time=plan_time
    )
    await uow.commit()
    return replace(community, response_time=response_time, plan_time=plan_time)
