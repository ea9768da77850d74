"""Being added to a group, and `/setup <name>` binding the group as a community."""

from __future__ import annotations

import logging

from telegram import (
    ChatMember,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.communities.cases import setup_community
from bot.communities.model import Community
from bot.config import Language
from bot.errors import UserError
from bot.i18n import t
from bot.outbox import OutboxEntry
from handlers.common import (
    chat_language,
    command_text,
    community_of_chat,
    deep_link,
    edit_text,
    follow_chat,
    is_chat_admin,
    is_private,
    pin_message,
    reply,
    send_text,
    sent_by_anonymous_admin,
)
from handlers.context import BotApplication, BotContext
from handlers.start import JOIN_PAYLOAD
from handlers.votes.private import VOTES_PAYLOAD

log = logging.getLogger(__name__)

_PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)


def _was_added(change: ChatMemberUpdated) -> bool:
    return (
        change.old_chat_member.status not in _PRESENT and change.new_chat_member.status in _PRESENT
    )


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    """Greet a group the bot was added to, with how to set it up (in both languages)."""
    change = update.my_chat_member
    if change is None or change.chat.type == "private" or not _was_added(change):
        return
    community = await community_of_chat(context, change.chat.id)
    if community is not None:
        text = t(community.language, "setup.welcome_back", name=community.name)
    else:
        first = context.services.settings.bot_language
        second: Language = "en" if first == "zh" else "zh"
        text = f"{t(first, 'setup.greeting')}\n\n{t(second, 'setup.greeting')}"
    await context.bot.send_message(change.chat.id, text)


async def cmd_setup(update: Update, context: BotContext) -> None:
    """`/setup <name>` by the group's creator or an administrator; again to rename."""
    if is_private(update):
        raise UserError("setup.in_group_only")
    message = update.effective_message
    chat = update.effective_chat
    user = update.effective_user
    assert message is not None and chat is not None and user is not None
    name = command_text(update)
    admin = sent_by_anonymous_admin(message) or await is_chat_admin(context, chat.id, user.id)
    settings = context.services.settings
    async with context.services.uow() as uow:
        result = await setup_community(
            uow,
            chat_id=chat.id,
            name=name,
            is_chat_admin=admin,
            user_id=user.id,
            language=settings.bot_language,
            timezone=settings.bot_timezone,
            now=context.services.now(),
        )
    community = result.community
    lang = await chat_language(update, context)
    if result.created:
        await reply(update, t(lang, "setup.done", name=community.name))
    else:
        await reply(
            update, t(lang, "setup.renamed", old=result.old_name or "", name=community.name)
        )
    context.services.wake_outbox()  # the front door, written with the setup


def front_door_keyboard(
    context: BotContext, community: Community, lang: Language
) -> InlineKeyboardMarkup:
    """Deep links into the private chat: join by buttons, the repair form, the open votes."""
    links = (
        ("setup.join_button", f"{JOIN_PAYLOAD}{community.id}"),
        ("setup.report_button", f"report-{community.id}"),
        ("setup.votes_button", f"{VOTES_PAYLOAD}{community.id}"),
    )
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t(lang, key), url=deep_link(context, payload))]
            for key, payload in links
        ]
    )


async def deliver_front_door(context: BotContext, entry: OutboxEntry) -> None:
    """The group's "start here" message, pinned: posted once and its message stored, so the
    entry tried again after a crash, or a later /setup, redraws that message (a new one only
    if it was deleted) and pins it again. A pin the bot may not make is told to the group, and
    the message stays unpinned; a timeout or a flood limit is raised, so the outbox tries again."""
    async with context.services.uow() as uow:
        community = await uow.communities.get(entry.intent.subject)
        stored = await uow.communities.front_door(community.id) if community else None
    if community is None:
        return
    lang = community.language
    text = t(lang, "setup.front_door", name=community.name)
    keyboard = front_door_keyboard(context, community, lang)
    door = await _redraw(context, stored, text, keyboard) if stored else None
    if door is None:
        posted = await send_text(context, community.chat_id, text, reply_markup=keyboard)
        door = (posted.chat_id, posted.message_id)
        async with context.services.uow() as uow:
            await uow.communities.set_front_door(community.id, *door)
            await uow.commit()
    what = f"the start-here message of community {community.id}"
    if not await pin_message(context, door[0], door[1], what=what):
        await send_text(context, door[0], t(lang, "setup.pin_failed"))


async def _redraw(
    context: BotContext, stored: tuple[int, int], text: str, keyboard: InlineKeyboardMarkup
) -> tuple[int, int] | None:
    """The stored message redrawn; None if it can no longer be edited (deleted, too old)."""
    try:
        await edit_text(context, stored[0], stored[1], text, reply_markup=keyboard)
    except BadRequest as exc:
        log.info("the start-here message %s can no longer be edited: %s", stored, exc)
        return None
    return stored


async def on_chat_migrated(update: Update, context: BotContext) -> None:
    """Telegram moved the group to a supergroup with a new id: the community whose group it
    is, and the communities whose staff chat it is, stay bound to it."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    await follow_chat(context, old, new)


def register(app: BotApplication) -> None:
    app.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(CommandHandler("setup", cmd_setup))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_chat_migrated))
