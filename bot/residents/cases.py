"""Use cases of residents: join requests, their review by reps and admins, leaving, lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError
from bot.outbox import Intent, Param, Tell, group_lane, person_lane, staff_lane, tell
from bot.residents.model import (
    JOIN_WINDOW,
    MAX_REASON,
    BuildingMembers,
    Membership,
    MembershipStatus,
    Ownership,
    OwnershipMethod,
    OwnershipStatus,
    RejectReason,
    Relation,
    Verification,
    check_join_limits,
    check_owner_claim_limits,
    join_reviewers,
    phone_hash,
)
from bot.residents.ports import ResidentsUnitOfWork
from bot.roles.model import Actor
from bot.units.model import StoredUnit, natural_order, normalize_phone, normalize_unit_code


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
    reply_to: int | None = None,
    applicant: Actor | None = None,
    chat_admins: Collection[int] = (),
) -> Membership:
    """A pending request, to be reviewed by an admin or a rep of the unit's building (never by
    the applicant), within the limits of `check_join_limits` (a few waiting at once, a few an
    hour). Approved "as owner", it verifies ownership too; the developer's units are
    not owned through a join (the developer's agent votes them). Its review card goes through
    the outbox to the reviewers only, never to the whole group: to the staff chat if the
    community has one, else one entry per reviewer (`join_reviewers`: the building's reps, else
    the admins, else `chat_admins`, the group's Telegram administrators), each in their own
    lane; `of` is how many there are, so the last one found unreachable tells the group that a
    request waits (without who or which unit). `reply_to`, the request's message in the group,
    is kept for telling the applicant there if they cannot be written to. An `applicant` who is
    a reviewer of the building cannot approve it, and the admins are told."""
    unit_id, building = await check_can_join(uow, community.id, user_id, unit_code)
    check_join_limits(
        await uow.residents.review_requests(community.id, user_id, since=now - JOIN_WINDOW), now
    )
    if relation is Relation.OWNER:
        await _ownable(uow, community.id, normalize_unit_code(unit_code))
    await uow.users.remember(user_id, user_name, now=now)
    membership = await uow.residents.add(
        unit_id=unit_id,
        user_id=user_id,
        relation=relation,
        status=MembershipStatus.PENDING,
        verification=Verification.REVIEW,
        now=now,
    )
    for lane, to, of in await _review_routes(uow, community, building, user_id, chat_admins):
        params: dict[str, Param] = {"to": to, "of": of, "reply_to": reply_to}
        await tell(uow, Intent(Tell.JOIN_CARD, membership.id, lane, params), now=now)
    await _tell_if_self_review(uow, community, applicant, building, "join", membership.id, now)
    await uow.commit()
    return membership


async def _review_routes(
    uow: ResidentsUnitOfWork,
    community: Community,
    building: str,
    applicant_id: int,
    chat_admins: Collection[int],
) -> list[tuple[str, int, int]]:
    """Where a review card goes (lane, `to`, how many): the staff chat (`to` 0) if the
    community has one, else each of `join_reviewers` in their own lane; nobody at all: the
    group's lane with `to` -1 (the group hears only that a request waits)."""
    if community.staff_chat_id is not None:
        return [(staff_lane(community.id), 0, 1)]
    grants = await uow.roles.of_community(community.id)
    reviewers = join_reviewers(grants, building, applicant_id=applicant_id, chat_admins=chat_admins)
    if not reviewers:
        return [(group_lane(community.id), -1, 1)]
    return [(person_lane(reviewer), reviewer, len(reviewers)) for reviewer in reviewers]


async def _tell_if_self_review(
    uow: ResidentsUnitOfWork,
    community: Community,
    applicant: Actor | None,
    building: str,
    kind: str,
    subject: int,
    now: datetime,
) -> None:
    """A reviewer of the building asking for themselves: the other admins are told."""
    if applicant is not None and applicant.can_review(building):
        notice = Intent(Tell.SELF_REVIEW, subject, staff_lane(community.id), {"kind": kind})
        await tell(uow, notice, now=now)


async def attach_card(
    uow: ResidentsUnitOfWork, membership_id: int, chat_id: int, message_id: int
) -> None:
    """Remember where a copy of the request's card is (one per reviewer's chat), so that every
    copy is updated when it is decided."""
    await uow.residents.add_card(membership_id, chat_id, message_id)
    await uow.commit()


async def review_missed(uow: ResidentsUnitOfWork, membership_id: int, chat_id: int) -> int:
    """A reviewer the card could not reach; how many of the request's reviewers are missed."""
    missed = await uow.residents.add_review_miss(membership_id, chat_id)
    await uow.commit()
    return missed


@dataclass(frozen=True, slots=True)
class Decision:
    membership: Membership


async def decide_join(
    uow: ResidentsUnitOfWork,
    *,
    community: Community,
    membership_id: int,
    actor: Actor,
    actor_name: str,
    approve: bool,
    now: datetime,
    reason: RejectReason | None = None,
    note: str = "",
) -> Decision:
    """Approve or reject a pending request of this community; a second press changes nothing.
    A rejection carries a preset `reason`, or (OTHER) the reviewer's typed `note`, told to the
    applicant; the reviewer's "type the reason" prompt is settled with it."""
    membership = await reviewable(uow, community, membership_id, actor)
    clean = " ".join(note.split())[:MAX_REASON]
    if reason is RejectReason.OTHER and not clean:
        raise UserError("join.reason_empty")
    status = MembershipStatus.VERIFIED if approve else MembershipStatus.REJECTED
    await uow.users.remember(actor.user_id, actor_name, now=now)
    await uow.residents.decide(membership_id, status, decided_by=actor.user_id, now=now)
    if approve and membership.relation is Relation.OWNER:
        stored = await uow.units.get(community.id, membership.unit_code)
        if stored is not None and not stored.unit.is_developer:
            await _verify_owner(
                uow,
                community.id,
                stored,
                membership.user_id,
                OwnershipMethod.REVIEW,
                actor.user_id,
                now,
            )
        else:
            await uow.residents.set_relation(membership_id, Relation.RESIDENT)
    decided = await uow.residents.get(membership_id)
    # the card shows the decision and the applicant is told, privately or under the card
    outcome: dict[str, Param] = {"status": status.value}
    if not approve and reason is not None:
        outcome["reason"] = reason.value
        outcome["note"] = clean if reason is RejectReason.OTHER else None
    await uow.residents.drop_reason_prompt(actor.user_id)
    lane = person_lane(membership.user_id)
    await tell(uow, Intent(Tell.JOIN_OUTCOME, membership_id, lane, outcome), now=now)
    await uow.commit()
    assert decided is not None
    return Decision(decided)


async def reviewable(
    uow: ResidentsUnitOfWork, community: Community, membership_id: int, actor: Actor
) -> Membership:
    """The pending request of this community that this actor may decide; else a UserError:
    not found, not a reviewer of its building, decided already (by whom), or one's own."""
    membership = await uow.residents.get(membership_id)
    if membership is None or membership.community_id != community.id:
        raise NotFound("join.request_not_found")
    if not actor.can_review(membership.building):
        raise NotAllowed("join.not_reviewer", building=membership.building)
    if membership.status is not MembershipStatus.PENDING:
        raise UserError(
            f"join.decided_{membership.status.value}", by=membership.decided_by_name or "-"
        )
    if actor.user_id == membership.user_id:
        raise NotAllowed("join.own_request")
    return membership


async def ask_reject_reason(
    uow: ResidentsUnitOfWork,
    *,
    community: Community,
    membership_id: int,
    actor: Actor,
    now: datetime,
) -> Membership:
    """The reviewer chose "other reason": their next private message is the reason. Kept in
    the database (not in memory), so the prompt survives a restart; one per reviewer."""
    membership = await reviewable(uow, community, membership_id, actor)
    await uow.residents.ask_reason(actor.user_id, membership_id, now=now)
    await uow.commit()
    return membership


async def drop_reject_reason(uow: ResidentsUnitOfWork, user_id: int) -> None:
    """Forget a prompt whose request was decided meanwhile (by someone else)."""
    await uow.residents.drop_reason_prompt(user_id)
    await uow.commit()


async def pending_for(
    uow: ResidentsUnitOfWork, community_id: int, actor: Actor
) -> list[Membership]:
    """The requests waiting in this community that the actor may decide (their buildings for
    a rep, all for an admin), never their own, oldest first."""
    return [
        m
        for m in await uow.residents.pending(community_id)
        if m.verification is Verification.REVIEW
        and actor.can_review(m.building)
        and m.user_id != actor.user_id
    ]


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
    cast for. The developer's units are left out: a developer agent (`Role.DEVELOPER_AGENT`)
    votes them, as one owner."""
    return frozenset(
        o.unit_code
        for o in await uow.ownerships.live_of_user(user_id)
        if o.community_id == community_id
        and o.status is OwnershipStatus.VERIFIED
        and not o.is_developer_unit
    )


async def unit_owners(uow: ResidentsUnitOfWork, community_id: int) -> dict[str, frozenset[int]]:
    """Unit code → the users verified as its owners (for reminders and ballot-change notes).
    The developer's units have none here (see `owned_units`)."""
    owners: dict[str, set[int]] = defaultdict(set)
    for ownership in await uow.ownerships.verified(community_id):
        if not ownership.is_developer_unit:
            owners[ownership.unit_code].add(ownership.user_id)
    return {unit: frozenset(users) for unit, users in owners.items()}


async def _ownable(uow: ResidentsUnitOfWork, community_id: int, code: str) -> StoredUnit:
    unit = await uow.units.get(community_id, code)
    if unit is None or unit.retired:
        raise NotFound("join.unknown_unit", unit=code)
    if unit.unit.is_developer:
        raise UserError("owner.developer_unit", unit=code)
    return unit


async def _verify_owner(
    uow: ResidentsUnitOfWork,
    community_id: int,
    unit: StoredUnit,
    user_id: int,
    method: OwnershipMethod,
    decided_by: int | None,
    now: datetime,
    hashed_phone: str | None = None,
) -> bool:
    """Make (or confirm) the user a verified owner of the unit; their live membership there
    becomes an owner's. False if they were one already."""
    live = await uow.ownerships.live_for(unit.id, user_id)
    if live is not None and live.status is OwnershipStatus.VERIFIED:
        return False
    if live is not None:  # a pending review request: settled by this
        await uow.ownerships.decide(
            live.id,
            OwnershipStatus.VERIFIED,
            decided_by=decided_by,
            now=now,
            method=method,
            phone_hash=hashed_phone,
        )
    else:
        await uow.ownerships.add(
            unit_id=unit.id,
            user_id=user_id,
            status=OwnershipStatus.VERIFIED,
            method=method,
            now=now,
            decided_by=decided_by,
            phone_hash=hashed_phone,
        )
    for membership in await uow.residents.live_of_user(user_id):
        if (
            membership.community_id == community_id
            and membership.unit_code == unit.code
            and membership.relation is not Relation.OWNER
        ):
            await uow.residents.set_relation(membership.id, Relation.OWNER)
    return True


async def claim_ownership(
    uow: ResidentsUnitOfWork,
    *,
    community: Community,
    user_id: int,
    user_name: str,
    unit_code: str,
    now: datetime,
    applicant: Actor | None = None,
    chat_admins: Collection[int] = (),
) -> Ownership:
    """Ask to be verified as an owner of a unit by review (an admin or the building's rep who
    is not the applicant; an `applicant` who is a reviewer there has the admins told). Its
    review card goes to the reviewers only, as a join request's does (`request_join`): never
    to the whole group, which hears at most that a request waits."""
    code = normalize_unit_code(unit_code)
    unit = await _ownable(uow, community.id, code)
    live = await uow.ownerships.live_for(unit.id, user_id)
    if live is not None and live.status is OwnershipStatus.VERIFIED:
        raise UserError("owner.already_owner", unit=code)
    if live is not None:
        raise UserError("owner.already_pending", unit=code)
    check_owner_claim_limits(
        await uow.ownerships.review_claims(community.id, user_id, since=now - JOIN_WINDOW), now
    )
    await uow.users.remember(user_id, user_name, now=now)
    claim = await uow.ownerships.add(
        unit_id=unit.id,
        user_id=user_id,
        status=OwnershipStatus.PENDING,
        method=OwnershipMethod.REVIEW,
        now=now,
    )
    routes = await _review_routes(uow, community, claim.building, user_id, chat_admins)
    for lane, to, of in routes:
        card = Intent(Tell.OWNER_CARD, claim.id, lane, {"to": to, "of": of})
        await tell(uow, card, now=now)
    await _tell_if_self_review(uow, community, applicant, claim.building, "owner", claim.id, now)
    await uow.commit()
    return claim


async def attach_ownership_card(
    uow: ResidentsUnitOfWork, ownership_id: int, chat_id: int, message_id: int
) -> None:
    """Remember one reviewer's copy of an ownership request's card (one per chat)."""
    await uow.ownerships.add_card(ownership_id, chat_id, message_id)
    await uow.commit()


async def ownership_review_missed(uow: ResidentsUnitOfWork, ownership_id: int, chat_id: int) -> int:
    """A reviewer the card could not reach; how many of the request's reviewers are missed."""
    missed = await uow.ownerships.add_review_miss(ownership_id, chat_id)
    await uow.commit()
    return missed


async def owner_pending_for(
    uow: ResidentsUnitOfWork, community_id: int, actor: Actor
) -> list[Ownership]:
    """The requests to be verified as owner waiting in this community that the actor may
    decide (their buildings for a rep, all for an admin), never their own, oldest first."""
    return [
        o
        for o in await uow.ownerships.pending(community_id)
        if actor.can_review(o.building) and o.user_id != actor.user_id
    ]


@dataclass(frozen=True, slots=True)
class OwnershipDecision:
    ownership: Ownership


async def decide_ownership(
    uow: ResidentsUnitOfWork,
    *,
    community: Community,
    ownership_id: int,
    actor: Actor,
    actor_name: str,
    approve: bool,
    now: datetime,
) -> OwnershipDecision:
    """Approve or reject a pending request to be verified as owner; never one's own."""
    claim = await uow.ownerships.get(ownership_id)
    if claim is None or claim.community_id != community.id:
        raise NotFound("owner.request_not_found")
    if not actor.can_review(claim.building):
        raise NotAllowed("join.not_reviewer", building=claim.building)
    if claim.status is not OwnershipStatus.PENDING:
        raise UserError(f"owner.decided_{claim.status.value}", by=claim.decided_by_name or "-")
    if actor.user_id == claim.user_id:
        raise NotAllowed("join.own_request")
    await uow.users.remember(actor.user_id, actor_name, now=now)
    if approve:
        stored = await _ownable(uow, community.id, claim.unit_code)
        await _verify_owner(
            uow, community.id, stored, claim.user_id, OwnershipMethod.REVIEW, actor.user_id, now
        )
    else:
        await uow.ownerships.decide(
            ownership_id, OwnershipStatus.REJECTED, decided_by=actor.user_id, now=now
        )
    decided = await uow.ownerships.get(ownership_id)
    assert decided is not None
    outcome = {"status": decided.status.value}
    lane = person_lane(claim.user_id)
    await tell(uow, Intent(Tell.OWNER_OUTCOME, ownership_id, lane, outcome), now=now)
    await uow.commit()
    assert decided is not None
    return OwnershipDecision(decided)


@dataclass(frozen=True, slots=True)
class PhoneVerification:
    """The units (community id, unit code) the user is now a verified owner of by phone, and
    the pending review requests this settled (their cards are to be updated)."""

    units: tuple[tuple[int, str], ...]
    settled: tuple[Ownership, ...] = ()


async def verify_owner_by_phone(
    uow: ResidentsUnitOfWork,
    *,
    user_id: int,
    user_name: str,
    contact_user_id: int | None,
    phone: str,
    now: datetime,
) -> PhoneVerification:
    """A user shared a contact: if it is their own and its number is an owner's phone in a
    register, they are a verified owner of every unit with that phone (not the developer's).
    Only a salted hash of the number is kept."""
    if contact_user_id is None or contact_user_id != user_id:
        raise UserError("owner.contact_not_own")
    e164 = normalize_phone(phone)
    matches = await uow.units.with_phone(e164) if e164 is not None else []
    matches = [(cid, unit) for cid, unit in matches if not unit.unit.is_developer]
    if e164 is None or not matches:
        raise UserError("owner.phone_no_match")
    hashed = phone_hash(await uow.ownerships.secret(), e164)
    await uow.users.remember(user_id, user_name, now=now)
    pending = {
        (o.community_id, o.unit_code): o
        for o in await uow.ownerships.live_of_user(user_id)
        if o.status is OwnershipStatus.PENDING
    }
    settled = []
    for community_id, unit in matches:
        await _verify_owner(
            uow, community_id, unit, user_id, OwnershipMethod.PHONE, None, now, hashed
        )
        if (community_id, unit.code) in pending:
            claim = pending[(community_id, unit.code)]
            settled.append(claim)  # its review card is redrawn
            redraw = Intent(Tell.OWNER_CARD, claim.id, staff_lane(community_id), {})
            await tell(uow, redraw, now=now)
    refreshed = [await uow.ownerships.get(o.id) for o in settled]
    await uow.commit()
    return PhoneVerification(
        tuple((cid, unit.code) for cid, unit in matches),
        tuple(o for o in refreshed if o is not None),
    )
