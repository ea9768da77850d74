"""A step on a ticket, from whichever button or reply it came: the use case, which writes into
the outbox every card's redraw and everyone concerned to be told. Also the staff's reply
giving a reason for rejecting."""

from __future__ import annotations

from telegram import Update

from bot.communities.model import Community
from bot.errors import NotFound
from bot.i18n import t
from bot.reports.cases import act_on_ticket, tell_reporter
from bot.reports.model import Event, Ticket
from handlers.common import actor_in, display_name, reply, user_language
from handlers.context import BotContext
from handlers.reports.jobs import arm_report_timers


async def ticket_and_community(context: BotContext, ticket_id: int) -> tuple[Ticket, Community]:
    async with context.services.uow() as uow:
        ticket = await uow.reports.get(ticket_id)
        community = await uow.communities.get(ticket.community_id) if ticket else None
    if ticket is None or community is None:
        raise NotFound("reports.not_found")
    return ticket, community


async def act(
    context: BotContext,
    community: Community,
    ticket: Ticket,
    user_id: int,
    user_name: str,
    event: Event,
    *,
    note: str = "",
    rating: int | None = None,
) -> Ticket:
    actor = await actor_in(context, community, user_id)
    async with context.services.uow() as uow:
        change = await act_on_ticket(
            uow,
            community=community,
            ticket_id=ticket.id,
            actor=actor,
            actor_name=user_name,
            event=event,
            note=note,
            rating=rating,
            now=context.services.now(),
        )
    arm_report_timers(context)
    context.services.wake_outbox()  # the cards redrawn, everyone concerned told
    return change.ticket


async def remember_prompt(
    context: BotContext, chat_id: int, message_id: int, ticket_id: int, user_id: int, kind: str
) -> None:
    """A prompt waiting for this staff member's typed reason (kind "reject") or message to the
    reporter ("note", "appointment"): stored in SQLite, so a restart does not forget it."""
    async with context.services.uow() as uow:
        await uow.reports.add_prompt(
            chat_id, message_id, ticket_id, user_id, kind, now=context.services.now()
        )
        await uow.commit()


async def tell_reporter_now(
    context: BotContext,
    community: Community,
    ticket: Ticket,
    user_id: int,
    user_name: str,
    kind: str,
    text: str,
) -> None:
    actor = await actor_in(context, community, user_id)
    async with context.services.uow() as uow:
        await tell_reporter(
            uow,
            community=community,
            ticket_id=ticket.id,
            actor=actor,
            actor_name=user_name,
            kind=kind,
            text=text,
            now=context.services.now(),
        )
    context.services.wake_outbox()  # the reporter told, the cards redrawn


async def take_reason(update: Update, context: BotContext) -> bool:
    """If this message answers one of our prompts (a reply to it, by the staff member it asked),
    reject with the reason or send the note; else False. The prompt is used up on success."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.reply_to_message is None or not message.text:
        return False
    key = (message.chat.id, message.reply_to_message.message_id)
    async with context.services.uow() as uow:
        pending = await uow.reports.prompt(*key)
    if pending is None or pending[1] != user.id:
        return False
    ticket_id, _, kind = pending
    ticket, community = await ticket_and_community(context, ticket_id)
    lang = await user_language(context, user)
    if kind == "reject":
        await act(
            context, community, ticket, user.id, display_name(user), Event.REJECT, note=message.text
        )
        text = t(
            lang, "reports.done", number=ticket.number, status=t(lang, "ticket_status.rejected")
        )
    else:
        await tell_reporter_now(
            context, community, ticket, user.id, display_name(user), kind, message.text
        )
        text = t(lang, "reports.note_sent", number=ticket.number)
    async with context.services.uow() as uow:
        await uow.reports.drop_prompt(*key)
        await uow.commit()
    await reply(update, text)
    return True
