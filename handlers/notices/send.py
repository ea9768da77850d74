"""Sending and editing a notice's message: text, or a photo or document with the card as its
caption (edited as a caption)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden

from bot.notices.model import FileKind, Notice
from handlers.common import edit_text, in_chat
from handlers.context import BotContext


async def send_notice(
    context: BotContext,
    chat_id: int,
    notice: Notice,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
) -> Message:
    """Post the notice in a chat (following a group that became a supergroup)."""
    bot = context.bot
    file = notice.file

    async def send(chat: int) -> Message:
        if file is None:
            return await bot.send_message(chat, text, reply_markup=keyboard)
        if file.kind is FileKind.PHOTO:
            return await bot.send_photo(chat, file.file_id, caption=text, reply_markup=keyboard)
        return await bot.send_document(chat, file.file_id, caption=text, reply_markup=keyboard)

    return await in_chat(context, chat_id, send)


async def send_private_notice(
    context: BotContext,
    user_id: int,
    notice: Notice,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
) -> Message | None:
    """Write the notice to a user privately; None if they never opened a chat with the bot
    (or blocked it): 403, or "chat not found"."""
    try:
        return await send_notice(context, user_id, notice, text, keyboard)
    except Forbidden:
        return None
    except BadRequest as exc:
        if "chat not found" in exc.message.lower():
            return None
        raise


async def edit_notice(
    context: BotContext,
    chat_id: int,
    message_id: int,
    notice: Notice,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
) -> None:
    """Redraw a notice's message ("not modified" is not an error)."""
    if notice.file is None:
        await edit_text(context, chat_id, message_id, text, reply_markup=keyboard)
        return

    async def edit(chat: int) -> None:
        await context.bot.edit_message_caption(
            chat_id=chat, message_id=message_id, caption=text, reply_markup=keyboard
        )

    try:
        await in_chat(context, chat_id, edit)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise
