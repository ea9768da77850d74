"""Repair reports outside the private form: /report in the group (a button to the form, or a
quick report with text), /staffchat, the staff buttons (Reject asks for a reason), the
reporter's "Is it fixed?" buttons, /reports, /ticket and /export reports."""

from __future__ import annotations

import asyncio
import logging

from telegram import ForceReply, InputFile, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.communities.model import Community
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
from bot.reports.model import Category, Event, Location, Party, next_status
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
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.format import csv_file
from handlers.reports.actions import act, remember_reason_prompt, take_reason, ticket_and_community
from handlers.reports.form import begin, start_from_link
from handlers.reports.jobs import arm_report_timers
from handlers.reports.render import (
    EVENTS_BY_CODE,
    category,
    feedback_keyboard,
    staff_card,
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
    """Acknowledge / In progress / Resolved / Reject, by admins and the building's reps. The
    card may be in the staff chat or in a private chat, so the presser is checked against the
    ticket's own community."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.REPORT_STAFF, 2)
    ticket_id = callbacks.int_arg(args[0]) if args else None
    event = EVENTS_BY_CODE.get(args[1]) if args else None
    if ticket_id is None or event is None or query.message is None:
        raise UserError("common.stale_button")
    ticket, community = await ticket_and_community(context, ticket_id)
    async with context.services.uow() as uow:
        cards = await uow.reports.cards(ticket.id)
    pressed = (query.message.chat.id, query.message.message_id)
    require_card(query, pressed if pressed in cards else None)  # one of the ticket's staff cards
    actor = await actor_in(context, community, query.from_user.id)
    if event is Event.REJECT:
        next_status(
            ticket.status, event, Party.STAFF if is_staff_for(actor, ticket) else Party.OTHER
        )
        lang = await user_language(context, query.from_user)
        prompt = await context.bot.send_message(
            query.message.chat.id,
            t(lang, "reports.ask_reason", number=ticket.number),
            reply_markup=ForceReply(input_field_placeholder="…"),
        )
        remember_reason_prompt(
            context, prompt.chat_id, prompt.message_id, ticket.id, query.from_user.id
        )
        await query.answer(t(lang, "reports.reason_asked"))
        return
    await act(context, community, ticket, query.from_user.id, display_name(query.from_user), event)
    lang = await user_language(context, query.from_user)
    async with context.services.uow() as uow:
        updated = await uow.reports.get(ticket.id)
    status = t(lang, f"ticket_status.{updated.status.value}") if updated else "-"
    await query.answer(t(lang, "reports.done", number=ticket.number, status=status))


async def on_feedback(update: Update, context: BotContext) -> None:
    """The reporter's ⭐1–5 (fixed) or "Not fixed" (reopens)."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.REPORT_FEEDBACK, 2)
    ticket_id = callbacks.int_arg(args[0]) if args else None
    if args is None or ticket_id is None or args[1] not in {"1", "2", "3", "4", "5", "n"}:
        raise UserError("common.stale_button")
    require_private_screen(query)  # asked privately of the reporter
    ticket, community = await ticket_and_community(context, ticket_id)
    event = Event.REOPEN if args[1] == "n" else Event.CONFIRM
    rating = None if args[1] == "n" else int(args[1])
    await act(
        context,
        community,
        ticket,
        query.from_user.id,
        display_name(query.from_user),
        event,
        rating=rating,
    )
    lang = await user_language(context, query.from_user)
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


async def cmd_reports(update: Update, context: BotContext) -> None:
    community = await community_here(update, context, refusal="reports.which_community")
    user = update.effective_user
    assert user is not None
    actor = await actor_in(context, community, user.id)
    async with context.services.uow() as uow:
        tickets = await open_tickets_for(uow, community=community, actor=actor)
    lang = await user_language(context, user) if is_private(update) else community.language
    staff = actor.is_admin or actor.is_rep
    await reply(update, ticket_list(tickets, community, context.services.now(), lang, staff=staff))


async def cmd_ticket(update: Update, context: BotContext) -> None:
    args = command_args(update)
    number = whole_number(args[0].removeprefix("#"), high=999_999_999) if len(args) == 1 else None
    if number is None:
        raise UserError("usage.ticket")
    community = await community_here(update, context, refusal="reports.which_community")
    user = update.effective_user
    assert user is not None
    actor = await actor_in(context, community, user.id)
    async with context.services.uow() as uow:
        ticket, history = await visible_ticket(uow, community=community, number=number, actor=actor)
    text, _ = staff_card(ticket, history, community, context.services.now())
    await reply(update, text)


async def cmd_export_reports(update: Update, context: BotContext) -> None:
    """`/export reports` (admins): every ticket as CSV, privately."""
    community = await require_community(update, context)
    user = update.effective_user
    assert user is not None
    actor = await actor_in(context, community, user.id)
    if not actor.is_admin:
        raise NotAllowed("reports.export_not_admin")
    async with context.services.uow() as uow:
        tickets = await uow.reports.of_community(community.id)
    header = (
        "ticket",
        "category",
        "building",
        "unit",
        "status",
        "reported_at",
        "acknowledged_at",
        "resolved_at",
        "rating",
        "affected_households",
    )
    rows = [
        (
            ticket.number,
            ticket.category.value,
            ticket.location.building or "",
            ticket.location.unit or "",
            ticket.status.value,
            ticket.created_at.isoformat(),
            ticket.acknowledged_at.isoformat() if ticket.acknowledged_at else "",
            ticket.resolved_at.isoformat() if ticket.resolved_at else "",
            ticket.rating or "",
            ticket.affected,
        )
        for ticket in tickets
    ]
    lang = await user_language(context, user)
    try:
        await context.bot.send_document(
            user.id,
            InputFile(csv_file(header, rows), filename=f"reports-{community.id}.csv"),
            caption=t(lang, "reports.export_caption", community=community.name, count=len(tickets)),
        )
    except (Forbidden, BadRequest):
        await reply(
            update,
            t(community.language, "common.start_private_first"),
            reply_markup=open_private_button(context, community.language),
        )
        return
    await reply(update, t(community.language, "reports.export_sent"))


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
        MessageHandler(
            filters.REPLY & filters.TEXT & ~filters.COMMAND & filters.ChatType.GROUPS, on_reason
        )
    )


async def on_reason(update: Update, context: BotContext) -> None:
    """A reply in a group: perhaps the reason for rejecting a ticket (else nothing to do)."""
    await take_reason(update, context)
