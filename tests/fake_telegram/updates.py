"""The bot's update queue: ids, offset confirmation and allowed_updates filtering."""

from __future__ import annotations

from typing import Any

ALL_TYPES = frozenset(
    [
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    ]
)
DEFAULT_ALLOWED = ALL_TYPES - {"chat_member", "message_reaction", "message_reaction_count"}


class UpdateQueue:
    """Updates wait here until a getUpdates offset confirms them."""

    def __init__(self, first_id: int = 500_000_001) -> None:
        self._next_id = first_id
        self._items: list[dict[str, Any]] = []
        self.allowed: frozenset[str] = DEFAULT_ALLOWED
        self.held = False
        """While True, ``take`` hands out nothing (``FakeTelegram.hold_updates``)."""

    def __len__(self) -> int:
        return len(self._items)

    def push(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue an update; returns its update_id."""
        update_id = self._next_id
        self._next_id += 1
        self._items.append({"update_id": update_id, kind: payload})
        return update_id

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset`` (negative: keep only the last -offset)."""
        if offset > 0:
            self._items = [u for u in self._items if u["update_id"] >= offset]
        elif offset < 0:
            self._items = self._items[offset:]

    def set_allowed(self, kinds: list[str]) -> None:
        """Apply allowed_updates; an empty list means the default set."""
        self.allowed = frozenset(kinds) & ALL_TYPES if kinds else DEFAULT_ALLOWED

    def take(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` allowed updates (they stay queued); disallowed ones are dropped."""
        self._items = [u for u in self._items if self._kind(u) in self.allowed]
        return [] if self.held else self._items[:limit]

    def clear(self) -> None:
        """Drop every pending update."""
        self._items.clear()

    @staticmethod
    def _kind(update: dict[str, Any]) -> str:
        return next(key for key in update if key != "update_id")
