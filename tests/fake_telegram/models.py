"""Public value types of the fake Telegram world: immutable handles and snapshots."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user (or the bot itself when ``is_bot``)."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = None
    last_name: str | None = None
    is_bot: bool = False


@dataclass(frozen=True)
class FakeChat:
    """Handle of a group chat (negative id): a supergroup, or a basic group (``"group"``)."""

    id: int
    title: str
    type: str = "supergroup"


@dataclass(frozen=True)
class FakeFile:
    """A stored file (document or photo) with its content."""

    file_id: str
    file_unique_id: str
    kind: str
    file_name: str | None
    mime_type: str | None
    content: bytes = field(repr=False)
    width: int | None = None
    height: int | None = None

    @property
    def file_size(self) -> int:
        """Size of the content in bytes."""
        return len(self.content)


class Button(NamedTuple):
    """An inline keyboard button: label and callback_data (or url for link buttons)."""

    text: str
    data: str | None


@dataclass(frozen=True)
class BotMessage:
    """Snapshot of a message the bot sent, in its current state (after edits)."""

    chat_id: int
    message_id: int
    date: int
    text: str | None
    caption: str | None
    parse_mode: str | None
    reply_markup: list[list[Button]]
    raw_reply_markup: dict[str, Any] | None
    document: FakeFile | None
    photo: FakeFile | None
    pinned: bool
    edit_count: int
    reply_to_message_id: int | None
    link_preview_options: dict[str, Any] | None
    deleted: bool
    media_group_id: str | None = None

    @property
    def content(self) -> str:
        """Text or caption (raw, as the bot sent it), or ``""``."""
        return self.text or self.caption or ""

    @property
    def buttons(self) -> list[Button]:
        """All inline buttons, row by row."""
        return [button for row in self.reply_markup for button in row]

    def button(self, label: str) -> Button:
        """The single button whose label equals or contains ``label``."""
        exact = [b for b in self.buttons if b.text == label]
        found = exact or [b for b in self.buttons if label in b.text]
        if len(found) != 1:
            raise LookupError(f"{len(found)} buttons match {label!r} in {self.buttons!r}")
        return found[0]


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered to a callback query."""

    text: str | None
    show_alert: bool
    url: str | None = None


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request as received (files shown as placeholders)."""

    method: str
    params: dict[str, str]
    status: int
    description: str | None
    at: float = field(default_factory=time.monotonic)
    fault: str | None = None
    """The injected fault (``FaultKind``) this call got, if any; ``status`` is 0 when the
    connection was dropped before an answer (``timeout``), the applied call's own status for
    ``lost_answer``."""


@dataclass
class FakeStats:
    """Counters of what the fake answered."""

    calls: dict[str, int] = field(default_factory=dict)
    get_updates: int = 0
    too_many_requests: int = 0
    not_modified: int = 0
    forbidden: int = 0
    conflicts: int = 0
    errors: dict[int, int] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    """Injected faults per kind (``inject_faults``); an injected 429, 500 or 502 is also counted
    in ``errors`` (and ``too_many_requests``), as the bot received it."""

    def copy(self) -> FakeStats:
        """An independent copy."""
        return dataclasses.replace(
            self, calls=dict(self.calls), errors=dict(self.errors), faults=dict(self.faults)
        )


ChatRef = FakeChat | FakeUser | int
"""A group handle, a user (their private chat with the bot) or a raw chat id."""
