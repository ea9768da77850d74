"""What the use cases need to remember about users."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from bot.config import Language
from bot.unit_of_work import BaseUnitOfWork
from bot.users.model import UserProfile


class UserRepo(Protocol):
    async def get(self, user_id: int) -> UserProfile | None: ...
    async def get_many(self, user_ids: Collection[int]) -> dict[int, UserProfile]: ...
    async def remember(self, user_id: int, display_name: str, *, now: datetime) -> None: ...
    async def set_language(self, user_id: int, language: Language) -> None: ...
    async def set_context(self, user_id: int, community_id: int | None) -> None: ...


class UsersUnitOfWork(BaseUnitOfWork, Protocol):
    """What the users use cases run in."""

    @property
    def users(self) -> UserRepo: ...
