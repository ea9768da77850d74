"""Errors a user caused: each carries a text key and its parameters, so a handler can answer in
the user's language. Anything else that goes wrong is a bug and gets the generic apology."""

from __future__ import annotations

from typing import Any, Final

# A refusal quotes at most this much of what the user typed (Telegram refuses messages over
# 4,096 characters, and a long echo helps nobody).
EXCERPT_CHARS: Final = 40


class UserError(Exception):
    """A refusal to tell the user: nothing was changed."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NotAllowed(UserError):
    """The user may not do this here."""


class NotFound(UserError):
    """What the user referred to does not exist (in this community)."""


class Whole(str):
    """A parameter the bot composed itself (say a list of choices): shown whole, not cut."""


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most `limit` characters of `text`, with … where it was cut."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def shown_params(error: UserError) -> dict[str, Any]:
    """The parameters of a refusal as it may show them: every text an excerpt (they echo what
    the user typed, which may be thousands of characters), except those marked `Whole`."""
    return {
        name: excerpt(value) if isinstance(value, str) and not isinstance(value, Whole) else value
        for name, value in error.params.items()
    }
