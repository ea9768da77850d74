"""The stats use case: read the community's facts once and draw its figures. Read-only: it
never commits, so a repeated or redelivered /stats changes nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from bot.communities.model import Community
from bot.errors import NotFound, Whole
from bot.stats.model import (
    LAST_VOTES,
    CommunityStats,
    Deadlines,
    Facts,
    Month,
    community_figures,
    parse_month,
)
from bot.stats.ports import StatsUnitOfWork
from bot.units.model import natural_order

# votes read per /stats: enough for the last 10 of every building, whose own votes are among
# the community's
VOTES_READ: Final = LAST_VOTES * 4


async def community_stats(
    uow: StatsUnitOfWork,
    community: Community,
    *,
    building: str | None = None,
    month: str | None = None,
    now: datetime,
) -> CommunityStats:
    """The figures of the community, or of one of its buildings, over everything or one month
    (`2026-11`, in the community's time zone). An unknown building, a malformed month or one
    still ahead is refused."""
    asked: Month | None = None
    if month is not None:
        asked = parse_month(month, now=now, timezone=community.timezone)
    units = await uow.stats.units(community.id)
    buildings = sorted({u.building for u in units}, key=natural_order)
    if building is not None and building not in buildings:
        raise NotFound(
            "stats.no_such_building", building=building, buildings=Whole(", ".join(buildings))
        )
    since = asked.start(community.timezone) if asked else None
    until = asked.end(community.timezone) if asked else None
    facts = Facts(
        units=tuple(units),
        votes=tuple(
            await uow.stats.votes(community.id, since=since, until=until, limit=VOTES_READ)
        ),
        topics=tuple(await uow.stats.topics(community.id)),
        tickets=tuple(await uow.stats.tickets(community.id)),
        notices=tuple(await uow.stats.notices(community.id)),
        meetings=tuple(await uow.stats.meetings(community.id)),
    )
    return community_figures(
        community.id,
        facts,
        building=building,
        month=asked,
        timezone=community.timezone,
        deadlines=Deadlines(community.response_time, community.plan_time),
        now=now,
    )
