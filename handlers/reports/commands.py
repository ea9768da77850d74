"""Repair reports outside the private form: /report in the group (a button to the form, or a
quick report with text), /staffchat, the staff buttons (Reject asks for a reason), the
reporter's "Is it fixed?" buttons, /reports, /ticket and /export reports."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from telegram import ForceReply, InputFile, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.communities.model import Community
from bot.config import Language
from bot.errors import NotAllowed, UserError, Whole
from bot.i18n import t, whole_number
from bot.reports.cases import (
    file_report,
    is_staff_for,
    open_tickets_for,
    reporter_household,
    set_staff_chat,
    visible_ticket,
)
from bot.reports.model import Category, Event, Location, Party, Ticket, next_status
from bot.residents.profile import load_profile
from handlers import callbacks
from handlers.common import (
    actor_in,
    command_args,
    command_text,
    community_here,
    display_name,
    edit_text,
    is_private,
    open_private_button,
    reply,
    require_card,
    require_community,
    require_private_screen,
    send_files_privately,
    send_private,
    send_text,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.reports.actions import (
    act,
    remember_prompt,
    take_reason,
    tell_reporter_now,
    ticket_and_community,
)
from handlers.reports.export import tickets_csv
from handlers.reports.form import begin, start_from_link
from handlers.reports.jobs import arm_report_timers
from handlers.reports.render import (
    EVENTS_BY_CODE,
    REJECT_REASONS,
    SLOTS,
    category,
    feedback_keyboard,
    picker_keyboard,
    staff_card,
    staff_keyboard,
    stars_keyboard,
    ticket_list,
)

log = logging.getLogger(__name__)
# `/staffchat` asks Telegram about at most this many communities, this many at a time: one
# command must not hold the update loop for the whole deployment.
STAFFCHAT_CHECK_LIMIT = 10
STAFFCHAT_CHECKS_AT_ONCE = 4


async def cmd_report(update: Update, context: BotContext) -> None:
    if is_private(update):
        await begin(update, context)
        return
    community = await require_community(update, context)
    text = command_text(update).strip()
    lang = community.language
    if not text:
        button = open_private_button(context, lang, f"report-{community.id}")
        await reply(update, t(lang, "reports.flow.open_private"), reply_markup=button)
        return
    user = update.effective_user
    assert user is not None
    async with context.services.uow() as uow:
        household = await reporter_household(uow, community.id, user.id)
        ticket = await file_report(
            uow,
            community=community,
            user_id=user.id,
            user_name=display_name(user),
            category=Category.OTHER,
            description=text,
            photos=(),
            location=Location(unit=household.unit_code, building=household.building),
            now=context.services.now(),
        )
    arm_report_timers(context)
    await reply(update, t(lang, "reports.filed_group", number=ticket.number))
    context.services.wake_outbox()  # the staff card


async def cmd_staffchat(update: Update, context: BotContext) -> None:
    """Sent in the staff group by an admin of a community (of several: `/staffchat <n>`)."""
    if is_private(update):
        raise UserError("common.group_only")
    chat = update.effective_chat
    user = update.effective_user
    assert chat is not None and user is not None
    wanted = whole_number(args[0]) if (args := command_args(update)) else None
    async with context.services.uow() as uow:
        main = await uow.communities.by_chat(chat.id)
        if wanted is not None:  # `/staffchat <n>`: only that one is asked about
            named = await uow.communities.get(wanted)
            candidates = [named] if named is not None else []
        else:  # the communities the user set up, lives in or has a role in
            tied = await uow.communities.created_by(user.id)
            tied += [p.community for p in await load_profile(uow, user.id)]
            candidates = list({c.id: c for c in tied}.values())
            if not candidates:  # a group admin the bot does not know: the first few only
                candidates = await uow.communities.every(STAFFCHAT_CHECK_LIMIT)
    if main is not None:
        raise UserError("reports.staffchat_is_main")
    admin_of = await _administered(context, candidates[:STAFFCHAT_CHECK_LIMIT], user.id)
    if not admin_of:
        raise UserError("reports.staffchat_none")
    if len(admin_of) > 1:
        choices = ", ".join(f"{c.id} = {c.name}" for c in admin_of)
        raise UserError("reports.staffchat_choose", choices=Whole(choices))
    async with context.services.uow() as uow:
        community = await set_staff_chat(uow, admin_of[0], chat.id, is_admin=True)
    await reply(update, t(community.language, "reports.staffchat_done", community=community.name))


async def _administered(
    context: BotContext, candidates: list[Community], user_id: int
) -> list[Community]:
    """The candidates the user is an administrator of, asked a few at a time (each may be a
    getChatMember call), in the candidates' order."""
    at_once = asyncio.Semaphore(STAFFCHAT_CHECKS_AT_ONCE)

    async def is_admin(community: Community) -> bool:
        async with at_once:
            return (await actor_in(context, community, user_id)).is_admin

    verdicts = await asyncio.gather(*(is_admin(c) for c in candidates))
    return [c for c, admin in zip(candidates, verdicts, strict=True) if admin]


