"""Helpers every handler uses: languages, the community of a chat, who is acting, replying and
writing privately with a deep-link fallback."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any, TypeVar

from telegram import (
    CallbackQuery,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
    User,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.communities.cases import move_community
from bot.communities.model import Community
from bot.config import Language
from bot.errors import UserError
from bot.i18n import parse_language, t
from bot.reports.cases import move_staff_chat
from bot.residents.profile import load_profile
from bot.roles.model import Actor, Role
from bot.users.model import UserProfile
from handlers.context import BotContext

log = logging.getLogger(__name__)
T = TypeVar("T")

POPUP_LIMIT = 200  # Telegram's limit on a button answer's text
ADMIN_CACHE_TTL = timedelta(seconds=60)
ADMIN_CACHE_SIZE = 10_000
# Telegram's "GroupAnonymousBot": the sender of messages by anonymous group admins.
ANONYMOUS_ADMIN_ID = 1087968824


def display_name(user: User) -> str:
    return user.full_name or user.username or str(user.id)


def is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


def preferred_language(
    profile: UserProfile | None, app_language: str | None, default: Language
) -> Language:
    """The user's own choice (/lang), else their Telegram app's language, else the default."""
    if profile is not None and profile.language is not None:
        return profile.language
    return parse_language(app_language) or default


async def user_language(context: BotContext, user: User | None) -> Language:
    """The language of someone who just wrote or pressed (their Telegram app's is known)."""
    if user is None:
        return context.services.settings.bot_language
    async with context.services.uow() as uow:
        profile = await uow.users.get(user.id)
    return preferred_language(profile, user.language_code, context.services.settings.bot_language)


async def language_of(context: BotContext, user_id: int, fallback: Language) -> Language:
    """The language to write to someone privately: their choice, else the community's."""
    async with context.services.uow() as uow:
        profile = await uow.users.get(user_id)
    return preferred_language(profile, None, fallback)


async def community_of_chat(context: BotContext, chat_id: int) -> Community | None:
    async with context.services.uow() as uow:
        return await uow.communities.by_chat(chat_id)


async def chat_language(update: Update, context: BotContext) -> Language:
    """Private chats speak the user's language; groups the community's."""
    if is_private(update) or update.effective_chat is None:
        return await user_language(context, update.effective_user)
    community = await community_of_chat(context, update.effective_chat.id)
    if community is not None:
        return community.language
    return context.services.settings.bot_language


async def require_community(update: Update, context: BotContext) -> Community:
    """The community this group is; in a private chat or an unset group, a UserError."""
    if is_private(update):
        raise UserError("common.group_only")
    assert update.effective_chat is not None
    community = await community_of_chat(context, update.effective_chat.id)
    if community is None:
        raise UserError("common.not_set_up")
    return community


async def is_chat_admin(context: BotContext, chat_id: int, user_id: int) -> bool:
    """Whether Telegram says the user is the group's creator or an administrator (cached 60 s)."""
    services = context.services
    now = services.now()
    cached = services.admin_cache.get((chat_id, user_id))
    if cached is not None and now - cached[1] < ADMIN_CACHE_TTL:
        return cached[0]
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
        admin = member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR)
    except TelegramError as exc:
        log.warning("getChatMember failed for chat %s: %s", chat_id, exc)
        return False
    if len(services.admin_cache) > ADMIN_CACHE_SIZE:
        services.admin_cache.clear()  # a cache, not a record: refilled on demand
    services.admin_cache[(chat_id, user_id)] = (admin, now)
    return admin


def sent_by_anonymous_admin(message: Message | None) -> bool:
    """An anonymous admin writes as the group itself."""
    return (
        message is not None
        and message.sender_chat is not None
        and message.sender_chat.id == message.chat.id
    )


async def actor_in(context: BotContext, community: Community, user_id: int) -> Actor:
    async with context.services.uow() as uow:
        grant = await uow.roles.get(community.id, user_id)
    chat_admin = await is_chat_admin(context, community.chat_id, user_id)
    return Actor.of(user_id, grant, is_chat_admin=chat_admin)


async def admins_of(context: BotContext, community: Community) -> list[int]:
    """The community's admins: stored ones and the group's Telegram administrators."""
    async with context.services.uow() as uow:
        grants = await uow.roles.of_community(community.id)
    people = [g.user_id for g in grants if g.role is Role.ADMIN]
    try:
        admins = await context.bot.get_chat_administrators(community.chat_id)
        people += [a.user.id for a in admins if not a.user.is_bot]
    except TelegramError as exc:
        log.warning("could not list the admins of community %s: %s", community.id, exc)
    return list(dict.fromkeys(people))


def deep_link(context: BotContext, payload: str | None = None) -> str:
    base = f"https://t.me/{context.bot.username}"
    return f"{base}?start={payload}" if payload else base


def open_private_button(
    context: BotContext, lang: Language, payload: str | None = None
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(lang, "common.open_private"), url=deep_link(context, payload))]]
    )


async def pin_message(
    context: BotContext, chat_id: int, message_id: int, *, what: str, notify: bool = False
) -> bool:
    """Pin a message (pinning it again changes nothing); silently unless `notify`. False when
    Telegram refuses (the bot may not pin there, the message is gone): logged, and what was
    posted stands unpinned. A timeout, a flood limit or a 5xx is raised, so an outbox entry
    is tried again and the pin is not lost."""
    try:
        await context.bot.pin_chat_message(chat_id, message_id, disable_notification=not notify)
    except (BadRequest, Forbidden) as exc:
        log.warning("could not pin %s in chat %s: %s", what, chat_id, exc.message)
        return False
    return True


