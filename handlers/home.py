"""The home keyboard of a private chat (`menus.home_keyboard`): each big button's label, in
either language, routes to the command it stands for, so a resident never has to type one.
Registered before the private-message fallback (and the report form's free text), so a label
is never taken for a report's description."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.i18n import LANGUAGES, t
from handlers.context import BotApplication, BotContext
from handlers.notices.listing import cmd_notices
from handlers.reports.commands import cmd_report, cmd_reports
from handlers.residents.commands import cmd_me
from handlers.residents.pending import cmd_pending
from handlers.start import cmd_help
from handlers.votes.private import cmd_open_votes
from handlers.votes.progress import cmd_progress

Handler = Callable[[Update, BotContext], Awaitable[None]]

ROUTES: dict[str, Handler] = {
    "home.me": cmd_me,
    "home.votes": cmd_open_votes,
    "home.report": cmd_report,
    "home.reports": cmd_reports,
    "home.notices": cmd_notices,
    "home.help": cmd_help,
    "home.pending": cmd_pending,
    "home.progress": cmd_progress,
}


def labels() -> dict[str, Handler]:
    """Every label in every language → its handler (exact text, as the keyboard sends it)."""
    return {t(lang, key): handler for key, handler in ROUTES.items() for lang in LANGUAGES}


async def on_home_button(update: Update, context: BotContext) -> None:
    message = update.effective_message
    handler = labels().get(message.text or "") if message is not None else None
    if handler is not None:
        await handler(update, context)


def register(app: BotApplication) -> None:
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.Text(list(labels())) & ~filters.COMMAND,
            on_home_button,
        )
    )
