"""/stats's figures on a seeded SQLite file (tests/stats_seed.py says what was seeded), against
figures worked out by hand from that seed, for the community, one building and one month."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest

from bot.communities.model import Community
from bot.errors import UserError
from bot.reports.model import Category, TicketStatus
from bot.stats.cases import community_stats
from bot.stats.model import CommunityStats, Met, Month
from bot.topics.model import Step
from storage.database import Database
from tests.conftest import NOW
from tests.stats_seed import seed_stats

H = timedelta(hours=1)


async def _community(db: Database) -> Community:
    cid = await seed_stats(db)
    async with db.unit_of_work() as uow:
        community = await uow.communities.get(cid)
    assert community is not None
    return community


async def _stats(db: Database, community: Community, **scope: str) -> CommunityStats:
    async with db.unit_of_work() as uow:
        return await community_stats(uow, community, now=NOW, **scope)


async def test_the_community_over_all_time(db: Database) -> None:
    community = await _community(db)
    stats = await _stats(db, community)
    f = stats.figures
    # 8 units; joined: all but 2-202 and 2-201 (rejected); verified 5; 2 verified owners; Ben
    assert (f.households.units, f.households.registered, f.households.verified) == (8, 6, 5)
    assert (f.households.owners, f.households.tenants) == (2, 1)
    # votes oldest first, the draft left out: 2/8, 4/8, 3 of 7 owners, 3 of 4 in building 2
    assert [(v.number, v.voted, v.eligible, v.open) for v in f.votes] == [
        (1, 2, 8, False),
        (2, 4, 8, False),
        (3, 3, 7, False),
        (4, 3, 4, True),
    ]
    # the average of 1/4, 1/2, 3/7, 3/4 = 54/28 / 4 = 27/56
    assert f.participation == Fraction(27, 56)
    # 4 votes: the newest 2 (3/4, 3/7 → 33/56) against the 2 before (1/2, 1/4 → 3/8)
    assert f.trend is not None
    assert (f.trend.recent, f.trend.earlier, f.trend.side) == (Fraction(33, 56), Fraction(3, 8), 2)
    assert f.trend.direction == "up"
    # topics: 2 gathering support, 1 in review, 1 being voted, 1 published
    assert dict(f.topics) == {
        Step.PROPOSE: 0,
        Step.SUPPORT: 2,
        Step.REVIEW: 1,
        Step.VOTE: 1,
        Step.PUBLISH: 1,
    }
    t = f.tickets
    assert (t.total, t.open) == (6, 3)  # reported 2, in progress 1; closed 2, rejected 1
    assert dict(t.by_status)[TicketStatus.REPORTED] == 2
    assert dict(t.by_status)[TicketStatus.CLOSED] == 2
    assert t.median_acknowledge == 2 * H  # of 2 h, 30 h, 1 h
    assert t.median_resolve == 39 * H  # of 24 h and 54 h
    # answered in 24 h: #1 (2 h), #3 (1 h), #5 (rejected in 4 h); missed: #2 (30 h), #6 (never);
    # #4 is inside its 24 h
    assert t.response == Met(3, 5)
    # resolved within 72 h of being acknowledged: #1 (22 h), #2 (24 h); #3 still open after 7 d
    assert t.plan == Met(2, 3)
    assert (t.rating, t.rated) == (Fraction(4), 2)
    # notices: 1 of 5, 3 of 5 (2-201 is not verified), 1 of 2 in building 2 → 5 of 12
    assert (f.notices.notices, f.notices.read, f.notices.total) == (3, 5, 12)
    # meetings held: 1 and 3 attending, of 5 verified households
    assert (f.meetings.held, f.meetings.attending, f.meetings.households) == (2, 4, 5)
    assert f.meetings.rate == Fraction(4, 10)


async def test_the_charts_data(db: Database) -> None:
    community = await _community(db)
    stats = await _stats(db, community)
    # closed votes by their closing day, the open one by its opening day (Shanghai time)
    assert stats.participation_by_vote == (
        (1, date(2026, 10, 10), 0.25),
        (2, date(2026, 10, 27), 0.5),
        (3, date(2026, 11, 9), 3 / 7),
        (4, date(2026, 11, 15), 0.75),
    )
    # building 1: 2/4, 3/4, 3/4 (vote 4 is building 2's) → 2/3; building 2: 0, 1/4, 1/4, 3/4
    assert stats.participation_by_building == (("1", 2 / 3), ("2", 5 / 16))
    assert stats.tickets_by_category_status == (
        (Category.WATER_ELECTRICITY, TicketStatus.CLOSED, 1),
        (Category.ELEVATOR, TicketStatus.REPORTED, 1),
        (Category.ELEVATOR, TicketStatus.CLOSED, 1),
        (Category.SANITATION, TicketStatus.IN_PROGRESS, 1),
        (Category.NOISE, TicketStatus.REJECTED, 1),
        (Category.OTHER, TicketStatus.REPORTED, 1),
    )
    assert stats.resolve_times == (24 * H, 54 * H)


async def test_each_building_has_its_own_figures(db: Database) -> None:
    community = await _community(db)
    stats = await _stats(db, community)
    one, two = (f for _, f in stats.buildings)
    assert [b for b, _ in stats.buildings] == ["1", "2"]
    assert (one.households.units, one.households.verified, one.households.tenants) == (4, 3, 1)
    assert one.participation == Fraction(2, 3)
    assert (one.tickets.total, one.tickets.open) == (3, 1)
    # notice 1: 1 of 3 (1-201); notice 2: 2 of 3; notice 3 is building 2's
    assert (one.notices.read, one.notices.total) == (3, 6)
    assert (two.households.verified, two.participation) == (2, Fraction(5, 16))
    # notice 1: 0 of 2; notice 2: 1 of 2 (2-101); notice 3: 1 of 2
    assert (two.notices.read, two.notices.total) == (2, 6)
    assert (two.tickets.total, two.tickets.open) == (3, 2)


async def test_one_building(db: Database) -> None:
    community = await _community(db)
    stats = await _stats(db, community, building="1")
    f = stats.figures
    assert stats.buildings == ()
    assert [(v.number, v.voted, v.eligible) for v in f.votes] == [(1, 2, 4), (2, 3, 4), (3, 3, 4)]
    assert f.trend is not None and f.trend.direction == "steady"  # 3/4 against 3/4
    assert [t for t in f.tickets.by_status if t[1]] == [
        (TicketStatus.REPORTED, 1),
        (TicketStatus.CLOSED, 2),
    ]
    # held meetings: 1-201 (meeting 1), 1-101 and 1-102 (meeting 2); 3 verified households
    assert (f.meetings.attending, f.meetings.households) == (3, 3)
    assert f.meetings.average == Fraction(3, 2)


async def test_one_month_leaves_october_out(db: Database) -> None:
    community = await _community(db)
    stats = await _stats(db, community, month="2026-11")
    f = stats.figures
    assert stats.month == Month(2026, 11)
    assert [v.number for v in f.votes] == [3, 4]
    assert f.participation == Fraction(33, 56)
    assert f.trend is not None and (f.trend.recent, f.trend.earlier) == (
        Fraction(3, 4),
        Fraction(3, 7),
    )
    assert sum(n for _, n in f.topics) == 2  # topics 2 and 3
    # ticket 1 (October) left out
    assert f.tickets.total == 5
    assert f.tickets.median_acknowledge == timedelta(hours=15, minutes=30)  # of 30 h and 1 h
    assert f.tickets.median_resolve == 54 * H
    assert f.tickets.response == Met(2, 4)
    assert f.tickets.plan == Met(1, 2)
    assert f.tickets.rating == 3
    assert (f.notices.notices, f.notices.read, f.notices.total) == (2, 4, 7)
    assert (f.meetings.held, f.meetings.attending) == (1, 3)
    assert f.meetings.rate == Fraction(3, 5)


@pytest.mark.parametrize(
    ("scope", "key"),
    [
        ({"building": "9"}, "stats.no_such_building"),
        ({"month": "2026-13"}, "stats.bad_month"),
        ({"month": "11-2026"}, "stats.bad_month"),
        ({"month": "abc"}, "stats.bad_month"),
        ({"month": "2026-12"}, "stats.future_month"),
    ],
)
async def test_bad_scopes_are_refused(db: Database, scope: dict[str, str], key: str) -> None:
    community = await _community(db)
    with pytest.raises(UserError) as refused:
        await _stats(db, community, **scope)
    assert refused.value.key == key
