"""What the bot remembers about a Telegram user across communities."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Language


@dataclass(frozen=True, slots=True)
class UserProfile:
    id: int
    display_name: str
    language: Language | None
    context_community_id: int | None
