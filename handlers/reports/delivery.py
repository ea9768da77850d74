"""Where tickets go and who hears what: the staff chat (or, without one or when it cannot be
reached, the admins and the building's reps in private), every card kept up to date, the
reporter and "me too" households told of each step, the staff of a reopening, and escalations
when a deadline passes. Each is an outbox deliverer (`handlers/deliveries.py`): the use case
wrote it with its change, and it draws from the database when it goes out.
Every send and edit to a group goes through `handlers.common.in_chat`, so a staff chat or main
group that became a supergroup is followed to its new id."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.communities.model import Community
from bot.config import Language
from bot.i18n import t
from bot.outbox import OutboxEntry
from bot.reports.model import Event, Ticket, TicketStatus, TimerKind, timer_still_due
from bot.roles.model import Role
from handlers.common import deep_link, edit_text, in_chat, language_of, send_private, send_text
from handlers.context import BotContext
from handlers.format import duration_text
from handlers.reports.render import category, feedback_keyboard, staff_card, where

log = logging.getLogger(__name__)


async def staff_recipients(
    context: BotContext, community: Community, building: str | None, *, reps: bool = True
) -> list[int]:
    """Admins (stored and Telegram's) and, with `reps`, the reps of the building (all reps for
    a public place)."""
    async with context.services.uow() as uow:
        grants = await uow.roles.of_community(community.id)
    people = [
        g.user_id
        for g in grants
        if g.role is Role.ADMIN
        or (reps and g.role is Role.REP and (building is None or building in g.buildings))
    ]
    try:
        admins = await context.bot.get_chat_administrators(community.chat_id)
        people += [a.user.id for a in admins if not a.user.is_bot]
    except TelegramError as exc:
        log.warning("could not list the admins of community %s: %s", community.id, exc)
    return list(dict.fromkeys(people))


async def _post_card(
    context: BotContext, chat_id: int, community: Community, ticket: Ticket
) -> bool:
    """The staff card (with the photos) in one chat, remembered there; False if that chat
    cannot be reached (blocked, never started, gone). A timeout, a 5xx or a flood wait is
    raised: the outbox tries again, and the chats that have their card are not sent again."""
    async with context.services.uow() as uow:
        history = await uow.reports.history(ticket.id)
    text, keyboard = staff_card(ticket, history, community, context.services.now())

    async def post(chat: int) -> Message:
        if len(ticket.photos) == 1:
            await context.bot.send_photo(chat, ticket.photos[0], caption=f"#{ticket.number}")
        elif ticket.photos:
            media = [
                InputMediaPhoto(p, caption=f"#{ticket.number}" if i == 0 else None)
                for i, p in enumerate(ticket.photos)
            ]
            await context.bot.send_media_group(chat, media)
        if ticket.voice is not None:
            await context.bot.send_voice(chat, ticket.voice.file_id, caption=f"#{ticket.number}")
        return await context.bot.send_message(chat, text, reply_markup=keyboard)

    try:
        card = await in_chat(context, chat_id, post)
    except (Forbidden, BadRequest, ChatMigrated) as exc:  # routed elsewhere (moved twice too)
        log.info("ticket %s not delivered to %s: %s", ticket.id, chat_id, exc)
        return False
    async with context.services.uow() as uow:
        await uow.reports.add_card(ticket.id, card.chat_id, card.message_id)
        await uow.commit()
    return True


async def deliver_new_ticket(context: BotContext, entry: OutboxEntry) -> None:
    """A new ticket's staff card (`Tell.TICKET_NEW`, written with the ticket): in the staff
    chat; without one, or when it cannot be reached, privately to the admins and the building's
    reps; when none of them can be reached, the group is told. Drawn from the stored cards, so a
    repeated delivery posts only to those who have none yet."""
    found = await _ticket(context, entry.intent.subject)
    if found is None:
        return
    ticket, community = found
    async with context.services.uow() as uow:
        has_card = {chat_id for chat_id, _ in await uow.reports.cards(ticket.id)}
    staff_chat = community.staff_chat_id
    if staff_chat is not None and (
        staff_chat in has_card or await _post_card(context, staff_chat, community, ticket)
    ):
        return
    delivered = False
    retry: TelegramError | None = None
    for user_id in await staff_recipients(context, community, ticket.location.building):
        if user_id in has_card:
            delivered = True
            continue
        try:
            delivered = await _post_card(context, user_id, community, ticket) or delivered
        except TelegramError as exc:  # the others still get theirs; this one again later
            retry = retry or exc
    if retry is not None:
        raise retry
    if not delivered:
        await send_text(
            context,
            community.chat_id,
            t(
                community.language,
                "reports.new_for_staff",
                number=ticket.number,
                community=community.name,
            ),
        )


async def refresh_cards(context: BotContext, community: Community, ticket_id: int) -> None:
    """Every staff card of the ticket redrawn as it stands (an edit: repeating it changes
    nothing). A card that is gone is skipped; a timeout, 5xx or flood wait is raised after the
    other cards were drawn."""
    async with context.services.uow() as uow:
        ticket = await uow.reports.get(ticket_id)
        history = await uow.reports.history(ticket_id)
        cards = await uow.reports.cards(ticket_id)
    if ticket is None:
        return
    text, keyboard = staff_card(ticket, history, community, context.services.now())
    retry: TelegramError | None = None
    for chat_id, message_id in cards:
        try:
            await edit_text(context, chat_id, message_id, text, reply_markup=keyboard)
        except (Forbidden, BadRequest) as exc:
            log.info("card of ticket %s in %s not updated: %s", ticket_id, chat_id, exc)
        except TelegramError as exc:
            retry = retry or exc
    if retry is not None:
        raise retry


async def deliver_ticket_cards(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.TICKET_CARDS`, written with each step and each "me too": the cards redrawn."""
    found = await _ticket(context, entry.intent.subject)
    if found is not None:
        ticket, community = found
        await refresh_cards(context, community, ticket.id)


