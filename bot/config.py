"""Settings from the environment and an optional `.env` file in the working directory."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_BASE_URL = "https://api.telegram.org/bot"

Language = Literal["zh", "en"]


class Settings(BaseSettings):
    """Everything an operator can set. The token is a secret: it never appears in a repr or log."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr = Field(min_length=1)
    bot_api_base_url: str = TELEGRAM_BASE_URL
    database_url: str = "sqlite:///data/community.db"
    bot_language: Language = "zh"
    bot_timezone: str = "Asia/Shanghai"

    @field_validator("bot_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _sqlite_only(cls, value: str) -> str:
        if not value.startswith("sqlite:///"):
            raise ValueError("only sqlite:///path URLs are supported")
        return value

    @property
    def bot_api_file_url(self) -> str:
        """The file URL derived from the API URL: `.../bot` becomes `.../file/bot`."""
        base = self.bot_api_base_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file/bot"

    @property
    def database_path(self) -> Path:
        """`sqlite:///data/x.db` is relative to the working folder, `sqlite:////x.db` absolute."""
        return Path(self.database_url.removeprefix("sqlite:///"))
