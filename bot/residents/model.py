"""Households and residents: a user's membership of a unit, its relation and verification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Relation(StrEnum):
    OWNER = "owner"
    TENANT = "tenant"


class MembershipStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    LEFT = "left"


class Verification(StrEnum):
    REVIEW = "review"
    CODE = "code"


@dataclass(frozen=True, slots=True)
class Membership:
    """One user's residence in one unit (household); a household may have several."""

    id: int
    community_id: int
    unit_code: str
    building: str
    user_id: int
    user_name: str
    relation: Relation
    status: MembershipStatus
    verification: Verification
    requested_at: datetime
    decided_at: datetime | None = None
    decided_by_name: str | None = None

    @property
    def is_live(self) -> bool:
        return self.status in (MembershipStatus.PENDING, MembershipStatus.VERIFIED)


def parse_relation(value: str) -> Relation | None:
    aliases = {
        "owner": Relation.OWNER,
        "业主": Relation.OWNER,
        "tenant": Relation.TENANT,
        "租户": Relation.TENANT,
    }
    return aliases.get(value.strip().lower())


@dataclass(frozen=True, slots=True)
class BuildingMembers:
    building: str
    households: dict[str, list[Membership]]
