"""Use cases of points: earning inside the other features' transactions (`earn`, never
committing), admins' grants and redemptions, one's own points, the ranking, the opt-out and
the amounts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError, Whole
from bot.outbox import Intent, Tell, person_lane, tell
from bot.points.model import (
    DEFAULT_AMOUNTS,
    EARNING_ACTS,
    LAST_ENTRIES,
    MAX_RULE,
    TOP_LIMIT,
    Act,
    Entry,
    Standing,
    check_amount,
    check_reason,
    month_start,
    rank,
)
from bot.points.ports import PointsUnitOfWork
from bot.residents.cases import refuse_unverified, verified_households
from bot.residents.model import MembershipStatus
from bot.roles.model import Actor
from bot.units.model import normalize_unit_code


async def amounts(uow: PointsUnitOfWork, community_id: int) -> dict[Act, int]:
    """What each earning act pays in this community: its setting, else the default."""
    stored = await uow.points.amounts(community_id)
    return {act: stored.get(act, DEFAULT_AMOUNTS[act]) for act in EARNING_ACTS}


async def earn_each(
    uow: PointsUnitOfWork,
    *,
    community_id: int,
    act: Act,
    earnings: Iterable[tuple[str, int]],
    now: datetime,
) -> None:
    """Pay `act` to each (household, key) that has not been paid for it yet, in one statement:
    the ledger's unique index on (community, act, key, household) makes a second time a no-op
    (a changed ballot, a support pressed again, a redelivered update). Part of the caller's
    transaction: never commits. An act set to 0 pays nothing."""
    rows = list(dict.fromkeys(earnings))
    if not rows:
        return
    amount = (await uow.points.amounts(community_id)).get(act, DEFAULT_AMOUNTS[act])
    if amount > 0:
        await uow.points.add_earned(community_id, act, amount, rows, now=now)


async def earn(
    uow: PointsUnitOfWork,
    *,
    community_id: int,
    unit_code: str,
    act: Act,
    key: int,
    now: datetime,
) -> None:
    """One household earns `act` for `key`, once ever (see `earn_each`)."""
    await earn_each(uow, community_id=community_id, act=act, earnings=[(unit_code, key)], now=now)


@dataclass(frozen=True, slots=True)
class PointsChange:
    """A grant or redemption as recorded: the household's balance after it, and how many of
    its residents are told privately."""

    entry: Entry
    balance: int
    told: int


async def grant(
    uow: PointsUnitOfWork,
    *,
    community: Community,
    actor: Actor,
    unit_code: str,
    amount: int,
    reason: str,
    now: datetime,
) -> PointsChange:
    """An admin gives a household points, with a reason."""
    return await _adjust(uow, community, actor, Act.GRANT, unit_code, amount, reason, now)


async def redeem(
    uow: PointsUnitOfWork,
    *,
    community: Community,
    actor: Actor,
    unit_code: str,
    amount: int,
    reason: str,
    now: datetime,
) -> PointsChange:
    """An admin takes points from a household for a community service (a parking hour…), with
    a reason; never more than its balance."""
    return await _adjust(uow, community, actor, Act.REDEEM, unit_code, amount, reason, now)


async def _adjust(
    uow: PointsUnitOfWork,
    community: Community,
    actor: Actor,
    act: Act,
    unit_code: str,
    amount: int,
    reason: str,
    now: datetime,
) -> PointsChange:
    if not actor.is_admin:
        raise NotAllowed("points.admins_only")
    unit = normalize_unit_code(unit_code)
    if await uow.units.get(community.id, unit) is None:
        raise NotFound("points.unknown_unit", unit=unit)
    check_amount(amount)
    why = check_reason(reason)
    before = await uow.points.balance(community.id, unit)
    if act is Act.REDEEM and amount > before:
        raise UserError("points.beyond_balance", unit=unit, balance=before, amount=amount)
    signed = amount if act is Act.GRANT else -amount
    entry = Entry(community.id, unit, act, signed, None, why, actor.user_id, now)
    entry_id = await uow.points.add(entry)
    residents = sorted(
        {m.user_id for m in await uow.residents.verified(community.id) if m.unit_code == unit}
    )
    for user_id in residents:  # each told privately, through the outbox
        await tell(uow, Intent(Tell.POINTS_CHANGED, entry_id, person_lane(user_id)), now=now)
    await uow.commit()
    return PointsChange(
        Entry(community.id, unit, act, signed, None, why, actor.user_id, now, entry_id),
        before + signed,
        len(residents),
    )


@dataclass(frozen=True, slots=True)
class HouseholdPoints:
    """One of the user's households: its balance and its latest entries, newest first."""

    community: Community
    unit_code: str
    balance: int
    entries: tuple[Entry, ...]