async def on_staff_button(update: Update, context: BotContext) -> None:
    """Acknowledge / In progress / Resolved / Reject (with its reasons), Note and Appointment,
    by admins and the building's reps. The card may be in the staff chat or in a private chat,
    so the presser is checked against the ticket's own community, and the press must be on one
    of the ticket's cards."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.REPORT_STAFF, 2)
    ticket_id = callbacks.int_arg(args[0]) if args else None
    code = args[1] if args else ""
    event = EVENTS_BY_CODE.get(code)
    if ticket_id is None or (event is None and code not in TOOLS) or query.message is None:
        raise UserError("common.stale_button")
    ticket, community = await ticket_and_community(context, ticket_id)
    async with context.services.uow() as uow:
        cards = await uow.reports.cards(ticket.id)
    pressed = (query.message.chat.id, query.message.message_id)
    require_card(query, pressed if pressed in cards else None)  # one of the ticket's staff cards
    actor = await actor_in(context, community, query.from_user.id)
    lang = await user_language(context, query.from_user)
    staff = Party.STAFF if is_staff_for(actor, ticket) else Party.OTHER
    if event is not None and event is not Event.REJECT:
        await act(
            context, community, ticket, query.from_user.id, display_name(query.from_user), event
        )
        async with context.services.uow() as uow:
            updated = await uow.reports.get(ticket.id)
        status = t(lang, f"ticket_status.{updated.status.value}") if updated else "-"
        await query.answer(t(lang, "reports.done", number=ticket.number, status=status))
        return
    if code.startswith("x"):
        next_status(ticket.status, Event.REJECT, staff)  # refused at once if it cannot be
    elif staff is not Party.STAFF:
        raise NotAllowed("reports.not_staff")
    elif not ticket.status.is_open:
        raise UserError("reports.not_open", number=ticket.number)
    if code in ("x", "t", "b"):  # a menu in place of the card's buttons, or back
        await _redraw_card(context, community, ticket, pressed, "" if code == "b" else code)
        await query.answer()
    elif code in ("x0", "t0", "m"):  # typed: a prompt to reply to
        kind = {"x0": "reject", "t0": "appointment", "m": "note"}[code]
        await _prompt(context, query.message.chat.id, ticket, query.from_user.id, kind, lang)
        await query.answer(
            t(lang, "reports.reason_asked" if code == "x0" else "reports.reply_asked")
        )
    elif code.startswith("x"):
        reason = t(community.language, f"reports.reason.{REJECT_REASONS[int(code[1:]) - 1]}")
        await act(
            context,
            community,
            ticket,
            query.from_user.id,
            display_name(query.from_user),
            Event.REJECT,
            note=reason,
        )
        status = t(lang, "ticket_status.rejected")
        await query.answer(t(lang, "reports.done", number=ticket.number, status=status))
    else:  # an appointment time from the presets
        slot = SLOTS[int(code[1:]) - 1]
        text = slot_text(slot, context.services.now(), community)
        await tell_reporter_now(
            context,
            community,
            ticket,
            query.from_user.id,
            display_name(query.from_user),
            "appointment",
            text,
        )
        await query.answer(t(lang, "reports.note_sent", number=ticket.number))


# the card's tools: the menus `x` / `t`, a preset `x1`…, `t1`…, typed `x0` / `t0`, Note `m`, Back
TOOLS = frozenset(
    ["x", "t", "m", "b", "x0", "t0"]
    + [f"x{i}" for i in range(1, len(REJECT_REASONS) + 1)]
    + [f"t{i}" for i in range(1, len(SLOTS) + 1)]
)


def slot_text(slot: str, now: datetime, community: Community) -> str:
    """A preset appointment in words, in the community's language: "tomorrow morning (23 Nov)"."""
    moment = now + timedelta(days=1) if slot.startswith("tomorrow") else now
    lang = community.language
    day = format_skeleton("MMMd", moment, tzinfo=ZoneInfo(community.timezone), locale=lang)
    return t(lang, f"reports.slot.{slot}") + t(lang, "reports.slot_day", day=day)


