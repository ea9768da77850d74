"""Households and residents: a user's membership of a unit, its relation and verification."""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from bot.errors import UserError, Whole
from bot.roles.model import Role, RoleGrant


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


# Join requests by one user in one community (each posts a card to the reviewers): at most
# this many waiting at once, and at most this many filed in any hour. See `check_join_limits`.
MAX_PENDING_JOINS: Final = 3
MAX_JOINS_PER_WINDOW: Final = 5
JOIN_WINDOW: Final = timedelta(hours=1)


def check_join_limits(requests: Iterable[Membership], now: datetime) -> None:
    """Refuse a new join request (by review) when the user already has `MAX_PENDING_JOINS`
    waiting in this community, or filed `MAX_JOINS_PER_WINDOW` here in the last hour.

    `requests`: the user's review requests in the community, at least those still pending and
    those filed in the last `JOIN_WINDOW`. The same unit twice is refused before this
    (`join.already_pending`).

    Why these numbers. One pending request at a time would be too strict: a family with two
    flats (or a flat and the parents' flat next door) rightly asks for both at once, and should
    not wait days for the first review to ask for the second. Three waiting at once covers that
    and a typo corrected; a fourth waits for an answer (or the user withdraws one with /leave).
    The hourly count takes every request filed, whatever became of it: withdrawn and rejected
    ones count too, so withdrawing and asking again cannot post card after card. Five an hour is
    far above what a resident needs and bounds what one stranger with the group's link can post
    to the reviewers. Joining with a letterbox code posts no card and is not counted."""
    requests = list(requests)
    pending = [m.unit_code for m in requests if m.status is MembershipStatus.PENDING]
    _check_review_limits("join", pending, [m.requested_at for m in requests], now)


def _check_review_limits(
    kind: str, pending_units: list[str], filed_at: list[datetime], now: datetime
) -> None:
    """Refuse (`<kind>.too_many_pending` / `<kind>.too_many_recent`) a request that would
    post one card too many to the reviewers."""
    pending = sorted(pending_units)
    if len(pending) >= MAX_PENDING_JOINS:
        raise UserError(
            f"{kind}.too_many_pending", count=len(pending), units=Whole(", ".join(pending))
        )
    recent = sorted(at for at in filed_at if at > now - JOIN_WINDOW)
    if len(recent) >= MAX_JOINS_PER_WINDOW:
        # free again once enough of them are older than the window
        frees_at = recent[len(recent) - MAX_JOINS_PER_WINDOW] + JOIN_WINDOW
        minutes = max(1, math.ceil((frees_at - now).total_seconds() / 60))
        raise UserError(f"{kind}.too_many_recent", count=len(recent), minutes=minutes)


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


def check_owner_claim_limits(claims: Iterable[Ownership], now: datetime) -> None:
    """The same limits for asking to be verified as owner by review, whose card goes to the
    same reviewers (`check_join_limits` says why these numbers): at most `MAX_PENDING_JOINS`
    waiting, `MAX_JOINS_PER_WINDOW` an hour. `claims`: the user's claims by review in the
    community, at least those still pending and those filed in the last `JOIN_WINDOW`."""
    claims = list(claims)
    pending = [c.unit_code for c in claims if c.status is OwnershipStatus.PENDING]
    _check_review_limits("owner", pending, [c.requested_at for c in claims], now)


def phone_hash(salt: str, e164: str) -> str:
    """What is kept of a phone a user shared: an HMAC with the installation's secret salt."""
    return hmac.new(salt.encode(), e164.encode(), hashlib.sha256).hexdigest()


class RejectReason(StrEnum):
    """The preset reasons a reviewer picks for a rejection (OTHER: they type it)."""

    NOT_RESIDENT = "not_resident"
    WRONG_UNIT = "wrong_unit"
    OTHER = "other"


# A typed reason is kept to this many characters (it is told to the applicant in one message).
MAX_REASON = 300


def join_reviewers(
    grants: Iterable[RoleGrant],
    building: str,
    *,
    applicant_id: int,
    chat_admins: Iterable[int] = (),
) -> tuple[int, ...]:
    """Who gets a join request's card privately: the reps of the unit's building; without one,
    the stored admins; without those, the group's Telegram administrators. Never the applicant
    (a reviewer asking for themselves leaves it to the others)."""
    grants = list(grants)
    reps = [g.user_id for g in grants if g.role is Role.REP and building in g.buildings]
    admins = [g.user_id for g in grants if g.role is Role.ADMIN]
    for people in (reps, admins, list(chat_admins)):
        chosen = [p for p in dict.fromkeys(people) if p != applicant_id]
        if chosen:
            return tuple(chosen)
    return ()
