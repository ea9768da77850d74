"""Entry point: `python bot.py` runs the bot with long polling. Settings come from the
environment and an optional `.env` file (see README.md). Nothing happens at import time."""

from __future__ import annotations

import logging
import os
import sys

from pydantic import ValidationError

HOW_TO_GET_A_TOKEN = """BOT_TOKEN is not set.
Get a token from @BotFather in Telegram (send /newbot), then either
  export BOT_TOKEN=123456:ABC...   or put  BOT_TOKEN=123456:ABC...  in a .env file here,
and run python bot.py again."""  # noqa: S105 (a help text, not a secret)


class RedactToken(logging.Filter):
    """Keep the token out of every log line (httpx logs request URLs, which contain it)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, "<BOT_TOKEN>")
            record.args = None
        return True


def configure_logging(token: str) -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(token))


def main() -> int:
    # Opt in to python-telegram-bot's coming default (durations as timedelta), which also
    # silences its deprecation warning on every RetryAfter.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    from bot.config import Settings
    from handlers.app import ALLOWED_UPDATES, build_application

    try:
        settings = Settings()
    except ValidationError as exc:
        if any(error["loc"] == ("bot_token",) for error in exc.errors()):
            print(HOW_TO_GET_A_TOKEN, file=sys.stderr)
        else:
            fields = ", ".join(str(e["loc"][0]).upper() for e in exc.errors() if e["loc"])
            print(f"Invalid settings: {fields}. See README.md.", file=sys.stderr)
        return 2
    configure_logging(settings.bot_token.get_secret_value())
    application = build_application(settings)
    application.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
