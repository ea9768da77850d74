"""`/units`: an admin sends the unit register as a CSV (caption `/units`, or as a reply)."""

from __future__ import annotations

from telegram import Document, Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.errors import UserError
from bot.i18n import t
from bot.units.cases import import_units
from bot.units.register import MAX_FILE_BYTES, UnitFileRejected
from bot.votes.cases import open_votes_of
from handlers.common import actor_in, reply, require_community, sent_by_anonymous_admin
from handlers.context import BotApplication, BotContext
from handlers.units.render import import_report

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
    text = import_report(report, community.language)
    if still_open:
        numbers = ", ".join(f"#{vote.number}" for vote in still_open)
        text += "\n\n" + t(community.language, "units.open_votes_kept", numbers=numbers)
    await reply(update, text)


def register(app: BotApplication) -> None:
    app.add_handler(CommandHandler("units", cmd_units))
    app.add_handler(MessageHandler(filters.Document.ALL & CAPTION_COMMAND, cmd_units))
