"""Texts and keyboards of repair tickets: the staff card with its history, the reporter's
feedback buttons, the flow's summary, lists. Rendering only."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.communities.model import Community
from bot.config import Language
from bot.i18n import t, when
from bot.reports.model import Event, HistoryEntry, Location, Party, Ticket, TicketStatus, events_for
from handlers import callbacks

EVENT_CODES = {Event.ACKNOWLEDGE: "a", Event.START: "s", Event.RESOLVE: "r", Event.REJECT: "x"}
EVENTS_BY_CODE = {code: event for event, code in EVENT_CODES.items()}
REJECT_REASONS = ("duplicate", "not_ours", "cannot_reproduce")  # `x1`..`x3`; `x0` typed
SLOTS = ("today_am", "today_pm", "tomorrow_am", "tomorrow_pm")  # `t1`..`t4`; `t0` typed


def where(location: Location, lang: Language) -> str:
    if location.unit and location.building:
        return t(lang, "reports.where_unit", unit=location.unit, building=location.building)
    if location.part and location.building:  # a shared part of a building, in words
        part = t(lang, f"reports.part.{location.part}")
        return t(lang, "reports.where_part", part=part, building=location.building)
    if location.part:  # a public area chosen from the presets
        return t(lang, f"reports.part.{location.part}")
    if location.place:
        return location.place
    if location.latitude is not None and location.longitude is not None:
        return t(
            lang,
            "reports.where_map",
            latitude=f"{location.latitude:.5f}",
            longitude=f"{location.longitude:.5f}",
        )
    return "-"


def category(ticket: Ticket, lang: Language) -> str:
    return t(lang, f"category.{ticket.category.value}")


def description(ticket: Ticket, lang: Language) -> str:
    """The words, or (for a voice message without them) what was said and how long."""
    if ticket.voice is not None and not ticket.description:
        return t(lang, "reports.voice_description", seconds=ticket.voice.seconds)
    return ticket.description


def deadline(ticket: Ticket, community: Community, now: datetime, lang: Language) -> str:
    if ticket.status is TicketStatus.REPORTED:
        due, key = (
            ticket.created_at + community.response_time,
            "reports.deadline_response",
        )
    elif ticket.status in (
        TicketStatus.ACKNOWLEDGED,
        TicketStatus.IN_PROGRESS,
        TicketStatus.REOPENED,
    ):
        start = ticket.acknowledged_at or ticket.created_at
        due, key = start + community.plan_time, "reports.deadline_plan"
    else:
        return ""
    late = t(lang, "reports.overdue") if now > due else ""
    return t(lang, key, due=when(due, lang, community.timezone)) + late


def history_text(history: list[HistoryEntry], community: Community, lang: Language) -> str:
    lines = []
    for entry in history[-12:]:
        shown = ("reject", "confirm", "note", "appointment")
        note = f": {entry.note}" if entry.note and entry.event in shown else ""
        if entry.event == "confirm" and entry.note:
            note = f": {entry.note} ⭐"
        lines.append(
            t(
                lang,
                "reports.history_line",
                at=when(entry.at, lang, community.timezone),
                event=t(lang, f"ticket_event.{entry.event}"),
                name=entry.by_name or "—",
                note=note,
            )
        )
    return "\n".join(lines)


def staff_card(
    ticket: Ticket, history: list[HistoryEntry], community: Community, now: datetime
) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = community.language
    text = t(
        lang,
        "reports.card",
        number=ticket.number,
        category=category(ticket, lang),
        where=where(ticket.location, lang),
        description=description(ticket, lang),
        name=ticket.reporter_name,
        household=ticket.household or "-",
        at=when(ticket.created_at, lang, community.timezone),
        affected=ticket.affected,
        status=t(lang, f"ticket_status.{ticket.status.value}"),
        deadline=deadline(ticket, community, now, lang),
        history=history_text(history, community, lang),
    )
    return text[:4000], staff_keyboard(ticket, lang)


def _staff_button(lang: Language, key: str, ticket: Ticket, code: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t(lang, key), callback_data=callbacks.pack(callbacks.REPORT_STAFF, ticket.id, code)
    )


def staff_keyboard(ticket: Ticket, lang: Language, menu: str = "") -> InlineKeyboardMarkup | None:
    """The card's buttons: the steps, then Note and Appointment; `menu` "x" shows the reject
    reasons, "t" the appointment times, in place (Back returns)."""
    if menu == "x":
        reasons = [
            _staff_button(lang, f"reports.reason.{r}", ticket, f"x{i}")
            for i, r in enumerate(REJECT_REASONS, start=1)
        ]
        other = _staff_button(lang, "reports.reason.other", ticket, "x0")
        return InlineKeyboardMarkup([reasons[:2], [reasons[2], other], [_back(lang, ticket)]])
    if menu == "t":
        slots = [
            _staff_button(lang, f"reports.slot.{s}", ticket, f"t{i}")
            for i, s in enumerate(SLOTS, start=1)
        ]
        typed = _staff_button(lang, "reports.slot.typed", ticket, "t0")
        return InlineKeyboardMarkup([slots[:2], slots[2:], [typed], [_back(lang, ticket)]])
    steps = [
        _staff_button(lang, f"reports.button.{event.value}", ticket, EVENT_CODES[event])
        for event in events_for(ticket.status, Party.STAFF)
    ]
    if not steps:
        return None
    tools = [
        _staff_button(lang, "reports.button.note", ticket, "m"),
        _staff_button(lang, "reports.button.appointment", ticket, "t"),
    ]
    return InlineKeyboardMarkup([steps[:2], steps[2:], tools])


def _back(lang: Language, ticket: Ticket) -> InlineKeyboardButton:
    return _staff_button(lang, "common.back", ticket, "b")


def feedback_keyboard(ticket: Ticket, lang: Language) -> InlineKeyboardMarkup:
    """Step one of the reporter's answer: fixed, or not (reopens). Stars come only after
    "Yes", so a star can never close a ticket that is still broken."""
    yes = InlineKeyboardButton(
        t(lang, "reports.fixed_yes"),
        callback_data=callbacks.pack(callbacks.REPORT_FEEDBACK, ticket.id, "y"),
    )
    no = InlineKeyboardButton(
        t(lang, "reports.not_fixed"),
        callback_data=callbacks.pack(callbacks.REPORT_FEEDBACK, ticket.id, "n"),
    )
    return InlineKeyboardMarkup([[yes], [no]])


def stars_keyboard(ticket: Ticket, lang: Language) -> InlineKeyboardMarkup:
    """Step two, after "Yes": 1–5 stars confirm and rate; Back asks "fixed?" again."""
    stars = [
        InlineKeyboardButton(
            "⭐" * n, callback_data=callbacks.pack(callbacks.REPORT_FEEDBACK, ticket.id, f"s{n}")
        )
        for n in range(1, 6)
    ]
    back = InlineKeyboardButton(
        t(lang, "common.back"),
        callback_data=callbacks.pack(callbacks.REPORT_FEEDBACK, ticket.id, "q"),
    )
    return InlineKeyboardMarkup([stars[:3], stars[3:], [back]])


def picker_keyboard(tickets: list[Ticket], lang: Language) -> InlineKeyboardMarkup:
    """`/ticket` without a number: one button per open ticket (the first 30)."""
    rows = [
        [
            InlineKeyboardButton(
                t(
                    lang,
                    "reports.pick_item",
                    number=ticket.number,
                    category=category(ticket, lang),
                    where=where(ticket.location, lang),
                )[:60],
                callback_data=callbacks.pack(callbacks.REPORT_VIEW, ticket.id),
            )
        ]
        for ticket in tickets[:30]
    ]
    return InlineKeyboardMarkup(rows)


def age(ticket: Ticket, now: datetime, lang: Language) -> str:
    hours = int((now - ticket.created_at).total_seconds() // 3600)
    if hours >= 48:
        return t(lang, "reports.age_days", n=hours // 24)
    return t(lang, "reports.age_hours", n=hours)


def ticket_list(
    tickets: list[Ticket], community: Community, now: datetime, lang: Language, *, staff: bool
) -> str:
    if not tickets:
        return t(lang, "reports.list_empty")
    lines = [
        t(lang, "reports.list_staff" if staff else "reports.list_mine", community=community.name)
    ]
    for ticket in tickets:
        overdue = (
            t(lang, "reports.overdue") if "⚠️" in deadline(ticket, community, now, lang) else ""
        )
        lines.append(
            t(
                lang,
                "reports.list_item",
                number=ticket.number,
                category=category(ticket, lang),
                where=where(ticket.location, lang),
                status=t(lang, f"ticket_status.{ticket.status.value}"),
                age=age(ticket, now, lang),
                overdue=overdue,
            )
        )
    return "\n".join(lines)
