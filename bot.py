"""Entry point: `python bot.py` runs the bot with long polling; `python bot.py backup FILE`
writes a consistent copy of the database, also while the bot runs. Settings come from the
environment and an optional `.env` file (see README.md). Nothing happens at import time."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import SecretStr, ValidationError

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


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bot.py",
        description="A Telegram bot for neighbourhood participation. Without a command it runs "
        "the bot (long polling); settings come from the environment and .env (see README.md).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    backup = commands.add_parser(
        "backup",
        help="write a consistent copy of the database (also while the bot runs)",
        description="Write a consistent copy of DATABASE_URL's SQLite file to FILE with SQLite's "
        "online backup API; the running bot is not disturbed. Needs no BOT_TOKEN.",
    )
    backup.add_argument("file", type=Path, metavar="FILE", help="where to write the copy")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command == "backup":
        return run_backup(args.file, force=args.force)
    return run_bot()


def run_bot() -> int:
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
            print(invalid_settings(exc), file=sys.stderr)
        return 2
    configure_logging(settings.bot_token.get_secret_value())
    application = build_application(settings)
    application.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


def invalid_settings(exc: ValidationError) -> str:
    fields = ", ".join(str(e["loc"][0]).upper() for e in exc.errors() if e["loc"])
    return f"Invalid settings: {fields}. See README.md."


def run_backup(target: Path, *, force: bool) -> int:
    from bot.config import Settings
    from storage.backup import BackupError, backup_database

    class DatabaseSettings(Settings):
        bot_token: SecretStr = SecretStr("")  # a backup needs only DATABASE_URL

    try:
        source = DatabaseSettings().database_path
    except ValidationError as exc:
        print(invalid_settings(exc), file=sys.stderr)
        return 2
    try:
        report = backup_database(source, target, force=force)
    except BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 2
    counts = ", ".join(f"{name} {count}" for name, count in report.counts)
    print(
        f"Backup written to {report.target} ({report.size:,} bytes, schema version "
        f"{report.user_version}; {counts}) from {report.source} in {report.seconds:.1f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
