"""`/units`: an admin sends the unit register as a CSV (caption `/units`, or as a reply), in the
group or privately. Privately, an admin of several communities picks one with a button
(`v1:ug:<community>:<digest>`); in the group, the file's message is deleted once imported,
refused or cancelled (it holds owners' names and phones), so the group keeps only the summary
or the refusal."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from typing import Any, Final

from telegram import Document, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.communities.model import Community
from bot.config import Language
from bot.errors import UserError
from bot.i18n import t
from bot.residents.profile import load_profile
from bot.units.cases import ImportReport, import_units
from bot.units.register import MAX_FILE_BYTES, UnitFileRejected
from bot.votes.cases import open_votes_of
from bot.votes.model import Vote
from handlers import callbacks
from handlers.common import (
    actor_in,
    edit_text,
    is_private,
    reply,
    require_community,
    require_own_keyboard,
    require_private_screen,
    send_text,
    sent_by_anonymous_admin,
    user_language,
)
from handlers.context import BotApplication, BotContext
from handlers.units.render import import_report, register_doubts

log = logging.getLogger(__name__)

# files waiting for an admin's Confirm (or, privately, for the community to be picked), by
# digest, in the chat's chat_data (a restart forgets them: the admin sends the file again)
DRAFTS: Final = "register_drafts"
PICKS: Final = "register_picks"
MAX_DRAFTS: Final = 3
# how many communities a private /units asks Telegram about when the user is tied to none
CHECK_LIMIT: Final = 20
CHECKS_AT_ONCE: Final = 4

CAPTION_COMMAND = filters.CaptionRegex(r"^/units(@\w+)?(\s|$)")


@dataclass(frozen=True, slots=True)
class RegisterDraft:
    """A file whose owner keys wait for Confirm, and the group messages to delete once saved."""

    community_id: int
    data: bytes
    file_messages: tuple[int, ...]


def _document(update: Update) -> Document | None:
    message = update.effective_message
    if message is None:
        return None
    if message.document is not None:
        return message.document
    if message.reply_to_message is not None:
        return message.reply_to_message.document
    return None


def _file_messages(message: Message | None) -> tuple[int, ...]:
    """The messages that show the file: the one carrying it, and a `/units` reply to it."""
    if message is None:
        return ()
    if message.document is None and message.reply_to_message is not None:
        return (message.reply_to_message.message_id, message.message_id)
    return (message.message_id,)


def _keep(store: dict[str, Any], digest: str, value: Any) -> None:
    store[digest] = value
    while len(store) > MAX_DRAFTS:
        store.pop(next(iter(store)))


async def _download(context: BotContext, document: Document) -> bytes:
    if document.file_size is not None and document.file_size > MAX_FILE_BYTES:
        raise UnitFileRejected("units.file_too_large", max_mb=MAX_FILE_BYTES // (1024 * 1024))
    telegram_file = await context.bot.get_file(document.file_id)
    return bytes(await telegram_file.download_as_bytearray())


async def administered(context: BotContext, user_id: int) -> list[Community]:
    """The communities the user administers (a stored admin role, or the group's Telegram
    administrator): among those they set up, live in or have a role in; if none, the first few
    communities, asked a few at a time (each may be a getChatMember call)."""
    async with context.services.uow() as uow:
        tied = await uow.communities.created_by(user_id)
        tied += [p.community for p in await load_profile(uow, user_id)]
        candidates = list({c.id: c for c in tied}.values())
        if not candidates:
            candidates = await uow.communities.every(CHECK_LIMIT)
    at_once = asyncio.Semaphore(CHECKS_AT_ONCE)

    async def is_admin(community: Community) -> bool:
        async with at_once:
            return (await actor_in(context, community, user_id)).is_admin

    verdicts = await asyncio.gather(*(is_admin(c) for c in candidates[:CHECK_LIMIT]))
    return [c for c, admin in zip(candidates, verdicts, strict=False) if admin]


async def cmd_units(update: Update, context: BotContext) -> None:
    if is_private(update):
        await _units_in_private(update, context)
        return
    community = await require_community(update, context)
    user = update.effective_user
    assert user is not None
    document = _document(update)
    file_messages = _file_messages(update.effective_message) if document else ()
    try:
        admin = (
            sent_by_anonymous_admin(update.effective_message)
            or (await actor_in(context, community, user.id)).is_admin
        )
        if not admin:
            raise UserError("units.not_admin")
        if document is None:
            raise UserError("usage.units")
        data = await _download(context, document)
        text, keyboard = await _import(context, community, data, file_messages, private=False)
    except UserError:
        # refused (not an admin, bad rows): the names and phones in it leave the group all the
        # same; the refusal is still sent, without the message it quoted
        await _delete_file(context, community, file_messages)
        raise
    assert update.effective_chat is not None
    await send_text(context, update.effective_chat.id, text, reply_markup=keyboard)


async def _units_in_private(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None
    communities = await administered(context, user.id)
    if not communities:
        raise UserError("units.no_community")
    document = _document(update)
    if document is None:
        raise UserError("usage.units")
    data = await _download(context, document)
    lang = await user_language(context, user)
    if len(communities) == 1:
        text, keyboard = await _import(context, communities[0], data, (), private=True, lang=lang)
        await reply(update, text, reply_markup=keyboard)
        return
    digest = _digest(data)
    _keep(context.chat_data.setdefault(PICKS, {}), digest, data)  # type: ignore[union-attr]
    rows = [
        [
            InlineKeyboardButton(
                c.name, callback_data=callbacks.pack(callbacks.UNITS_PICK, c.id, digest)
            )
        ]
        for c in communities
    ]
    await reply(update, t(lang, "units.pick_community"), reply_markup=InlineKeyboardMarkup(rows))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


async def _import(
    context: BotContext,
    community: Community,
    data: bytes,
    file_messages: tuple[int, ...],
    *,
    private: bool,
    lang: Language | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Import the file (refusals raise); the summary, or the owner keys to confirm first with
    their keyboard. Saved from the group: the file's messages are deleted."""
    lang = lang or community.language
    async with context.services.uow() as uow:
        report = await import_units(uow, community_id=community.id, data=data, is_admin=True)
        still_open = await open_votes_of(uow, community.id)
    if report.saved:
        await _delete_file(context, community, file_messages)
        return _saved_text(report, still_open, lang, community if private else None), None
    digest = _digest(data)
    draft = RegisterDraft(community.id, data, file_messages)
    _keep(context.chat_data.setdefault(DRAFTS, {}), digest, draft)  # type: ignore[union-attr]
    return register_doubts(report, lang), _confirm_keyboard(digest, lang)


