"""Roles in a community and what each may do. Telegram group admins are admins automatically;
the handlers find that out and pass it in as `Actor.is_chat_admin`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COMMITTEE = "committee"
    REP = "rep"
    RESIDENT = "resident"
    # casts the ballot of the developer's unsold units (one owner by headcount); named by an admin
    DEVELOPER_AGENT = "developer-agent"


@dataclass(frozen=True, slots=True)
class RoleGrant:
    community_id: int
    user_id: int
    role: Role
    buildings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting in a community, with the rights that follow."""

    user_id: int
    role: Role = Role.RESIDENT
    buildings: frozenset[str] = frozenset()
    is_chat_admin: bool = False

    @classmethod
    def of(cls, user_id: int, grant: RoleGrant | None, *, is_chat_admin: bool) -> Actor:
        if grant is None:
            return cls(user_id, is_chat_admin=is_chat_admin)
        return cls(user_id, grant.role, frozenset(grant.buildings), is_chat_admin)

    @property
    def is_admin(self) -> bool:
        return self.is_chat_admin or self.role is Role.ADMIN

    @property
    def is_committee(self) -> bool:
        return self.is_admin or self.role is Role.COMMITTEE

    @property
    def is_rep(self) -> bool:
        return self.role is Role.REP

    @property
    def is_developer_agent(self) -> bool:
        return self.role is Role.DEVELOPER_AGENT

    def can_review(self, building: str) -> bool:
        """Admins review every join request; a rep those of their buildings."""
        return self.is_admin or (self.is_rep and building in self.buildings)

    def visible_buildings(self, all_buildings: Iterable[str]) -> list[str]:
        """The buildings whose households this actor may list."""
        if self.is_admin:
            return sorted(all_buildings)
        if self.is_rep:
            return sorted(b for b in all_buildings if b in self.buildings)
        return []


def parse_role(value: str) -> Role | None:
    aliases = {
        "admin": Role.ADMIN,
        "管理员": Role.ADMIN,
        "committee": Role.COMMITTEE,
        "业委会": Role.COMMITTEE,
        "rep": Role.REP,
        "楼栋长": Role.REP,
        "resident": Role.RESIDENT,
        "居民": Role.RESIDENT,
        "developer-agent": Role.DEVELOPER_AGENT,
        "developer": Role.DEVELOPER_AGENT,
        "开发商代表": Role.DEVELOPER_AGENT,
        "开发商": Role.DEVELOPER_AGENT,
    }
    return aliases.get(value.strip().lower())


def parse_buildings(args: Iterable[str]) -> tuple[str, ...]:
    """`1,2 3` → ("1", "2", "3"), in order, without repeats."""
    found: list[str] = []
    for arg in args:
        for part in arg.replace("，", ",").split(","):
            clean = part.strip()
            if clean and clean not in found:
                found.append(clean)
    return tuple(found)
