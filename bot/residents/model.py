"""Households and residents: a user's membership of a unit, its relation and verification."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Relation(StrEnum):
    """What a resident is to the unit. OWNER only once ownership is verified (or asked for in
    a review request); RESIDENT: lives there, verified by a letterbox code, owner or not."""

    OWNER = "owner"
    TENANT = "tenant"
    RESIDENT = "resident"


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
        "resident": Relation.RESIDENT,
        "住户": Relation.RESIDENT,
    }
    return aliases.get(value.strip().lower())


@dataclass(frozen=True, slots=True)
class BuildingMembers:
    building: str
    households: dict[str, list[Membership]]


class OwnershipStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    REVOKED = "revoked"  # the register gave the unit to another owner


class OwnershipMethod(StrEnum):
    REVIEW = "review"  # an admin or the building's rep, never the applicant, approved it
    PHONE = "phone"  # the user shared their own phone and it is the register's owner phone


@dataclass(frozen=True, slots=True)
class Ownership:
    """A user verified (or asking to be verified) as an owner of a unit. Apart from residence:
    an owner need not live there, a resident need not own."""

    id: int
    community_id: int
    unit_code: str
    building: str
    user_id: int
    user_name: str
    status: OwnershipStatus
    method: OwnershipMethod
    requested_at: datetime
    is_developer_unit: bool = False
    decided_at: datetime | None = None
    decided_by_name: str | None = None

    @property
    def is_live(self) -> bool:
        return self.status in (OwnershipStatus.PENDING, OwnershipStatus.VERIFIED)


def phone_hash(salt: str, e164: str) -> str:
    """What is kept of a phone a user shared: an HMAC with the installation's secret salt."""
    return hmac.new(salt.encode(), e164.encode(), hashlib.sha256).hexdigest()
