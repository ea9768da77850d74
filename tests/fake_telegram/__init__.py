"""A fake Telegram Bot API server for end-to-end tests (see ``server.FakeTelegram``)."""

from .limits import FloodLimits
from .models import (
    ApiCall,
    BotMessage,
    Button,
    CallbackAnswer,
    ChatRef,
    FakeChat,
    FakeFile,
    FakeStats,
    FakeUser,
)
from .server import FakeTelegram

__all__ = [
    "ApiCall",
    "BotMessage",
    "Button",
    "CallbackAnswer",
    "ChatRef",
    "FakeChat",
    "FakeFile",
    "FakeStats",
    "FakeTelegram",
    "FakeUser",
    "FloodLimits",
]
