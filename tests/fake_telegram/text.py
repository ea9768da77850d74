"""Plain-text helpers: UTF-16 offsets and bot_command entities, as Telegram computes them."""

from __future__ import annotations

import re
from typing import Any

_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{1,64})?")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (Telegram's unit for entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities for every /command (optionally /command@bot) in ``text``."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in _COMMAND.finditer(text)
    ]


def leading_command(text: str) -> tuple[str, str | None] | None:
    """``(command, bot_username or None)`` if ``text`` starts with a command."""
    match = _COMMAND.match(text)
    if match is None:
        return None
    name, _, target = match.group()[1:].partition("@")
    return name, target or None
