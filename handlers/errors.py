"""The one place where failures become answers. A UserError is a refusal in the user's language
(a pop-up for buttons, a reply otherwise); anything else is logged with its traceback and
answered with a short apology. No exception text ever reaches a chat. The apology never says
that nothing changed: the failure may come after a use case committed (a ticket filed, then its
delivery failing), and what was saved stays saved."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.errors import UserError, shown_params
from bot.i18n import t
from bot.units.register import UnitFileRejected
from handlers.common import POPUP_LIMIT, chat_language, reply, user_language
from handlers.context import BotContext
from handlers.units.render import unit_file_problems

log = logging.getLogger(__name__)
# Telegram's limits: a button's pop-up shows up to 200 characters, a message up to 4,096.
MESSAGE_LIMIT = 4096
# Refusals that name the asker's units they did not type, and their words for a group
# (which never hears a resident's unit): the same, without the units.
IN_GROUP = {
    "join.still_pending": "join.still_pending_here",
    "join.too_many_pending": "join.too_many_pending_here",
}


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    if isinstance(update, Update) and isinstance(error, UserError):
        await tell_refusal(update, context, error)
        return
    log.error("unhandled error while handling %s", _describe(update), exc_info=error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            lang = await user_language(context, update.effective_user)
            await update.callback_query.answer(t(lang, "error.generic"), show_alert=True)
        elif update.effective_message is not None:
            await reply(update, t(await chat_language(update, context), "error.generic"))
    except (TelegramError, UserError, OSError) as exc:
        log.warning("could not send the apology: %s", exc)
    except Exception:
        log.exception("the apology itself failed")


async def tell_refusal(update: Update, context: BotContext, error: UserError) -> None:
    if update.callback_query is not None:
        lang = await user_language(context, update.effective_user)
        text = t(lang, error.key, **shown_params(error))
        await update.callback_query.answer(text[:POPUP_LIMIT], show_alert=True)
        return
    lang = await chat_language(update, context)
    chat = update.effective_chat
    key = error.key
    if chat is not None and chat.type != ChatType.PRIVATE:
        key = IN_GROUP.get(key, key)
    text = t(lang, key, **shown_params(error))
    if isinstance(error, UnitFileRejected) and error.row_errors:
        text = f"{text}\n{unit_file_problems(error.row_errors, lang)}"
    await reply(update, text[:MESSAGE_LIMIT])


def _describe(update: object) -> str:
    if isinstance(update, Update):
        return f"update {update.update_id}"
    return repr(update)[:200]
