"""`/units`: an admin sends the unit register as a CSV (caption `/units`, or as a reply)."""

from __future__ import annotations

import hashlib

from telegram import Document, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.config import Language
from bot.errors import UserError
from bot.i18n import t
from bot.units.cases import ImportReport, import_units
from bot.units.register import MAX_FILE_BYTES, UnitFileRejected
from bot.votes.cases import open_votes_of
from bot.votes.model import Vote
from handlers import callbacks
from handlers.common import (
    actor_in,
    community_of_chat,
    edit_text,
    reply,
    require_community,
    require_own_keyboard,
    sent_by_anonymous_admin,
)
from handlers.context import BotApplication, BotContext
from handlers.units.render import import_report, register_doubts

# files waiting for an admin's Confirm, by digest, in the group's chat_data (a restart forgets
# them: the admin sends the file again)
DRAFTS = "register_drafts"
MAX_DRAFTS = 3

CAPTION_COMMAND = filters.CaptionRegex(r"^/units(@\w+)?(\s|$)")


def _document(update: Update) -> Document | None:
    message = update.effective_message
    if message is None:
        return None
    if message.document is not None:
        return message.document
    if message.reply_to_message is not None:
        return message.reply_to_message.document
    return None


async def cmd_units(update: Update, context: BotContext) -> None:
    community = await require_community(update, context)
    user = update.effective_user
    assert user is not None
    admin = (
        sent_by_anonymous_admin(update.effective_message)
        or (await actor_in(context, community, user.id)).is_admin
    )
    if not admin:
        raise UserError("units.not_admin")
    document = _document(update)
    if document is None:
        raise UserError("usage.units")
    if document.file_size is not None and document.file_size > MAX_FILE_BYTES:
        raise UnitFileRejected("units.file_too_large", max_mb=MAX_FILE_BYTES // (1024 * 1024))
    telegram_file = await context.bot.get_file(document.file_id)
    data = bytes(await telegram_file.download_as_bytearray())
    async with context.services.uow() as uow:
        report = await import_units(uow, community_id=community.id, data=data, is_admin=admin)
        still_open = await open_votes_of(uow, community.id)
    lang = community.language
    if report.saved:
        await reply(update, _saved_text(report, still_open, lang))
        return
    digest = hashlib.sha256(data).hexdigest()[:16]
    drafts: dict[str, bytes] = context.chat_data.setdefault(DRAFTS, {})  # type: ignore[union-attr]
    drafts[digest] = data
    while len(drafts) > MAX_DRAFTS:
        drafts.pop(next(iter(drafts)))
    await reply(update, register_doubts(report, lang), reply_markup=_confirm_keyboard(digest, lang))


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


async def on_units_confirm(update: Update, context: BotContext) -> None:
    """Confirm or Cancel of a register whose owner keys were shown first (admins only)."""
    query = update.callback_query
    assert query is not None and query.from_user is not None
    args = callbacks.unpack(query.data, callbacks.UNITS_CONFIRM, 2)
    if args is None or args[1] not in ("c", "x") or query.message is None:
        raise UserError("common.stale_button")
    require_own_keyboard(query)  # the preview's own buttons, not a payload forged elsewhere
    community = await community_of_chat(context, query.message.chat.id)
    if community is None:
        raise UserError("common.stale_button")
    if not (await actor_in(context, community, query.from_user.id)).is_admin:
        raise UserError("units.not_admin")
    drafts: dict[str, bytes] = (context.chat_data or {}).get(DRAFTS, {})
    data = drafts.pop(args[0], None)
    if data is None:
        raise UserError("units.draft_gone")
    lang = community.language
    chat_id, message_id = query.message.chat.id, query.message.message_id
    if args[1] == "x":
        await edit_text(context, chat_id, message_id, t(lang, "units.cancelled"))
        await query.answer()
        return
    async with context.services.uow() as uow:
        report = await import_units(
            uow, community_id=community.id, data=data, is_admin=True, confirmed=True
        )
        still_open = await open_votes_of(uow, community.id)
    await edit_text(context, chat_id, message_id, _saved_text(report, still_open, lang))
    await query.answer()


def _saved_text(report: ImportReport, still_open: list[Vote], lang: Language) -> str:
    """The import summary; open votes keep the electorate they opened with, and say so."""
    text = import_report(report, lang)
    if still_open:
        numbers = ", ".join(f"#{vote.number}" for vote in still_open)
        text += "\n\n" + t(lang, "units.open_votes_kept", numbers=numbers)
    return text


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("units", cmd_units))
    app.add_handler(
        CallbackQueryHandler(on_units_confirm, pattern=callbacks.pattern(callbacks.UNITS_CONFIRM))
    )
    app.add_handler(MessageHandler(filters.Document.ALL & CAPTION_COMMAND, cmd_units))
