"""The deliverers of what the meeting use cases write into the outbox (the card, reminders,
changes told to attendees, the minutes and the author's outcome buttons), and the card's
latest state for LiveCards: each drawn from the database when it goes out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.i18n import t
from bot.meetings.cases import (
    attach_meeting_card,
    attach_minutes,
)
from bot.meetings.model import MeetingStatus
from bot.outbox import OutboxEntry
from bot.ports import UnitOfWork
from handlers.common import (
    edit_text,
    language_of,
    pin_message,
    send_private,
    send_text,
)
from handlers.context import BotContext
from handlers.live_cards import Card
from handlers.meetings.lookup import view_of
from handlers.meetings.render import (
    meeting_card,
    meeting_when,
    minutes_text,
    outcomes_screen,
    reminder_text,
)
from handlers.outbox import Undeliverable

log = logging.getLogger(__name__)
log = logging.getLogger(__name__)


async def render_meeting_card(
    uow_factory: Callable[[], UnitOfWork], meeting_id: int
) -> Card | None:
    """The meeting card's latest state, for LiveCards."""
    async with uow_factory() as uow:
        found = await view_of(uow, meeting_id)
    if found is None or found[0].meeting.card is None:
        return None
    view, community = found
    card = view.meeting.card
    assert card is not None
    text, keyboard = meeting_card(view, community)
    return Card(card[0], card[1], text, keyboard)


async def deliver_meeting_card(context: BotContext, entry: OutboxEntry) -> None:
    """Post the meeting's card if it has none, else redraw it (never twice)."""
    async with context.services.uow() as uow:
        found = await view_of(uow, entry.intent.subject)
    if found is None:
        return
    view, community = found
    text, keyboard = meeting_card(view, community)
    card = view.meeting.card
    if card is not None:
        await edit_text(context, card[0], card[1], text, reply_markup=keyboard)
        return
    sent = await send_text(context, community.chat_id, text, reply_markup=keyboard)
    async with context.services.uow() as uow:
        await attach_meeting_card(uow, view.meeting.id, sent.chat_id, sent.message_id)


async def deliver_reminder(context: BotContext, entry: OutboxEntry) -> None:
    """The group reminded, with the agenda and the attendance as they stand now."""
    async with context.services.uow() as uow:
        reminder = await uow.meetings.reminder(entry.intent.subject)
        found = await view_of(uow, reminder.meeting_id) if reminder else None
    if reminder is None or found is None or found[0].meeting.status is not MeetingStatus.SCHEDULED:
        return  # cancelled since it fell due
    view, community = found
    await send_text(context, community.chat_id, reminder_text(view, reminder, community))


async def deliver_changed(context: BotContext, entry: OutboxEntry) -> None:
    """Tell one attendee that the meeting moved or was cancelled (params: kind, was)."""
    async with context.services.uow() as uow:
        found = await view_of(uow, entry.intent.subject)
    if found is None:
        return
    view, community = found
    user_id = int(entry.intent.lane.removeprefix("user:"))
    lang = await language_of(context, user_id, community.language)
    was_param = entry.intent.params.get("was")
    was = (
        meeting_when(datetime.fromisoformat(was_param), community, lang)
        if isinstance(was_param, str)
        else ""
    )
    meeting = view.meeting
    if entry.intent.params.get("kind") == "cancelled":
        text = t(lang, "meetings.cancelled_note", number=meeting.number, was=was)
    else:
        text = t(
            lang,
            "meetings.moved_note",
            number=meeting.number,
            when=meeting_when(meeting.starts_at, community, lang),
            place=meeting.place,
            was=was,
        )
    if not await send_private(context, user_id, text):
        raise Undeliverable(f"user {user_id} never started a chat with the bot")


async def deliver_minutes(context: BotContext, entry: OutboxEntry) -> None:
    """Post and pin the minutes (公示); once posted, only pinned again."""
    async with context.services.uow() as uow:
        found = await view_of(uow, entry.intent.subject)
    if found is None:
        return
    view, community = found
    posted = view.meeting.minutes_message
    if posted is None:
        sent = await send_text(context, community.chat_id, minutes_text(view, community))
        async with context.services.uow() as uow:
            await attach_minutes(uow, view.meeting.id, sent.chat_id, sent.message_id)
        posted = (sent.chat_id, sent.message_id)
    await pin_message(context, *posted, what=f"the minutes of meeting {view.meeting.id}")


async def deliver_outcomes(context: BotContext, entry: OutboxEntry) -> None:
    """The minutes' author: a row of Decided / Put to a vote / Deferred per agenda topic."""
    async with context.services.uow() as uow:
        found = await view_of(uow, entry.intent.subject)
    if found is None:
        return
    view, community = found
    user_id = int(entry.intent.lane.removeprefix("user:"))
    lang = await language_of(context, user_id, community.language)
    text, keyboard = outcomes_screen(view, lang)
    if keyboard is None:
        return
    if not await send_private(context, user_id, text, reply_markup=keyboard):
        raise Undeliverable(f"user {user_id} never started a chat with the bot")
