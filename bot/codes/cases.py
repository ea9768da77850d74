"""Use cases of letterbox codes: issuing, regenerating, joining with one (throttled)."""

from __future__ import annotations

from datetime import datetime

from bot.codes.model import (
    FAILURE_WINDOW,
    MAX_FAILURES,
    MAX_USES,
    SlipJoin,
    SpentCode,
    UnitCode,
    new_code,
    normalize_code,
)
from bot.codes.ports import CodesUnitOfWork
from bot.errors import NotAllowed, NotFound, UserError
from bot.outbox import Intent, Param, Tell, staff_lane, tell
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


async def _replace(uow: CodesUnitOfWork, community_id: int, unit_code: str, now: datetime) -> str:
    await uow.codes.revoke(community_id, unit_code, now=now)
    fresh = await _fresh_code(uow)
    await uow.codes.create(community_id, unit_code, fresh, now=now)
    return fresh


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
    fresh = await _replace(uow, community_id, code, now)
    await uow.commit()
    return UnitCode(code, unit.building, fresh)


async def replace_exposed_code(
    uow: CodesUnitOfWork, *, community_id: int, typed: str, now: datetime
) -> UnitCode | None:
    """Someone typed a code where everyone can read it (the group): if it is a working code of
    this community, it is replaced at once, whoever typed it; the new one is not returned to
    them (they may not live there); the admins are told, with the new slip. None: not a working
    code here, nothing changed."""
    record = await uow.codes.find(normalize_code(typed))
    if record is None or record.revoked or record.community_id != community_id:
        return None
    unit = await uow.units.get(community_id, record.unit_code)
    await _replace(uow, community_id, record.unit_code, now)
    if unit is not None:  # the admins hear of it, with the unit's new slip to print
        params: dict[str, Param] = {"community": community_id, "unit": record.unit_code}
        intent = Intent(Tell.CODE_REPLACED, unit.id, staff_lane(community_id), params)
        await tell(uow, intent, now=now)
    await uow.commit()
    return UnitCode(record.unit_code, unit.building if unit else "", "")


async def join_with_code(
    uow: CodesUnitOfWork,
    *,
    user_id: int,
    user_name: str,
    unit_code: str | None,
    code: str,
    relation: Relation = Relation.RESIDENT,
    now: datetime,
) -> Membership:
    """Verify residence at once with the unit's letterbox code (tenants have the letterbox too,
    so it never verifies ownership: an owner claim joins as resident). `unit_code` None: the
    code's own unit (the slip's QR code carries only the code). Wrong guesses, a replaced code
    among them, are throttled per user."""
    failures = await uow.codes.failures_since(user_id, now - FAILURE_WINDOW)
    if failures >= MAX_FAILURES:
        raise UserError("code.throttled", minutes=int(FAILURE_WINDOW.total_seconds() // 60))
    record = await uow.codes.find(normalize_code(code))
    unit = normalize_unit_code(unit_code) if unit_code is not None else None
    if record is None or record.unit_code != (unit or record.unit_code):
        await uow.codes.record_failure(user_id, now=now)
        await uow.commit()
        raise UserError("code.wrong", left=max(MAX_FAILURES - failures - 1, 0))
    unit = record.unit_code
    if record.revoked:
        await uow.codes.record_failure(user_id, now=now)
        await uow.commit()
        raise SpentCode("code.replaced", community_id=record.community_id)
    if record.uses >= MAX_USES:
        raise SpentCode("code.used_up", community_id=record.community_id, max=MAX_USES)
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


async def join_with_slip(
    uow: CodesUnitOfWork, *, user_id: int, user_name: str, code: str, now: datetime
) -> SlipJoin:
    """The slip's QR code (`/start c-<code>`): `join_with_code` for the code's own unit. The
    resident it verified scanning it again gets the same membership back, nothing used, so
    they can still answer owner or tenant."""
    record = await uow.codes.find(normalize_code(code))
    if record is not None and not record.revoked:
        live = await uow.residents.live_for(record.community_id, user_id, record.unit_code)
        if live is not None and live.status is MembershipStatus.VERIFIED:
            return SlipJoin(live, fresh=False)
    membership = await join_with_code(
        uow, user_id=user_id, user_name=user_name, unit_code=None, code=code, now=now
    )
    return SlipJoin(membership, fresh=True)


async def declare_tenant(
    uow: CodesUnitOfWork, *, user_id: int, membership_id: int, now: datetime
) -> Membership:
    """After a code join the resident says they rent: their membership becomes a tenant's.
    Only their own live, verified membership, and never one already an owner's."""
    membership = await uow.residents.get(membership_id)
    if (
        membership is None
        or membership.user_id != user_id
        or membership.status is not MembershipStatus.VERIFIED
    ):
        raise UserError("common.stale_button")
    if membership.relation is Relation.OWNER:
        raise UserError("owner.already_owner", unit=membership.unit_code)
    if membership.relation is not Relation.TENANT:
        await uow.residents.set_relation(membership.id, Relation.TENANT)
        await uow.commit()
    return await uow.residents.get(membership_id) or membership
