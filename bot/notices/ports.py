"""What the notice use cases need from storage."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.notices.model import AuthorRole, Notice
from bot.residents.ports import ResidentsUnitOfWork


class NoticeRepo(Protocol):
    async def add(
        self,
        *,
        community_id: int,
        text: str,
        building: str | None,
        author_id: int,
        author_role: AuthorRole,
        now: datetime,
    ) -> Notice: ...
    async def get(self, notice_id: int) -> Notice | None: ...
    async def next_number(self, community_id: int) -> int: ...
    async def with_cards_since(self, since: datetime) -> list[Notice]: ...
    async def set_card(self, notice_id: int, chat_id: int, message_id: int) -> None: ...
    async def reads(self, notice_id: int) -> dict[str, int]:
        """household → who confirmed it"""
        ...

    async def add_read(
        self, notice_id: int, household: str, user_id: int, *, now: datetime
    ) -> None: ...


class NoticesUnitOfWork(ResidentsUnitOfWork, Protocol):
    """What the notice use cases run in."""

    @property
    def notices(self) -> NoticeRepo: ...
