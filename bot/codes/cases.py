"""Use cases of letterbox codes: issuing, regenerating, joining with one (throttled)."""

from __future__ import annotations

from datetime import datetime

from bot.codes.model import (
    FAILURE_WINDOW,
    MAX_FAILURES,
    MAX_USES,
    UnitCode,
    new_code,
    normalize_code,
)
from bot.codes.ports import CodesUnitOfWork
from bot.errors import NotAllowed, NotFound, UserError
from bot.residents.cases import check_can_join
from bot.residents.model import Membership, MembershipStatus, Relation, Verification
from bot.roles.model import Actor
from bot.units.model import normalize_unit_code


async def _fresh_code(uow: CodesUnitOfWork) -> str:
    while True:
        code = new_code()
        if not await uow.codes.exists(code):
            return code


async def issue_codes(
    uow: CodesUnitOfWork, *, community_id: int, actor: Actor, now: datetime
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
    uow: CodesUnitOfWork, *, community_id: int, actor: Actor, unit_code: str, now: datetime
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
    uow: CodesUnitOfWork,
    *,
    user_id: int,
    user_name: str,
    unit_code: str,
    code: str,
    relation: Relation = Relation.RESIDENT,
    now: datetime,
) -> Membership:
    """Verify residence at once with the unit's letterbox code (tenants have the letterbox too,
    so it never verifies ownership: an owner claim joins as resident). Wrong guesses are
    throttled per user."""
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
        relation=Relation.TENANT if relation is Relation.TENANT else Relation.RESIDENT,
        status=MembershipStatus.VERIFIED,
        verification=Verification.CODE,
        now=now,
    )
    await uow.codes.use(record.code)
    await uow.commit()
    return membership