async def my_points(
    uow: PointsUnitOfWork, *, user_id: int, community: Community | None = None
) -> list[HouseholdPoints]:
    """The user's verified households (in `community`, or in every community they live in),
    each with its total and last 10 entries."""
    if community is not None:
        mine = await verified_households(uow, community.id, user_id)
        if not mine:
            await refuse_unverified(uow, community.id, user_id, "points.not_resident")
    else:
        mine = [
            m
            for m in await uow.residents.live_of_user(user_id)
            if m.status is MembershipStatus.VERIFIED
        ]
        if not mine:
            raise NotAllowed("points.not_resident")
    found: list[HouseholdPoints] = []
    for membership in mine:
        where = community or await uow.communities.get(membership.community_id)
        if where is None:
            continue
        unit = membership.unit_code
        entries = await uow.points.entries(where.id, [unit], limit=LAST_ENTRIES)
        total = (await uow.points.balances(where.id, [unit])).get(unit, 0)
        found.append(HouseholdPoints(where, unit, total, tuple(entries)))
    return found


async def hidden_households(uow: PointsUnitOfWork, community_id: int) -> set[str]:
    """The households one of whose current residents opted out of being named."""
    residents = {(m.unit_code, m.user_id) for m in await uow.residents.verified(community_id)}
    return {
        unit for unit, user in await uow.points.opt_outs(community_id) if (unit, user) in residents
    }


async def ranking(
    uow: PointsUnitOfWork,
    community_id: int,
    *,
    since: datetime | None,
    until: datetime,
    limit: int = TOP_LIMIT,
) -> list[Standing]:
    """The households that earned most from `since` (None: all time) until `until`, most first
    (ties by unit code); redemptions do not count against a household. Shown by unit only;
    one that opted out keeps its place, not named. Also for the weekly digest."""
    totals = await uow.points.earned(community_id, since=since, until=until)
    if not totals:
        return []
    buildings = {u.code: u.building for u in await uow.units.stored(community_id)}
    return rank(totals, buildings, await hidden_households(uow, community_id), limit)


@dataclass(frozen=True, slots=True)
class Top:
    month_start: datetime
    month: list[Standing]
    all_time: list[Standing]


async def top(uow: PointsUnitOfWork, *, community: Community, now: datetime) -> Top:
    """`/top`: this month (on the community's clock) and all time; none yet is a refusal."""
    start = month_start(now, community.timezone)
    all_time = await ranking(uow, community.id, since=None, until=now)
    if not all_time:
        raise UserError("points.none_yet")
    month = await ranking(uow, community.id, since=start, until=now)
    return Top(start, month, all_time)


@dataclass(frozen=True, slots=True)
class OptOut:
    households: tuple[str, ...]
    out: bool
    hidden_by_others: tuple[str, ...]  # after opting in: still hidden by another resident


async def set_opt_out(
    uow: PointsUnitOfWork, *, community: Community, user_id: int, out: bool, now: datetime
) -> OptOut:
    """`/top optout` hides each of the user's households from being named in the ranking (any
    one resident's opt-out hides the household); `/top optin` takes back their own."""
    mine = [m.unit_code for m in await verified_households(uow, community.id, user_id)]
    if not mine:
        await refuse_unverified(uow, community.id, user_id, "points.not_resident")
    households = tuple(dict.fromkeys(mine))
    for unit in households:
        await uow.points.set_opt_out(community.id, unit, user_id, out=out, now=now)
    still = await hidden_households(uow, community.id)
    await uow.commit()
    return OptOut(households, out, tuple(h for h in households if h in still) if not out else ())


async def set_amount(
    uow: PointsUnitOfWork, *, community: Community, act: Act, amount: int, is_admin: bool
) -> dict[Act, int]:
    """`/settings points <act> <n>` (admins): what an act pays from now on; 0 turns it off.
    What was earned stays earned."""
    if not is_admin:
        raise NotAllowed("points.settings_admins_only")
    if act not in EARNING_ACTS:
        raise UserError("points.unknown_act", acts=Whole(", ".join(a.value for a in EARNING_ACTS)))
    if not 0 <= amount <= MAX_RULE:
        raise UserError("points.bad_rule", high=MAX_RULE)
    await uow.points.set_amount(community.id, act, amount)
    updated = await amounts(uow, community.id)
    await uow.commit()
    return updated
