"""Closing a vote by hand as a committee member does it now: `/close <n>`, then Yes on the
confirmation (issue 11: /close asks first)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.handlers.harness import HandlerHarness


def confirm_button(h: HandlerHarness, chat_id: int, answer: str = "y") -> str | None:
    """The payload of the latest close confirmation's Yes (or No) in the chat, if any."""
    for call in reversed(h.request.calls):
        markup = call.params.get("reply_markup")
        if call.method not in {"sendMessage", "editMessageText"} or not isinstance(markup, dict):
            continue
        if int(call.params.get("chat_id", 0)) != chat_id:
            continue
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = str(button.get("callback_data", ""))
                if data.startswith("v1:vc:") and data.endswith(f":{answer}"):
                    return data
    return None


async def close_by_hand(
    h: HandlerHarness,
    chat: dict[str, Any],
    user: dict[str, Any],
    number: int,
    before_yes: Callable[[], None] | None = None,
) -> None:
    """`/close <number>` and Yes; if /close was refused, there is nothing to confirm.
    `before_yes` runs between the two (a test's faults meant for what the close sends)."""
    calls = len(h.request.calls)
    await h.say(chat, user, f"/close {number}")
    asked = [c for c in h.request.calls[calls:] if c.method == "sendMessage"]
    data = confirm_button(h, int(chat["id"])) if asked else None
    if data is not None and any(
        b.get("callback_data") == data
        for c in asked
        for row in (c.params.get("reply_markup") or {}).get("inline_keyboard", [])
        for b in row
    ):
        if before_yes is not None:
            before_yes()
        await h.press(chat, user, None, data)
