"""Registry of the Bot API methods the fake implements (names are case-insensitive)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import api_bot, api_chats, api_files, api_messages
from .params import Params
from .world import World

Method = Callable[[World, Params], Any]

_ALL: dict[str, Method] = {
    **api_bot.METHODS,
    **api_chats.METHODS,
    **api_files.METHODS,
    **api_messages.METHODS,
}
_BY_LOWER = {name.lower(): (name, method) for name, method in _ALL.items()}


def lookup(name: str) -> tuple[str, Method] | None:
    """(canonical name, implementation) of a method, or None if unknown."""
    return _BY_LOWER.get(name.lower())
