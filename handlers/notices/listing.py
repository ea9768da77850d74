"""/notices (group or private): the recent and scheduled notices, with Cancel for a scheduled
one and Withdraw for a published one; both buttons re-check the presser, the community and the
notice's state when pressed."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.communities.model import Community
from bot.errors import UserError
from bot.i18n import t
from bot.notices.cases import cancel_notice, notice_of, recent_notices, withdraw_notice
from bot.roles.model import Actor
from handlers import callbacks
from handlers.common import (
    actor_in,
    community_here,
    is_private,
    reply,
    require_own_keyboard,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.notices.jobs import unschedule_publish
from handlers.notices.render import notices_list


async def cmd_notices(update: Update, context: BotContext) -> None:
    community = await community_here(update, context, refusal="common.which_community")
    user = update.effective_user
    assert user is not None
    actor = await actor_in(context, community, user.id)
    lang = await user_language(context, user) if is_private(update) else community.language
    async with context.services.uow() as uow:
        listed = await recent_notices(uow, community=community, now=context.services.now())
    text, keyboard = notices_list(listed, community, actor, lang)
    await reply(update, text, reply_markup=keyboard)


async def _pressed(update: Update, context: BotContext, kind: str) -> tuple[int, Community, Actor]:
    """The notice of a /notices button, its community (the notice's own) and the presser."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, kind, 1)
    notice_id = callbacks.int_arg(args[0]) if args else None
    if notice_id is None:
        raise UserError("common.stale_button")
    require_own_keyboard(query)
    async with context.services.uow() as uow:
        notice = await uow.notices.get(notice_id)
        community = await uow.communities.get(notice.community_id) if notice else None
    message = query.message
    if notice is None or community is None or message is None:
        raise UserError("common.stale_button")
    if message.chat.id != community.chat_id and message.chat.id != query.from_user.id:
        raise UserError("common.stale_button")  # the list of another group
    return notice_id, community, await actor_in(context, community, query.from_user.id)


async def on_cancel(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    notice_id, community, actor = await _pressed(update, context, callbacks.NOTICE_CANCEL)
    async with context.services.uow() as uow:
        notice = await cancel_notice(
            uow, community=community, actor=actor, notice_id=notice_id, now=context.services.now()
        )
    unschedule_publish(context, notice.id)
    lang = await user_language(context, query.from_user)
    await query.answer(t(lang, "notices.cancelled", number=notice.number))


async def on_withdraw(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    notice_id, community, actor = await _pressed(update, context, callbacks.NOTICE_WITHDRAW)
    async with context.services.uow() as uow:
        notice = await notice_of(uow, community, notice_id=notice_id)
        await withdraw_notice(
            uow, community=community, actor=actor, notice=notice, now=context.services.now()
        )
    context.services.wake_outbox()  # the card redrawn as withdrawn, the copies edited
    lang = await user_language(context, query.from_user)
    await query.answer(t(lang, "notices.withdrawn", number=notice.number))


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("notices", cmd_notices))
    app.add_handler(
        CallbackQueryHandler(on_cancel, pattern=callbacks.pattern(callbacks.NOTICE_CANCEL))
    )
    app.add_handler(
        CallbackQueryHandler(on_withdraw, pattern=callbacks.pattern(callbacks.NOTICE_WITHDRAW))
    )