async def _delete_file(
    context: BotContext, community: Community, file_messages: tuple[int, ...]
) -> None:
    """The register holds owners' names and phones: off the group once imported, refused or
    cancelled. The bot may lack the right to delete: logged, the import stands."""
    for message_id in file_messages:
        try:
            await context.bot.delete_message(community.chat_id, message_id)
        except TelegramError as exc:
            log.warning(
                "could not delete the register message %s in chat %s: %s",
                message_id,
                community.chat_id,
                exc,
            )


def _confirm_keyboard(digest: str, lang: Language) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "units.confirm_button"),
                    callback_data=callbacks.pack(callbacks.UNITS_CONFIRM, digest, "c"),
                ),
                InlineKeyboardButton(
                    t(lang, "units.cancel_button"),
                    callback_data=callbacks.pack(callbacks.UNITS_CONFIRM, digest, "x"),
                ),
            ]
        ]
    )


async def on_units_pick(update: Update, context: BotContext) -> None:
    """Privately: the community a register is for (only one the presser administers)."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.UNITS_PICK, 2)
    community_id = callbacks.int_arg(args[0]) if args else None
    if args is None or community_id is None or query.message is None:
        raise UserError("common.stale_button")
    require_private_screen(query)
    require_own_keyboard(query)
    async with context.services.uow() as uow:
        community = await uow.communities.get(community_id)
    if community is None:
        raise UserError("common.stale_button")
    if not (await actor_in(context, community, query.from_user.id)).is_admin:
        raise UserError("units.not_admin")
    picks: dict[str, bytes] = (context.chat_data or {}).get(PICKS, {})
    data = picks.pop(args[1], None)
    if data is None:
        raise UserError("units.draft_gone")
    lang = await user_language(context, query.from_user)
    text, keyboard = await _import(context, community, data, (), private=True, lang=lang)
    chat_id, message_id = query.message.chat.id, query.message.message_id
    await edit_text(context, chat_id, message_id, text, reply_markup=keyboard)
    await query.answer()


async def on_units_confirm(update: Update, context: BotContext) -> None:
    """Confirm or Cancel of a register whose owner keys were shown first (admins only)."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.UNITS_CONFIRM, 2)
    if args is None or args[1] not in ("c", "x") or query.message is None:
        raise UserError("common.stale_button")
    require_own_keyboard(query)  # the preview's own buttons, not a payload forged elsewhere
    drafts: dict[str, RegisterDraft] = (context.chat_data or {}).get(DRAFTS, {})
    draft = drafts.get(args[0])
    if draft is None:
        raise UserError("units.draft_gone")
    async with context.services.uow() as uow:
        community = await uow.communities.get(draft.community_id)
    private = query.message.chat.type == "private"
    if private:
        require_private_screen(query)
    if community is None or (not private and community.chat_id != query.message.chat.id):
        raise UserError("common.stale_button")
    if not (await actor_in(context, community, query.from_user.id)).is_admin:
        raise UserError("units.not_admin")
    drafts.pop(args[0], None)
    lang = await user_language(context, query.from_user) if private else community.language
    chat_id, message_id = query.message.chat.id, query.message.message_id
    if args[1] == "x":
        await edit_text(context, chat_id, message_id, t(lang, "units.cancelled"))
        await query.answer()
        await _delete_file(context, community, draft.file_messages)  # not kept: off the group
        return
    async with context.services.uow() as uow:
        report = await import_units(
            uow, community_id=community.id, data=draft.data, is_admin=True, confirmed=True
        )
        still_open = await open_votes_of(uow, community.id)
    text = _saved_text(report, still_open, lang, community if private else None)
    await edit_text(context, chat_id, message_id, text)
    await query.answer()
    await _delete_file(context, community, draft.file_messages)


def _saved_text(
    report: ImportReport, still_open: list[Vote], lang: Language, named: Community | None
) -> str:
    """The import summary (privately, under the community's name); open votes keep the
    electorate they opened with, and say so."""
    text = import_report(report, lang)
    if named is not None:
        text = f"{t(lang, 'units.for_community', community=named.name)}\n{text}"
    if still_open:
        numbers = ", ".join(f"#{vote.number}" for vote in still_open)
        text += "\n\n" + t(lang, "units.open_votes_kept", numbers=numbers)
    return text


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("units", cmd_units))
    app.add_handler(
        CallbackQueryHandler(on_units_confirm, pattern=callbacks.pattern(callbacks.UNITS_CONFIRM))
    )
    app.add_handler(
        CallbackQueryHandler(on_units_pick, pattern=callbacks.pattern(callbacks.UNITS_PICK))
    )
    app.add_handler(MessageHandler(filters.Document.ALL & CAPTION_COMMAND, cmd_units))
