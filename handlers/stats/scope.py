"""Which community a private /stats (or its charts) may be about, the asker's own, and its
figures."""

from __future__ import annotations

from bot.communities.model import Community
from bot.errors import NotFound, UserError, Whole
from bot.residents.profile import load_profile
from bot.stats.cases import community_stats
from bot.stats.model import CommunityStats, StatsRequest, parse_month
from bot.units.model import natural_order
from handlers.context import BotContext


async def tied_communities(context: BotContext, user_id: int) -> list[Community]:
    """The communities a private /stats may be about: lived in, owned in, with a role, or set
    up by the asker."""
    async with context.services.uow() as uow:
        found = [p.community for p in await load_profile(uow, user_id)]
        found += await uow.communities.created_by(user_id)
    return sorted({c.id: c for c in found}.values(), key=lambda c: c.name)


async def offered_communities(
    context: BotContext, user_id: int, request: StatsRequest
) -> list[Community]:
    """The asker's communities a private /stats may answer for: with the building asked, if
    one was; a malformed month is refused before any button is offered."""
    communities = await tied_communities(context, user_id)
    if not communities:
        raise UserError("stats.no_community")
    if request.month is not None:
        parse_month(request.month, now=context.services.now(), timezone=communities[0].timezone)
    if request.building is None:
        return communities
    async with context.services.uow() as uow:
        buildings = {c.id: await uow.units.buildings(c.id) for c in communities}
    having = [c for c in communities if request.building in buildings[c.id]]
    if not having:
        known = sorted(set().union(*buildings.values()), key=natural_order)
        raise NotFound(
            "stats.no_such_building", building=request.building, buildings=Whole(", ".join(known))
        )
    return having


async def stats_of(
    context: BotContext, community: Community, request: StatsRequest
) -> CommunityStats:
    """The figures asked (a building, a month) as the database holds them now."""
    async with context.services.uow() as uow:
        return await community_stats(
            uow,
            community,
            building=request.building,
            month=request.month,
            now=context.services.now(),
        )
