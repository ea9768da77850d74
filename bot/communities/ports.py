"""What the community use cases need from storage."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from bot.communities.model import Community
from bot.config import Language
from bot.unit_of_work import BaseUnitOfWork


class CommunityRepo(Protocol):
    async def get(self, community_id: int) -> Community | None: ...
    async def by_chat(self, chat_id: int) -> Community | None: ...
    async def add(
        self,
        *,
        chat_id: int,
        name: str,
        language: Language,
        timezone: str,
        created_by: int,
        now: datetime,
    ) -> Community: ...
    async def rename(self, community_id: int, name: str) -> None: ...
    async def set_language(self, community_id: int, language: Language) -> None: ...
    async def move_chat(self, community_id: int, chat_id: int) -> None: ...
    async def set_support_threshold(self, community_id: int, threshold: int) -> None: ...
    async def set_staff_chat(self, community_id: int, chat_id: int | None) -> None: ...
    async def by_staff_chat(self, chat_id: int) -> Community | None: ...
    async def every(self, limit: int) -> list[Community]: ...
    async def set_vote_periods(
        self, community_id: int, *, notice_period: timedelta, publication_period: timedelta
    ) -> None: ...
    async def set_deadlines(
        self, community_id: int, *, response_time: timedelta, plan_time: timedelta
    ) -> None: ...


class CommunitiesUnitOfWork(BaseUnitOfWork, Protocol):
    """What the communities use cases run in."""

    @property
    def communities(self) -> CommunityRepo: ...
