"""Errors a user caused: each carries a text key and its parameters, so a handler can answer in
the user's language. Anything else that goes wrong is a bug and gets the generic apology."""

from __future__ import annotations

from typing import Any


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
