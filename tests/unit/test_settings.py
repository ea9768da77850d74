"""Settings from the environment and `.env`; `python bot.py` without a token; the token kept
out of the logs."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("BOT_TOKEN", "BOT_API_BASE_URL", "DATABASE_URL", "BOT_LANGUAGE", "BOT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_and_derived_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "1:abc")
    settings = Settings()
    assert settings.bot_api_base_url == "https://api.telegram.org/bot"
    assert settings.bot_api_file_url == "https://api.telegram.org/file/bot"
    assert settings.database_path == Path("data/community.db")
    assert (settings.bot_language, settings.bot_timezone) == ("zh", "Asia/Shanghai")
    assert "1:abc" not in repr(settings)


def test_env_file_and_custom_values(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "BOT_TOKEN=2:xyz\nBOT_API_BASE_URL=http://127.0.0.1:9999/bot\n"
        "DATABASE_URL=sqlite:////var/lib/c.db\nBOT_LANGUAGE=en\nBOT_TIMEZONE=Europe/Berlin\n"
    )
    settings = Settings()
    assert settings.bot_token.get_secret_value() == "2:xyz"
    assert settings.bot_api_file_url == "http://127.0.0.1:9999/file/bot"
    assert settings.database_path == Path("/var/lib/c.db")
    assert (settings.bot_language, settings.bot_timezone) == ("en", "Europe/Berlin")


@pytest.mark.parametrize(
    ("name", "value"),
    [("BOT_LANGUAGE", "fr"), ("BOT_TIMEZONE", "Mars/Olympus"), ("DATABASE_URL", "postgres://x")],
)
def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv("BOT_TOKEN", "1:abc")
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()


def test_missing_token_exits_2_with_instructions(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "@BotFather" in result.stderr and "BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_token_is_redacted_from_log_lines() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        import importlib.util

        spec = importlib.util.spec_from_file_location("bot_entry", ROOT / "bot.py")
        assert spec is not None and spec.loader is not None
        entry = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(entry)
    finally:
        sys.path.remove(str(ROOT))
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "POST %s", ("https://x/bot1:SECRET/getMe",), None
    )
    assert entry.RedactToken("1:SECRET").filter(record)
    assert record.getMessage() == "POST https://x/bot<BOT_TOKEN>/getMe"
