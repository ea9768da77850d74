"""The services every handler needs, handed over through a typed CallbackContext (the PTB way,
no globals): `context.services.uow()`, `context.services.settings`, `context.services.now()`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.ports import UnitOfWork
from handlers.live_cards import LiveCards
from handlers.outbox import OutboxSender


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Services:
    uow: Callable[[], UnitOfWork]
    settings: Settings
    vote_cards: LiveCards
    topic_cards: LiveCards
    notice_cards: LiveCards
    meeting_cards: LiveCards
    now: Callable[[], datetime] = utc_now
    admin_cache: dict[tuple[int, int], tuple[bool, datetime]] = field(default_factory=dict)
    outbox: OutboxSender | None = None  # delivers what use cases wrote into the outbox

    def wake_outbox(self) -> None:
        """A commit added outbox entries: deliver them now."""
        if self.outbox is not None:
            self.outbox.wake()


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def services(self) -> Services:
        services = self.bot_data.get("services")
        if not isinstance(services, Services):
            raise RuntimeError("services are not set up: see handlers.app.build_application")
        return services


BotApplication = Application[
    ExtBot[Any], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
