"""`/lang zh|en`: for oneself in a private chat, for the community in its group (admins)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.communities.cases import set_community_language
from bot.config import Language
from bot.errors import UserError
from bot.i18n import LANGUAGES, parse_language, t
from handlers import callbacks
from handlers.common import (
    actor_in,
    chat_language,
    command_args,
    community_of_chat,
    display_name,
    edit_text,
    is_private,
    reply,
    require_community,
    require_own_keyboard,
    sent_by_anonymous_admin,
)
from handlers.context import BotApplication, BotContext


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "lang.name"), callback_data=callbacks.pack(callbacks.LANGUAGE, lang)
                )
                for lang in LANGUAGES
            ]
        ]
    )


async def _apply(update: Update, context: BotContext, language: Language) -> str:
    """Set the language where the update came from; the confirmation in that language."""
    user = update.effective_user
    assert user is not None
    if is_private(update):
        async with context.services.uow() as uow:
            await uow.users.remember(user.id, display_name(user), now=context.services.now())
            await uow.users.set_language(user.id, language)
            await uow.commit()
        return t(language, "lang.user_set")
    community = await require_community(update, context)
    admin = (
        sent_by_anonymous_admin(update.effective_message)
        or (await actor_in(context, community, user.id)).is_admin
    )
    async with context.services.uow() as uow:
        await set_community_language(uow, community, language, is_admin=admin)
    return t(language, "lang.community_set", name=community.name)


async def cmd_lang(update: Update, context: BotContext) -> None:
    args = command_args(update)
    if not args:
        await reply(
            update,
            t(await chat_language(update, context), "lang.choose"),
            reply_markup=language_keyboard(),
        )
        return
    language = parse_language(args[0])
    if language is None:
        raise UserError("usage.lang")
    await reply(update, await _apply(update, context, language))


async def on_language(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    args = callbacks.unpack(query.data, callbacks.LANGUAGE, 1)
    language = parse_language(args[0]) if args else None
    if language is None or query.message is None:
        raise UserError("common.stale_button")
    require_own_keyboard(query)  # the picker is not stored: it must carry this button
    if not is_private(update) and await community_of_chat(context, query.message.chat.id) is None:
        raise UserError("common.not_set_up")
    text = await _apply(update, context, language)
    await query.answer(text)
    await edit_text(context, query.message.chat.id, query.message.message_id, text)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("lang", cmd_lang))
    app.add_handler(
        CallbackQueryHandler(on_language, pattern=callbacks.pattern(callbacks.LANGUAGE))
    )