async def _redraw_card(
    context: BotContext,
    community: Community,
    ticket: Ticket,
    card: tuple[int, int],
    menu: str,
) -> None:
    async with context.services.uow() as uow:
        history = await uow.reports.history(ticket.id)
    text, _ = staff_card(ticket, history, community, context.services.now())
    keyboard = staff_keyboard(ticket, community.language, menu)
    await edit_text(context, card[0], card[1], text, reply_markup=keyboard)


async def _prompt(
    context: BotContext, chat_id: int, ticket: Ticket, user_id: int, kind: str, lang: Language
) -> None:
    key = {"reject": "reports.ask_reason", "note": "reports.ask_note"}.get(
        kind, "reports.ask_appointment"
    )
    prompt = await context.bot.send_message(
        chat_id,
        t(lang, key, number=ticket.number),
        reply_markup=ForceReply(selective=True, input_field_placeholder="…"),
    )
    await remember_prompt(context, prompt.chat_id, prompt.message_id, ticket.id, user_id, kind)


async def on_feedback(update: Update, context: BotContext) -> None:
    """The reporter's answer in two steps: "Fixed?" Yes (then ⭐1–5 confirm and rate) or Not
    fixed (reopens). An old one-step star button is not taken as a rating: it asks first."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.REPORT_FEEDBACK, 2)
    ticket_id = callbacks.int_arg(args[0]) if args else None
    answers = {"y", "n", "q", "1", "2", "3", "4", "5", "s1", "s2", "s3", "s4", "s5"}
    if args is None or ticket_id is None or args[1] not in answers:
        raise UserError("common.stale_button")
    require_private_screen(query)  # asked privately of the reporter
    ticket, community = await ticket_and_community(context, ticket_id)
    lang = await user_language(context, query.from_user)
    answer = args[1]
    if answer in ("y", "q", "1", "2", "3", "4", "5"):  # a question, not yet a change
        party = Party.REPORTER if query.from_user.id == ticket.reporter_id else Party.OTHER
        next_status(ticket.status, Event.CONFIRM, party)  # the reporter, of a resolved ticket
        if answer == "y":
            text, keyboard = (
                t(lang, "reports.ask_stars", number=ticket.number),
                stars_keyboard(ticket, lang),
            )
        else:
            text = t(
                lang, "reports.ask_fixed", number=ticket.number, category=category(ticket, lang)
            )
            keyboard = feedback_keyboard(ticket, lang)
        await query.answer(t(lang, "reports.answer_fixed_first") if answer.isdigit() else None)
        if query.message is not None:
            chat_id, message_id = query.message.chat.id, query.message.message_id
            await edit_text(context, chat_id, message_id, text, reply_markup=keyboard)
        return
    event = Event.REOPEN if answer == "n" else Event.CONFIRM
    rating = None if answer == "n" else int(answer[1:])
    await act(
        context,
        community,
        ticket,
        query.from_user.id,
        display_name(query.from_user),
        event,
        rating=rating,
    )
    text = (
        t(lang, "reports.reopened", number=ticket.number)
        if event is Event.REOPEN
        else t(lang, "reports.rated", number=ticket.number, rating=rating)
    )
    await query.answer(text)
    if query.message is not None:
        await edit_text(context, query.message.chat.id, query.message.message_id, text)


async def start_ticket_link(update: Update, context: BotContext, payload: str) -> None:
    """`/start ticket-<id>`: the reporter opens the private chat to confirm a resolved ticket."""
    user = update.effective_user
    assert user is not None
    ticket_id = whole_number(payload.removeprefix("ticket-"))
    if ticket_id is None:
        raise UserError("start.unknown_link")
    ticket, _ = await ticket_and_community(context, ticket_id)
    lang = await user_language(context, user)
    if ticket.reporter_id != user.id:
        raise NotAllowed("reports.not_reporter")
    text = t(lang, "reports.ask_fixed", number=ticket.number, category=category(ticket, lang))
    await reply(update, text, reply_markup=feedback_keyboard(ticket, lang))


async def _where_asked(update: Update, context: BotContext) -> tuple[Community, bool]:
    """The community of /reports or /ticket, and whether it was asked in its staff chat (whose
    members see every ticket, and are answered there)."""
    chat = update.effective_chat
    if chat is not None and not is_private(update):
        async with context.services.uow() as uow:
            staff_of = await uow.communities.by_staff_chat(chat.id)
        if staff_of is not None:  # a main group is never a staff chat (`set_staff_chat`)
            return staff_of, True
    community = await community_here(update, context, refusal="reports.which_community")
    return community, False


async def _answer_privately(
    update: Update, context: BotContext, community: Community, text: str, **kwargs: Any
) -> None:
    """In the main group, the answer goes to the sender privately (residents' units stay out of
    the group) and the group hears "sent privately", or gets the button to start a chat."""
    user = update.effective_user
    assert user is not None
    if is_private(update):
        await reply(update, text, **kwargs)
        return
    if await send_private(context, user.id, text, **kwargs):
        await reply(update, t(community.language, "reports.sent_privately"))
    else:
        await reply(
            update,
            t(community.language, "common.start_private_first"),
            reply_markup=open_private_button(context, community.language),
        )


async def cmd_reports(update: Update, context: BotContext) -> None:
    community, staff_chat = await _where_asked(update, context)
    user = update.effective_user
    assert user is not None
    actor = await actor_in(context, community, user.id)
    async with context.services.uow() as uow:
        tickets = await open_tickets_for(uow, community=community, actor=actor, sees_all=staff_chat)
    lang = community.language if staff_chat else await user_language(context, user)
    staff = staff_chat or actor.is_admin or actor.is_rep
    text = ticket_list(tickets, community, context.services.now(), lang, staff=staff)
    if staff_chat:
        await reply(update, text)
    else:
        await _answer_privately(update, context, community, text)


async def cmd_ticket(update: Update, context: BotContext) -> None:
    """`/ticket <n>`: the card and its history; `/ticket` alone: a picker of the open tickets
    the sender may see (their own; staff: those they may act on). Privately, except in the
    staff chat."""
    args = command_args(update)
    number = whole_number(args[0].removeprefix("#"), high=999_999_999) if len(args) == 1 else None
    if args and number is None:
        raise UserError("usage.ticket")
    community, staff_chat = await _where_asked(update, context)
    user = update.effective_user
    assert user is not None
    actor = await actor_in(context, community, user.id)
    lang = community.language if staff_chat else await user_language(context, user)
    if number is None:
        async with context.services.uow() as uow:
            found = await open_tickets_for(
                uow, community=community, actor=actor, sees_all=staff_chat
            )
        tickets = [t for t in found if t.status.is_open]
        if not tickets:
            text = t(lang, "reports.pick_none", community=community.name)
            await (
                reply(update, text)
                if staff_chat
                else _answer_privately(update, context, community, text)
            )
            return
        keyboard = picker_keyboard(tickets, lang)
        text = t(lang, "reports.pick", community=community.name)
        if staff_chat:
            await reply(update, text, reply_markup=keyboard)
        else:
            await _answer_privately(update, context, community, text, reply_markup=keyboard)
        return
    async with context.services.uow() as uow:
        ticket, history = await visible_ticket(
            uow, community=community, number=number, actor=actor, sees_all=staff_chat
        )
    if staff_chat:
        text, _ = staff_card(ticket, history, community, context.services.now())
        await reply(update, text)
        return
    await _show_ticket(update, context, community, ticket, actor_staff=is_staff_for(actor, ticket))


async def _show_ticket(
    update: Update, context: BotContext, community: Community, ticket: Ticket, *, actor_staff: bool
) -> None:
    """The card, privately. Staff get its buttons there: it becomes one of the ticket's cards,
    kept up to date like the others."""
    user = update.effective_user
    assert user is not None
    async with context.services.uow() as uow:
        history = await uow.reports.history(ticket.id)
    text, keyboard = staff_card(ticket, history, community, context.services.now())
    if not actor_staff or keyboard is None:
        await _answer_privately(update, context, community, text)
        return
    try:
        card = await context.bot.send_message(user.id, text, reply_markup=keyboard)
    except (Forbidden, BadRequest):
        await reply(
            update,
            t(community.language, "common.start_private_first"),
            reply_markup=open_private_button(context, community.language),
        )
        return
    async with context.services.uow() as uow:
        await uow.reports.add_card(ticket.id, card.chat_id, card.message_id)
        await uow.commit()
    if not is_private(update):
        await reply(update, t(community.language, "reports.sent_privately"))


async def on_pick_ticket(update: Update, context: BotContext) -> None:
    """A ticket picked from /ticket's list: shown like `/ticket <n>`, checked again."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.REPORT_VIEW, 1)
    ticket_id = callbacks.int_arg(args[0]) if args else None
    if ticket_id is None or query.message is None:
        raise UserError("common.stale_button")
    ticket, community = await ticket_and_community(context, ticket_id)
    actor = await actor_in(context, community, query.from_user.id)
    staff_chat = query.message.chat.id == community.staff_chat_id
    if not staff_chat and not is_private(update):  # a picker is sent privately or to staff
        raise UserError("common.stale_button")
    async with context.services.uow() as uow:
        ticket, history = await visible_ticket(
            uow, community=community, number=ticket.number, actor=actor, sees_all=staff_chat
        )
    if staff_chat:
        text, _ = staff_card(ticket, history, community, context.services.now())
        await send_text(context, query.message.chat.id, text)
    else:
        await _show_ticket(
            update, context, community, ticket, actor_staff=is_staff_for(actor, ticket)
        )
    await query.answer()


