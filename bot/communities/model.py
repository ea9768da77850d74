"""Communities (社区 / 小区): each is bound to one main group chat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.config import Language

MAX_NAME_LENGTH = 64
MAX_SUPPORT_THRESHOLD = 1000
MAX_PERIOD_DAYS = 60


@dataclass(frozen=True, slots=True)
class Community:
    id: int
    chat_id: int
    name: str
    language: Language
    timezone: str
    support_threshold: int = 3
    staff_chat_id: int | None = None
    response_time: timedelta = timedelta(hours=24)
    plan_time: timedelta = timedelta(hours=72)
    # owners are told of a Civil Code vote this long before it opens (物业管理条例 art. 14)
    notice_period: timedelta = timedelta(days=15)
    # a result is published this long, during which owners may object (公示期)
    publication_period: timedelta = timedelta(days=7)
