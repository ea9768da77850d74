"""/unread <n>: who has not confirmed a notice, answered only privately (residents' households
stay out of the group), with the deep link when the asker never started the bot; and its
Remind them button."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.errors import UserError
from bot.i18n import t, whole_number
from bot.notices.cases import notice_of, remind_unread, unread_households
from handlers import callbacks
from handlers.common import (
    actor_in,
    command_args,
    community_here,
    is_private,
    open_private_button,
    reply,
    require_private_screen,
    send_private,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.notices.render import unread_text


async def cmd_unread(update: Update, context: BotContext) -> None:
    """The author, the building's reps and admins: the households that have not confirmed,
    by building and unit, reachable or not; sent privately."""
    community = await community_here(update, context, refusal="common.which_community")
    user = update.effective_user
    assert user is not None
    args = command_args(update)
    number_ = whole_number(args[0].lstrip("#")) if len(args) == 1 else None
    if number_ is None:
        raise UserError("usage.unread")
    actor = await actor_in(context, community, user.id)
    async with context.services.uow() as uow:
        notice = await notice_of(uow, community, number_=number_)
        unread = await unread_households(uow, community=community, actor=actor, notice=notice)
    lang = await user_language(context, user)
    text, keyboard = unread_text(unread, lang)
    if is_private(update):
        await reply(update, text, reply_markup=keyboard)
        return
    group_lang = community.language
    if await send_private(context, user.id, text[:4000], reply_markup=keyboard):
        await reply(update, t(group_lang, "notices.unread_sent_privately"))
    else:
        await reply(
            update,
            t(group_lang, "common.start_private_first"),
            reply_markup=open_private_button(context, group_lang),
        )


async def on_remind(update: Update, context: BotContext) -> None:
    """Remind them, pressed on the private /unread list: the reminders go through the outbox;
    once per notice every 6 hours."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.NOTICE_REMIND, 1)
    notice_id = callbacks.int_arg(args[0]) if args else None
    if notice_id is None:
        raise UserError("common.stale_button")
    require_private_screen(query)
    async with context.services.uow() as uow:
        notice = await uow.notices.get(notice_id)
        community = await uow.communities.get(notice.community_id) if notice else None
    if community is None:
        raise UserError("common.stale_button")
    actor = await actor_in(context, community, query.from_user.id)
    async with context.services.uow() as uow:
        reminded = await remind_unread(
            uow, community=community, actor=actor, notice_id=notice_id, now=context.services.now()
        )
    context.services.wake_outbox()
    lang = await user_language(context, query.from_user)
    await query.answer(
        t(lang, "notices.reminded", people=reminded.people, households=reminded.households)
    )


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("unread", cmd_unread))
    app.add_handler(
        CallbackQueryHandler(on_remind, pattern=callbacks.pattern(callbacks.NOTICE_REMIND))
    )
