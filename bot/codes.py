"""One-time verification codes per unit, printed and put in letterboxes (like the postal-letter
check of participation platforms). A code is unique across all communities, so it alone tells
which community and unit it belongs to."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from bot.errors import NotAllowed, NotFound, UserError
from bot.residents import Membership, MembershipStatus, Relation, Verification, check_can_join
from bot.units import normalize_unit_code

if TYPE_CHECKING:
    from bot.ports import UnitOfWork
    from bot.roles import Actor

ALPHABET: Final = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read aloud
CODE_LENGTH: Final = 8
MAX_USES: Final = 4
MAX_FAILURES: Final = 5
FAILURE_WINDOW: Final = timedelta(minutes=15)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """What a user typed (`abcd-efgh`, full-width letters...) as stored (`ABCDEFGH`)."""
    text = unicodedata.normalize("NFKC", raw).upper()
    return "".join(ch for ch in text if ch.isalnum())


def display_code(code: str) -> str:
    """`ABCDEFGH` → `ABCD-EFGH`, easier to copy from paper."""
    return f"{code[:4]}-{code[4:]}"


def looks_like_code(raw: str) -> bool:
    code = normalize_code(raw)
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


@dataclass(frozen=True, slots=True)
class CodeRecord:
    code: str
    community_id: int
    unit_code: str
    uses: int
    revoked: bool


@dataclass(frozen=True, slots=True)
class UnitCode:
    unit_code: str
    building: str
    code: str


async def _fresh_code(uow: UnitOfWork) -> str:
    while True:
        code = new_code()
        if not await uow.codes.exists(code):
            return code


async def issue_codes(
    uow: UnitOfWork, *, community_id: int, actor: Actor, now: datetime
) -> list[UnitCode]:
    """The active code of every unit in the register, creating those that are missing."""
    if not actor.is_admin:
        raise NotAllowed("codes.not_admin")
    units = await uow.units.in_register(community_id)
    if not units:
        raise UserError("codes.no_register")
    active = await uow.codes.active(community_id)
    result: list[UnitCode] = []
    for unit in units:
        code = active.get(unit.code)
        if code is None:
            code = await _fresh_code(uow)
            await uow.codes.create(community_id, unit.code, code, now=now)
        result.append(UnitCode(unit.code, unit.building, code))
    await uow.commit()
    return result


async def regenerate_code(
    uow: UnitOfWork, *, community_id: int, actor: Actor, unit_code: str, now: datetime
) -> UnitCode:
    """A new code for one unit; the old one stops working."""
    if not actor.is_admin:
        raise NotAllowed("codes.not_admin")
    code = normalize_unit_code(unit_code)
    unit = await uow.units.get(community_id, code)
    if unit is None or unit.retired:
        raise NotFound("join.unknown_unit", unit=code)
    await uow.codes.revoke(community_id, code, now=now)
    fresh = await _fresh_code(uow)
    await uow.codes.create(community_id, code, fresh, now=now)
    await uow.commit()
    return UnitCode(code, unit.building, fresh)


async def join_with_code(
    uow: UnitOfWork,
    *,
    user_id: int,
    user_name: str,
    unit_code: str,
    code: str,
    relation: Relation,
    now: datetime,
) -> Membership:
    """Verify at once with the unit's letterbox code. Wrong guesses are throttled per user."""
    failures = await uow.codes.failures_since(user_id, now - FAILURE_WINDOW)
    if failures >= MAX_FAILURES:
        raise UserError("code.throttled", minutes=int(FAILURE_WINDOW.total_seconds() // 60))
    record = await uow.codes.find(normalize_code(code))
    unit = normalize_unit_code(unit_code)
    if record is None or record.revoked or record.unit_code != unit:
        await uow.codes.record_failure(user_id, now=now)
        await uow.commit()
        raise UserError("code.wrong", left=max(MAX_FAILURES - failures - 1, 0))
    if record.uses >= MAX_USES:
        raise UserError("code.used_up", max=MAX_USES)
    unit_id, _ = await check_can_join(uow, record.community_id, user_id, unit)
    await uow.users.remember(user_id, user_name, now=now)
    membership = await uow.residents.add(
        unit_id=unit_id,
        user_id=user_id,
        relation=relation,
        status=MembershipStatus.VERIFIED,
        verification=Verification.CODE,
        now=now,
    )
    await uow.codes.use(record.code)
    await uow.commit()
    return membership
