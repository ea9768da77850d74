"""What the notice use cases need from storage."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from bot.notices.model import AuthorRole, Notice, NoticeFile, NoticeStatus
from bot.points.ports import PointsUnitOfWork


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
        status: NoticeStatus = NoticeStatus.PUBLISHED,
        publish_at: datetime | None = None,
        urgent: bool = False,
        pin: bool = False,
        file: NoticeFile | None = None,
    ) -> Notice: ...
    async def get(self, notice_id: int) -> Notice | None: ...
    async def by_number(self, community_id: int, number: int) -> Notice | None: ...
    async def next_number(self, community_id: int) -> int: ...
    async def with_cards_since(self, since: datetime) -> list[Notice]: ...
    async def set_card(self, notice_id: int, chat_id: int, message_id: int) -> None: ...
    async def set_status(self, notice_id: int, status: NoticeStatus, *, now: datetime) -> None: ...
    async def scheduled(self) -> list[Notice]:
        """Every community's notices waiting for their time."""
        ...

    async def recent(self, community_id: int, since: datetime) -> list[Notice]:
        """Published (or withdrawn) since `since`, newest first, then the scheduled ones."""
        ...

    async def reads(self, notice_id: int) -> dict[str, int]:
        """household → who confirmed it"""
        ...

    async def add_read(
        self, notice_id: int, household: str, user_id: int, *, now: datetime
    ) -> None: ...
    async def copy_of(self, notice_id: int, user_id: int) -> int | None:
        """The message id of the notice's private copy to this user, if it was sent."""
        ...

    async def add_copy(self, notice_id: int, user_id: int, message_id: int) -> None: ...
    async def copies(self, notice_id: int) -> dict[int, int]:
        """user → the message id of their private copy"""
        ...

    async def last_reminder(self, notice_id: int) -> datetime | None: ...
    async def add_reminder(self, notice_id: int, sent_by: int, *, now: datetime) -> None: ...
    async def reachable(self, user_ids: Collection[int]) -> frozenset[int]:
        """Those of `user_ids` the bot knows it may write to privately."""
        ...

    async def set_reachable(self, user_id: int, reachable: bool, *, now: datetime) -> None: ...


class NoticesUnitOfWork(PointsUnitOfWork, Protocol):
    """What the notice use cases run in."""

    @property
    def notices(self) -> NoticeRepo: ...
