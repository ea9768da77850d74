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


def where(location: Location, lang: Language) -> str:
    if location.unit and location.building:
        return t(lang, "reports.where_unit", unit=location.unit, building=location.building)
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
        note = f": {entry.note}" if entry.note and entry.event in ("reject", "confirm") else ""
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
        description=ticket.description,
        name=ticket.reporter_name,
        household=ticket.household or "-",
        at=when(ticket.created_at, lang, community.timezone),
        affected=ticket.affected,
        status=t(lang, f"ticket_status.{ticket.status.value}"),
        deadline=deadline(ticket, community, now, lang),
        history=history_text(history, community, lang),
    )
    buttons = [
        InlineKeyboardButton(
            t(lang, f"reports.button.{event.value}"),
            callback_data=callbacks.pack(callbacks.REPORT_STAFF, ticket.id, EVENT_CODES[event]),
        )
        for event in events_for(ticket.status, Party.STAFF)
    ]
    if not buttons:
        return text[:4000], None
    return text[:4000], InlineKeyboardMarkup([buttons[:2], buttons[2:]])


def feedback_keyboard(ticket: Ticket, lang: Language) -> InlineKeyboardMarkup:
    stars = [
        InlineKeyboardButton(
            "⭐" * n, callback_data=callbacks.pack(callbacks.REPORT_FEEDBACK, ticket.id, n)
        )
        for n in range(1, 6)
    ]
    no = InlineKeyboardButton(
        t(lang, "reports.not_fixed"),
        callback_data=callbacks.pack(callbacks.REPORT_FEEDBACK, ticket.id, "n"),
    )
    return InlineKeyboardMarkup([stars[:3], stars[3:], [no]])


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
