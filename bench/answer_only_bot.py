"""The python-telegram-bot ceiling for the benchmark: a minimal Application whose only handler
answers a button press, with PTB's defaults (updates one at a time), nothing stored.

    BOT_TOKEN=... BOT_API_BASE_URL=... .venv/bin/python -m bench.answer_only_bot

It reads the same settings as `python bot.py` (bot/config.py: BOT_TOKEN, BOT_API_BASE_URL,
.env) and logs READY once polling runs. `bench/votes_burst.py` starts it as a process."""

from __future__ import annotations

import logging
import os

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.config import Settings

READY = "answer-only bot polling"


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Recorded: For. Receipt ABCD-EFGH.", show_alert=True)


async def announce(app: Application) -> None:
    me = await app.bot.get_me()
    logging.getLogger(__name__).info("%s as @%s", READY, me.username)


def main() -> None:
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings()
    app = (
        Application.builder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_api_file_url)
        .post_init(announce)
        .build()
    )
    app.add_handler(CallbackQueryHandler(answer))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
