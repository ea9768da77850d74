"""Use cases of residents: join requests, their review by reps and admins, leaving, lists."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError
from bot.residents.model import (
    BuildingMembers,
    Membership,
    MembershipStatus,
    Relation,
    Verification,
)
from bot.residents.ports import ResidentsUnitOfWork
from bot.roles.model import Actor
from bot.units.model import natural_order, normalize_unit_code


async def check_can_join(
    uow: ResidentsUnitOfWork, community_id: int, user_id: int, unit_code: str
) -> tuple[int, str]:
    """The unit's id and building, if the user may ask to join it; else a UserError."""
    code = normalize_unit_code(unit_code)
    unit = await uow.units.get(community_id, code)
    if unit is None or unit.retired:
        raise NotFound("join.unknown_unit", unit=code)
    live = await uow.residents.live_for(community_id, user_id, code)
    if live is not None and live.status is MembershipStatus.VERIFIED:
        raise UserError("join.already_verified", unit=code)
    if live is not None:
        raise UserError("join.already_pending", unit=code)
    return unit.id, unit.building


async def request_join(
    uow: ResidentsUnitOfWork,
    *,
    community: Community,
    user_id: int,
    user_name: str,
    unit_code: str,
    relation: Relation,
    now: datetime,
) -> Membership:
    """A pending request, to be reviewed by an admin or a rep of the unit's building."""
    unit_id, _ = await check_can_join(uow, community.id, user_id, unit_code)
    await uow.users.remember(user_id, user_name, now=now)
    membership = await uow.residents.add(
        unit_id=unit_id,
        user_id=user_id,
        relation=relation,
        status=MembershipStatus.PENDING,
        verification=Verification.REVIEW,
        now=now,
    )
    await uow.commit()
    return membership


async def attach_card(
    uow: ResidentsUnitOfWork, membership_id: int, chat_id: int, message_id: int
) -> None:
    """Remember where the request's card is, so that it can be updated when decided."""
    await uow.residents.set_card(membership_id, chat_id, message_id)
    await uow.commit()


@dataclass(frozen=True, slots=True)
class Decision:
    membership: Membership
    card: tuple[int, int] | None


async def decide_join(
    uow: ResidentsUnitOfWork,
    *,
    community: Community,
    membership_id: int,
    actor: Actor,
    actor_name: str,
    approve: bool,
    now: datetime,
) -> Decision:
    """Approve or reject a pending request of this community; a second press changes nothing."""
    membership = await uow.residents.get(membership_id)
    if membership is None or membership.community_id != community.id:
        raise NotFound("join.request_not_found")
    if not actor.can_review(membership.building):
        raise NotAllowed("join.not_reviewer", building=membership.building)
    if membership.status is not MembershipStatus.PENDING:
        raise UserError(
            f"join.decided_{membership.status.value}", by=membership.decided_by_name or "-"
        )
    status = MembershipStatus.VERIFIED if approve else MembershipStatus.REJECTED
    await uow.users.remember(actor.user_id, actor_name, now=now)
    await uow.residents.decide(membership_id, status, decided_by=actor.user_id, now=now)
    decided = await uow.residents.get(membership_id)
    card = await uow.residents.card(membership_id)
    await uow.commit()
    assert decided is not None
    return Decision(decided, card)


async def leave(
    uow: ResidentsUnitOfWork, *, membership_id: int, user_id: int, now: datetime
) -> Membership:
    """End one's own membership (or withdraw a pending request)."""
    membership = await uow.residents.get(membership_id)
    if membership is None or membership.user_id != user_id:
        raise NotFound("leave.not_found")
    if not membership.is_live:
        raise UserError("leave.already_left", unit=membership.unit_code)
    await uow.residents.decide(membership_id, MembershipStatus.LEFT, decided_by=user_id, now=now)
    await uow.commit()
    return membership


async def list_members(
    uow: ResidentsUnitOfWork, *, community_id: int, actor: Actor
) -> list[BuildingMembers]:
    """Verified households per building, for admins (all) and reps (their buildings)."""
    if not (actor.is_admin or actor.is_rep):
        raise NotAllowed("members.not_allowed")
    buildings = actor.visible_buildings(await uow.units.buildings(community_id))
    verified = await uow.residents.verified(community_id)
    by_building: dict[str, dict[str, list[Membership]]] = defaultdict(lambda: defaultdict(list))
    for membership in verified:
        by_building[membership.building][membership.unit_code].append(membership)
    return [
        BuildingMembers(b, dict(sorted(by_building[b].items())))
        for b in sorted(buildings, key=natural_order)
    ]


async def verified_households(
    uow: ResidentsUnitOfWork, community_id: int, user_id: int
) -> list[Membership]:
    return [
        m
        for m in await uow.residents.live_of_user(user_id)
        if m.community_id == community_id and m.status is MembershipStatus.VERIFIED
    ]


async def refuse_unverified(
    uow: ResidentsUnitOfWork, community_id: int, user_id: int, refusal: str
) -> NoReturn:
    """The refusal for someone with no verified household here: that their join request is
    still waiting, if it is; else `refusal` (which tells them to join)."""
    for membership in await uow.residents.live_of_user(user_id):
        if (
            membership.community_id == community_id
            and membership.status is MembershipStatus.PENDING
        ):
            raise UserError("join.still_pending", unit=membership.unit_code)
    raise NotAllowed(refusal)


async def owned_units(uow: ResidentsUnitOfWork, community_id: int, user_id: int) -> frozenset[str]:
    """The codes of the units this user is a verified owner of: what a Civil Code ballot may be
    cast for. (The developer's unsold units are voted by a developer agent, not through this.)"""
    return frozenset(
        m.unit_code
        for m in await verified_households(uow, community_id, user_id)
        if m.relation is Relation.OWNER
    )


async def unit_owners(uow: ResidentsUnitOfWork, community_id: int) -> dict[str, frozenset[int]]:
    """Unit code → the users verified as its owners (for reminders and ballot-change notes)."""
    owners: dict[str, set[int]] = defaultdict(set)
    for membership in await uow.residents.verified(community_id):
        if membership.relation is Relation.OWNER:
            owners[membership.unit_code].add(membership.user_id)
    return {unit: frozenset(users) for unit, users in owners.items()}
