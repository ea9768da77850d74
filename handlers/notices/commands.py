"""/notice in the group, the Read button, and the card's delivery and redraws."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.errors import NotFound, UserError
from bot.i18n import t
from bot.notices.cases import attach_notice_card, confirm_read, post_notice, read_count
from bot.outbox import OutboxEntry
from bot.ports import UnitOfWork
from bot.roles.model import Actor
from handlers import callbacks
from handlers.common import (
    actor_in,
    command_text,
    community_of_chat,
    edit_text,
    require_card,
    require_community,
    send_text,
    sent_by_anonymous_admin,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.live_cards import Card
from handlers.notices.render import notice_card


async def render_notice_card(uow_factory: Callable[[], UnitOfWork], notice_id: int) -> Card | None:
    """The notice card's latest state, for LiveCards."""
    async with uow_factory() as uow:
        notice = await uow.notices.get(notice_id)
        community = await uow.communities.get(notice.community_id) if notice else None
        if notice is None or community is None or notice.card is None:
            return None
        count = await read_count(uow, notice)
    text, keyboard = notice_card(notice, count, community)
    return Card(notice.card[0], notice.card[1], text, keyboard)


async def cmd_notice(update: Update, context: BotContext) -> None:
    """`/notice [building 3 | 楼栋 3 | 3号楼] <text>` (reps for their buildings, committee,
    admins): the notice and its card, written into the outbox together."""
    community = await require_community(update, context)
    user = update.effective_user
    assert user is not None
    if sent_by_anonymous_admin(update.effective_message):  # writes as the group itself
        actor = Actor(user.id, is_chat_admin=True)
    else:
        actor = await actor_in(context, community, user.id)
    async with context.services.uow() as uow:
        await post_notice(
            uow,
            community=community,
            actor=actor,
            text=command_text(update),
            now=context.services.now(),
        )
    context.services.wake_outbox()  # the card with Read, written with the notice


async def deliver_notice_card(context: BotContext, entry: OutboxEntry) -> None:
    """Post the notice's card with Read if it has none, else redraw it (never twice)."""
    services = context.services
    async with services.uow() as uow:
        notice = await uow.notices.get(entry.intent.subject)
        community = await uow.communities.get(notice.community_id) if notice else None
        if notice is None or community is None:
            return
        count = await read_count(uow, notice)
    text, keyboard = notice_card(notice, count, community)
    if notice.card is not None:
        await edit_text(context, notice.card[0], notice.card[1], text, reply_markup=keyboard)
        return
    card = await send_text(context, community.chat_id, text, reply_markup=keyboard)
    async with services.uow() as uow:
        await attach_notice_card(uow, notice.id, card.chat_id, card.message_id)


async def on_read(update: Update, context: BotContext) -> None:
    """Read, pressed on a notice card: the presser's household in scope confirms it, once."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.NOTICE_READ, 1)
    notice_id = callbacks.int_arg(args[0]) if args else None
    if notice_id is None or query.message is None:
        raise UserError("common.stale_button")
    community = await community_of_chat(context, query.message.chat.id)
    if community is None:
        raise NotFound("notices.not_found")
    async with context.services.uow() as uow:
        pressed = await uow.notices.get(notice_id)
        if pressed is not None and pressed.community_id == community.id:
            require_card(query, pressed.card)
        result = await confirm_read(
            uow,
            community=community,
            notice_id=notice_id,
            user_id=query.from_user.id,
            now=context.services.now(),
        )
    if not result.already:
        context.services.notice_cards.touch(notice_id)
    lang = await user_language(context, query.from_user)
    key = "notices.already" if result.already else "notices.confirmed"
    await query.answer(t(lang, key, households=", ".join(result.households)))


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("notice", cmd_notice))
    app.add_handler(CallbackQueryHandler(on_read, pattern=callbacks.pattern(callbacks.NOTICE_READ)))
