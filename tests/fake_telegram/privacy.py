"""Which chat messages Telegram delivers to the bot (group privacy mode)."""

from __future__ import annotations

from .models import FakeUser
from .state import PRESENT, StoredMessage
from .text import leading_command


def bot_sees(msg: StoredMessage, bot: FakeUser, *, privacy_mode: bool) -> bool:
    """Private messages always; group messages per privacy mode (admins see everything)."""
    chat = msg.chat
    if chat.is_private:
        return not chat.blocked
    status = chat.status_of(bot.id)
    if status not in PRESENT:
        return False
    if msg.service or not privacy_mode or status in ("administrator", "creator"):
        return True
    if msg.reply_to is not None and msg.reply_to.sender.id == bot.id:
        return True
    command = leading_command(msg.text or msg.caption or "")
    if command is None:
        return False
    target = command[1]
    return target is None or target.lower() == (bot.username or "").lower()