async def cmd_export_reports(update: Update, context: BotContext) -> None:
    """`/export reports` (admins): every ticket as CSV, privately (`handlers/reports/export.py`)."""
    community = await require_community(update, context)
    user = update.effective_user
    assert user is not None
    actor = await actor_in(context, community, user.id)
    if not actor.is_admin:
        raise NotAllowed("reports.export_not_admin")
    async with context.services.uow() as uow:
        tickets = await uow.reports.of_community(community.id)
    lang = await user_language(context, user)
    document = InputFile(tickets_csv(tickets, community), filename=f"reports-{community.id}.csv")
    caption = t(lang, "reports.export_caption", community=community.name, count=len(tickets))
    await send_files_privately(
        update, context, community, [(document, caption)], sent="reports.export_sent"
    )


async def cmd_start_with_payload(update: Update, context: BotContext) -> None:
    args = command_args(update)
    payload = args[0] if args else ""
    if payload.startswith("report-"):
        await start_from_link(update, context, payload)
    else:
        await start_ticket_link(update, context, payload)


def register_start_links(app: BotApplication) -> None:
    """Before the plain /start: `report-<community>` and `ticket-<id>` deep links."""
    links = filters.ChatType.PRIVATE & filters.Regex(r"^/start(@\w+)? (report|ticket)-")
    app.add_handler(CommandHandler("start", cmd_start_with_payload, filters=links))


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("report", cmd_report))
    app.add_handler(CommandHandler("staffchat", cmd_staffchat))
    app.add_handler(CommandHandler("reports", cmd_reports))
    app.add_handler(CommandHandler("ticket", cmd_ticket))
    app.add_handler(
        CallbackQueryHandler(on_staff_button, pattern=callbacks.pattern(callbacks.REPORT_STAFF))
    )
    app.add_handler(
        CallbackQueryHandler(on_feedback, pattern=callbacks.pattern(callbacks.REPORT_FEEDBACK))
    )
    app.add_handler(
        CallbackQueryHandler(on_pick_ticket, pattern=callbacks.pattern(callbacks.REPORT_VIEW))
    )
    app.add_handler(
        MessageHandler(
            filters.REPLY & filters.TEXT & ~filters.COMMAND & filters.ChatType.GROUPS, on_reason
        )
    )


async def on_reason(update: Update, context: BotContext) -> None:
    """A reply in a group: perhaps the reason for rejecting a ticket (else nothing to do)."""
    await take_reason(update, context)