async def send_files_privately(
    update: Update,
    context: BotContext,
    community: Community,
    files: Sequence[tuple[InputFile, str]],
    *,
    sent: str,
) -> None:
    """An export: each (file, caption) to the asker privately, then the chat asked in told so
    (text key `sent`, in the community's language); to one who never started the bot, the
    button that opens the private chat instead."""
    user = update.effective_user
    assert user is not None
    try:
        for document, caption in files:
            await context.bot.send_document(user.id, document, caption=caption)
    except (Forbidden, BadRequest):
        await reply(
            update,
            t(community.language, "common.start_private_first"),
            reply_markup=open_private_button(context, community.language),
        )
        return
    await reply(update, t(community.language, sent))


async def reply(update: Update, text: str, **kwargs: Any) -> Message | None:
    """Answer the message that triggered the update, in its chat: in a group, quoting it, and
    still sent when it was deleted meanwhile (a register file taken off the group, a user who
    deleted their command), instead of failing with "message to be replied not found"."""
    message = update.effective_message
    if message is None:
        return None
    if is_private(update):
        return await message.reply_text(text, do_quote=False, **kwargs)
    return await message.reply_text(text, do_quote=True, allow_sending_without_reply=True, **kwargs)


async def send_private(context: BotContext, user_id: int, text: str, **kwargs: Any) -> bool:
    """Write to a user in private; False if they never opened a chat with the bot (403)."""
    try:
        await context.bot.send_message(user_id, text, **kwargs)
    except Forbidden:
        return False
    except BadRequest as exc:
        if "chat not found" in exc.message.lower():
            return False
        raise
    return True


async def follow_chat(context: BotContext, old_chat_id: int, new_chat_id: int) -> None:
    """A basic group became a supergroup with a new id: the community whose group it is, and
    every community whose staff chat it is, follow it."""
    async with context.services.uow() as uow:
        await move_community(uow, old_chat_id=old_chat_id, new_chat_id=new_chat_id)
    async with context.services.uow() as uow:
        await move_staff_chat(uow, old_chat_id=old_chat_id, new_chat_id=new_chat_id)


async def in_chat(context: BotContext, chat_id: int, action: Callable[[int], Awaitable[T]]) -> T:
    """Run a send or edit `action(chat_id)`. If Telegram answers that the group became a
    supergroup (a migration the bot missed, or a stale id), the stored ids follow the new chat
    and the action is tried once more there; a second failure is the caller's."""
    try:
        return await action(chat_id)
    except ChatMigrated as exc:
        new_chat_id = int(exc.new_chat_id)
        log.info("chat %s became supergroup %s: following it", chat_id, new_chat_id)
        await follow_chat(context, chat_id, new_chat_id)
        return await action(new_chat_id)


async def community_here(
    update: Update, context: BotContext, *, refusal: str, with_role: bool = False
) -> Community:
    """The group's community; in a private chat, the one community the sender lives in or has a
    role in (`with_role`: has a role in), else the `refusal` asking them to say which."""
    if not is_private(update):
        return await require_community(update, context)
    user = update.effective_user
    assert user is not None
    async with context.services.uow() as uow:
        profiles = await load_profile(uow, user.id)
    if with_role:
        profiles = [p for p in profiles if p.grant is not None]
    if len(profiles) != 1:
        raise UserError(refusal)
    return profiles[0].community


async def send_text(context: BotContext, chat_id: int, text: str, **kwargs: Any) -> Message:
    """Send a message to a chat, following it if it became a supergroup (see `in_chat`)."""
    return await in_chat(
        context, chat_id, lambda chat: context.bot.send_message(chat, text, **kwargs)
    )


async def edit_text(
    context: BotContext, chat_id: int, message_id: int, text: str, **kwargs: Any
) -> None:
    """Edit a message; 'message is not modified' is not an error. A chat that became a
    supergroup is followed (see `in_chat`)."""

    async def edit(chat: int) -> None:
        await context.bot.edit_message_text(text, chat_id=chat, message_id=message_id, **kwargs)

    try:
        await in_chat(context, chat_id, edit)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


def command_args(update: Update) -> list[str]:
    """The words after the command, from a text or a caption (`/units` on a document)."""
    message = update.effective_message
    if message is None:
        return []
    words = (message.text or message.caption or "").split()
    return words[1:]


def command_text(update: Update) -> str:
    """Everything after the command, line breaks kept (`/propose Title\nDetails`)."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    return re.sub(r"^/\S*\s?", "", text, count=1)


def require_card(query: CallbackQuery, card: tuple[int, int] | None) -> None:
    """A payload belongs to one message, its object's card (chat, message id): pressed on any
    other message (a forged payload), it is refused before anything changes or is edited."""
    message = query.message
    if message is None or card is None or (message.chat.id, message.message_id) != tuple(card):
        raise UserError("common.stale_button")


def require_private_screen(query: CallbackQuery, message_id: int | None = None) -> None:
    """The buttons of a private screen (the report form, the leave list) work only in the
    presser's own private chat, and on the screen's message where that is known."""
    message = query.message
    if (
        message is None
        or message.chat.type != ChatType.PRIVATE
        or message.chat.id != query.from_user.id
        or (message_id is not None and message.message_id != message_id)
    ):
        raise UserError("common.stale_button")


def require_own_keyboard(query: CallbackQuery) -> None:
    """For buttons whose message is not stored: the pressed message must carry this very button
    (Telegram sends the message with its keyboard; a forged payload is on another keyboard)."""
    message = query.message
    markup = getattr(message, "reply_markup", None)
    keyboard = markup.inline_keyboard if markup is not None else ()
    if not any(button.callback_data == query.data for row in keyboard for button in row):
        raise UserError("common.stale_button")