async def tell_staff(
    context: BotContext, community: Community, ticket: Ticket, text_key: str, **params: object
) -> None:
    """A notice for staff: in the staff chat, or (without one, or when it cannot be reached)
    privately to each of them. A timeout or 5xx is raised, for the outbox to try again."""
    if community.staff_chat_id is not None:
        try:
            await send_text(
                context, community.staff_chat_id, t(community.language, text_key, **params)
            )
            return
        except (Forbidden, BadRequest) as exc:
            log.info("notice not delivered to staff chat %s: %s", community.staff_chat_id, exc)
    for user_id in await staff_recipients(context, community, ticket.location.building):
        lang = await language_of(context, user_id, community.language)
        await send_private(context, user_id, t(lang, text_key, **params))


async def deliver_reopened(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.TICKET_REOPENED`: the reporter said it is not fixed; the staff hear of it."""
    found = await _ticket(context, entry.intent.subject)
    if found is not None:
        ticket, community = found
        await tell_staff(context, community, ticket, "reports.reopened_staff", number=ticket.number)


async def _ticket(context: BotContext, ticket_id: int) -> tuple[Ticket, Community] | None:
    async with context.services.uow() as uow:
        ticket = await uow.reports.get(ticket_id)
        community = await uow.communities.get(ticket.community_id) if ticket else None
    return (ticket, community) if ticket is not None and community is not None else None


async def deliver_ticket_notice(context: BotContext, entry: OutboxEntry) -> None:
    """One step on a ticket, told to the reporter or a "me too" household in their language:
    the status the step reached (kept in the entry), not whatever came after."""
    found = await _ticket(context, entry.intent.subject)
    if found is None:
        return
    ticket, community = found
    params = entry.intent.params
    user_id = int(str(params["user"]))
    lang = await language_of(context, user_id, community.language)
    if params["event"] in ("note", "appointment"):  # staff wrote to the reporter
        key = f"reports.told_{params['event']}"
        text = t(lang, key, number=ticket.number, category=category(ticket, lang))
        await send_private(context, user_id, f"{text}\n{params.get('note') or ''}")
        return
    event = Event(str(params["event"]))
    status = TicketStatus(str(params["status"]))
    note = str(params.get("note") or "")
    if user_id == ticket.reporter_id and status is TicketStatus.RESOLVED:
        text = t(lang, "reports.ask_fixed", number=ticket.number, category=category(ticket, lang))
        if not await send_private(
            context, user_id, text, reply_markup=feedback_keyboard(ticket, lang)
        ):
            await _ask_in_group(context, community, ticket)
        return
    if event in (Event.CONFIRM, Event.REOPEN) and user_id == ticket.reporter_id:
        return  # they pressed it themselves
    text = t(
        lang,
        "reports.notify",
        number=ticket.number,
        category=category(ticket, lang),
        status=t(lang, f"ticket_status.{status.value}"),
        note=t(lang, "reports.notify_note", note=note) if note else "",
    )
    await send_private(context, user_id, text)


async def deliver_escalation(context: BotContext, entry: OutboxEntry) -> None:
    """A deadline passed (the timer was marked fired with this entry): escalate, unless the
    ticket has moved on meanwhile."""
    found = await _ticket(context, entry.intent.subject)
    if found is None:
        return
    ticket, community = found
    kind = TimerKind(str(entry.intent.params["kind"]))
    if timer_still_due(kind, ticket.status):
        await escalate(context, community, ticket, kind)


async def _ask_in_group(context: BotContext, community: Community, ticket: Ticket) -> None:
    lang = community.language
    button = InlineKeyboardButton(
        t(lang, "common.open_private"), url=deep_link(context, f"ticket-{ticket.id}")
    )
    await send_text(
        context,
        community.chat_id,
        t(lang, "reports.resolved_group", number=ticket.number, name=ticket.reporter_name),
        reply_markup=InlineKeyboardMarkup([[button]]),
    )


async def escalate(
    context: BotContext, community: Community, ticket: Ticket, kind: TimerKind
) -> None:
    """A deadline passed: a reminder in the staff chat, and the admins told privately."""
    key = "reports.escalate_response" if kind is TimerKind.RESPONSE else "reports.escalate_plan"
    limit = community.response_time if kind is TimerKind.RESPONSE else community.plan_time

    def text_in(lang: Language) -> str:
        return t(
            lang,
            key,
            number=ticket.number,
            community=community.name,
            category=category(ticket, lang),
            where=where(ticket.location, lang),
            time=duration_text(limit, lang),
        )

    if community.staff_chat_id is not None:
        try:
            await send_text(context, community.staff_chat_id, text_in(community.language))
        except (Forbidden, BadRequest) as exc:  # the admins are told privately all the same
            # (a timeout or a 5xx is raised: the outbox tries the whole escalation again)
            log.info("escalation not delivered to staff chat %s: %s", community.staff_chat_id, exc)
    for user_id in await staff_recipients(context, community, None, reps=False):
        lang = await language_of(context, user_id, community.language)
        await send_private(context, user_id, text_in(lang))
    try:  # the cards show the overdue step; the escalation itself went out
        await refresh_cards(context, community, ticket.id)
    except TelegramError as exc:
        log.info("cards of ticket %s not redrawn after its escalation: %s", ticket.id, exc)
