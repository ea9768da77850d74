"""`/start` (with deep-link payloads), the role-aware `/help`, and the answers to everything
the bot does not understand: unknown commands, stray text in private, stale buttons."""

from __future__ import annotations

from telegram import Update, User
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.errors import UserError
from bot.i18n import t, whole_number
from bot.notices.cases import note_private_chat
from bot.roles.model import Role
from handlers.common import (
    actor_in,
    chat_language,
    command_args,
    community_of_chat,
    display_name,
    is_private,
    reply,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.menus import Audience, help_text, home_keyboard_for
from handlers.residents.buttons import buildings_keyboard

JOIN_PAYLOAD = "join-"


async def _audience(update: Update, context: BotContext) -> Audience:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return Audience.EVERYONE
    if not is_private(update):
        community = await community_of_chat(context, chat.id)
        if community is None:
            return Audience.EVERYONE
        actor = await actor_in(context, community, user.id)
        if actor.is_admin:
            return Audience.ADMIN
        if actor.is_committee:
            return Audience.COMMITTEE
        return Audience.REP if actor.is_rep else Audience.EVERYONE
    async with context.services.uow() as uow:
        grants = await uow.roles.of_user(user.id)
    roles = {g.role for g in grants}
    if Role.ADMIN in roles:
        return Audience.ADMIN
    if Role.COMMITTEE in roles:
        return Audience.COMMITTEE
    return Audience.REP if Role.REP in roles else Audience.EVERYONE


async def cmd_help(update: Update, context: BotContext) -> None:
    lang = await chat_language(update, context)
    private = is_private(update)
    await reply(
        update,
        help_text(lang, private=private, audience=await _audience(update, context)),
        reply_markup=await home_keyboard_for(context, update.effective_user.id, lang)
        if private and update.effective_user is not None
        else None,
    )


async def _first_screen(update: Update, context: BotContext, user: User) -> None:
    """/start in private: one line saying what to press. Not yet living anywhere but sent here
    by a group's link before: that community's building buttons; else the home keyboard."""
    async with context.services.uow() as uow:
        live = await uow.residents.live_of_user(user.id)
        profile = await uow.users.get(user.id)
        chosen = (
            await uow.communities.get(profile.context_community_id)
            if not live and profile is not None and profile.context_community_id is not None
            else None
        )
    lang = await user_language(context, user)
    if chosen is not None:
        keyboard = await buildings_keyboard(context, chosen, lang)
        await reply(
            update, t(lang, "start.join_context", community=chosen.name), reply_markup=keyboard
        )
        return
    key = "start.home" if live else "start.home_new"
    await reply(update, t(lang, key), reply_markup=await home_keyboard_for(context, user.id, lang))


async def cmd_start(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None
    args = command_args(update)
    if is_private(update):  # the bot may write to this user privately from now on
        async with context.services.uow() as uow:
            await note_private_chat(uow, user.id, reachable=True, now=context.services.now())
    if is_private(update) and args and args[0].startswith(JOIN_PAYLOAD):
        community_id = whole_number(args[0].removeprefix(JOIN_PAYLOAD))
        async with context.services.uow() as uow:
            community = (
                await uow.communities.get(community_id) if community_id is not None else None
            )
            if community is not None:
                await uow.users.remember(user.id, display_name(user), now=context.services.now())
                await uow.users.set_context(user.id, community.id)
                await uow.commit()
        lang = await user_language(context, user)
        if community is None:
            raise UserError("start.unknown_link")
        keyboard = await buildings_keyboard(context, community, lang)
        await reply(
            update, t(lang, "start.join_context", community=community.name), reply_markup=keyboard
        )
        return
    if is_private(update):
        await _first_screen(update, context, user)
        return
    await cmd_help(update, context)


async def on_unknown_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    command = message.text.split()[0]
    if "@" in command and command.split("@", 1)[1].lower() != (context.bot.username or "").lower():
        return  # meant for another bot in the group
    lang = await chat_language(update, context)
    await reply(update, t(lang, "common.unknown_command", command=command.split("@", 1)[0]))


async def on_private_text(update: Update, context: BotContext) -> None:
    await reply(update, t(await chat_language(update, context), "common.use_commands"))


async def on_stale_button(update: Update, context: BotContext) -> None:
    raise UserError("common.stale_button")


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("start", cmd_start))
    app.add_handler(CommandHandler("help", cmd_help))


def register_fallbacks(app: BotApplication) -> None:
    """Last in the chain: only what no other handler took arrives here."""
    app.add_handler(MessageHandler(filters.COMMAND, on_unknown_command))
    app.add_handler(CallbackQueryHandler(on_stale_button))
