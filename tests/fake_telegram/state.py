"""Mutable internal records of the world (chats, messages, callback queries)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .models import CallbackAnswer, FakeFile, FakeUser

PRESENT = frozenset({"creator", "administrator", "member"})


@dataclass(eq=False)
class StoredMessage:
    """A message in a chat; ``text``/``caption`` are raw, ``rendered`` is the visible text."""

    chat: ChatState
    message_id: int
    sender: FakeUser
    date: int
    text: str | None = None
    caption: str | None = None
    rendered: str | None = None
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    document: FakeFile | None = None
    photo: FakeFile | None = None
    media_group_id: str | None = None
    reply_to: StoredMessage | None = None
    reply_markup: dict[str, Any] | None = None
    other_markup: dict[str, Any] | None = None
    link_preview_options: dict[str, Any] | None = None
    service: dict[str, Any] = field(default_factory=dict)
    pinned: bool = False
    edit_count: int = 0
    edit_date: int | None = None
    deleted: bool = False


@dataclass(eq=False)
class ChatState:
    """A chat: a (super)group with member statuses, or a private chat with one user.

    A basic group ("group") that became a supergroup keeps ``migrated_to``, the new chat id.
    """

    id: int
    type: str
    next_message_id: int
    title: str | None = None
    user: FakeUser | None = None
    members: dict[int, str] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    pins: list[int] = field(default_factory=list)
    opened: bool = False
    blocked: bool = False
    migrated_to: int | None = None

    @property
    def is_private(self) -> bool:
        """True for the private chat between the bot and one user."""
        return self.type == "private"

    @property
    def chat_instance(self) -> str:
        """Stable opaque id used in callback queries."""
        return str((self.id * 7_919) % 10**18)

    def status_of(self, user_id: int) -> str:
        """Member status of a user in a group ("left" if never joined)."""
        return self.members.get(user_id, "left")

    def json(self) -> dict[str, Any]:
        """The Chat object."""
        if self.user is None:
            return {"id": self.id, "type": self.type, "title": self.title}
        data: dict[str, Any] = {
            "id": self.id,
            "type": "private",
            "first_name": self.user.first_name,
        }
        if self.user.last_name:
            data["last_name"] = self.user.last_name
        if self.user.username:
            data["username"] = self.user.username
        return data


@dataclass(eq=False)
class CallbackState:
    """A callback query sent to the bot and its answer, once given."""

    id: str
    message: StoredMessage
    user: FakeUser
    data: str
    answer: CallbackAnswer | None = None
    pressed_at: float = field(default_factory=time.monotonic)
    answered_at: float | None = None
    late_answer_at: float | None = None
    """When the bot first tried to answer after the timeout (refused with 400)."""
