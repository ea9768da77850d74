"""A fake Telegram Bot API server for end-to-end tests (see ``server.FakeTelegram``)."""

from .faults import DEFAULT_FAULTS, FAULT_KINDS, FaultKind, FaultPlan
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
    "DEFAULT_FAULTS",
    "FAULT_KINDS",
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
    "FaultKind",
    "FaultPlan",
    "FloodLimits",
]
