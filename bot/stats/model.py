"""Participation made visible: the figures of a community (or one building, or one month) from
what the bot already holds, as exact numbers. Pure: the facts come in from `StatsRepo`, every
rule that turns them into figures is here and testable with plain values.

The rules, in words (the /stats answer and the README say the same):
- households: units in the register; registered (a resident asked to join, waiting or
  verified); verified; with a verified owner; with a verified tenant. Always as they stand now.
- a vote's participation: of its frozen electorate (households, or owners for a Civil Code
  vote), the share whose ballot was cast; for one building, the share of the building's
  households whose ballot (their own or their owner's) was cast.
- the trend: the average participation of the newest 3 votes against the 3 before them (with
  fewer than 6 votes, the newer half against the older half; fewer than 2: no trend).
- tickets: answered within the response deadline (a first step by staff, a rejection too);
  resolved within the plan deadline counted from being acknowledged; both with the
  community's deadlines. A ticket still inside its deadline is not counted yet.
- notices: the read rule of `bot.notices.model.count_reads`, summed over the notices.
- meetings: the households that answered "attend" for each held meeting."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Final
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.i18n import ascii_digits
from bot.notices.model import households_in_scope
from bot.reports.model import Category, TicketStatus
from bot.topics.model import Step, TopicStatus, step_of
from bot.units.model import natural_order

LAST_VOTES: Final = 10  # the votes /stats shows
TREND_SIDE: Final = 3  # the newest 3 votes against the 3 before them
STEADY: Final = Fraction(1, 100)  # a trend under one percentage point is steady
FIRST_YEAR: Final = 2000

_BUILDING_WORDS: Final = frozenset({"building", "b", "楼栋", "楼", "栋"})
_MONTH_WORDS: Final = frozenset({"month", "m", "月份", "月"})
_MONTH: Final = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


# --- the request ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month on the community's wall clock."""

    year: int
    month: int

    @property
    def text(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def start(self, timezone: str) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=ZoneInfo(timezone)).astimezone(UTC)

    def end(self, timezone: str) -> datetime:
        following = Month(self.year + self.month // 12, self.month % 12 + 1)
        return following.start(timezone)

    @classmethod
    def of(cls, moment: datetime, timezone: str) -> Month:
        local = moment.astimezone(ZoneInfo(timezone))
        return cls(local.year, local.month)


def parse_month(text: str, *, now: datetime, timezone: str) -> Month:
    """`2026-11` (also `2026/11`, `2026年11月`, full-width digits): a month that has begun in
    the community's time zone. Malformed and future months are refused, each with its answer."""
    found = _MONTH.match(ascii_digits(text.strip()))
    if found is None:
        raise UserError("stats.bad_month", text=text)
    year, month = int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12 or year < FIRST_YEAR:
        raise UserError("stats.bad_month", text=text)
    asked = Month(year, month)
    if asked > Month.of(now, timezone):
        raise UserError("stats.future_month", month=asked.text)
    return asked


@dataclass(frozen=True, slots=True)
class StatsRequest:
    """What `/stats` was asked: one building and/or one month (as typed; read by the use case
    in the community's time zone)."""

    building: str | None = None
    month: str | None = None


def parse_stats_args(args: Sequence[str]) -> StatsRequest:
    """`building 3` / `楼栋 3` and `month 2026-11` / `月份 2026-11`, in either order; a bare
    month (`/stats 2026-11`) too. Anything else: the usage."""
    building: str | None = None
    month: str | None = None
    words = list(args)
    while words:
        word = words.pop(0)
        lowered = word.lower()
        if lowered in _BUILDING_WORDS and words and building is None:
            building = words.pop(0)
        elif lowered in _MONTH_WORDS and words and month is None:
            month = words.pop(0)
        elif month is None and any(c.isdigit() for c in ascii_digits(word)):
            month = word  # a bare month; read (and refused if malformed) in the use case
        else:
            raise UserError("usage.stats")
    return StatsRequest(building, month)


# --- the facts storage hands over -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitFact:
    """A unit of the register and who of it the bot knows."""

    code: str
    building: str
    registered: bool  # a live (waiting or verified) membership
    verified: bool
    owner_verified: bool
    tenant_verified: bool


@dataclass(frozen=True, slots=True)
class VoteFact:
    """An open or closed vote with its frozen electorate: how many voters (households or
    owners) and how many of them voted; per building, how many of its frozen units and how
    many of those whose voter voted."""

    number: int
    question: str
    rule: str
    building: str | None
    open: bool
    opened_at: datetime
    closed_at: datetime | None
    voters: int
    voted: int
    buildings: tuple[tuple[str, int, int], ...]  # (building, units voted, units)


@dataclass(frozen=True, slots=True)
class TopicFact:
    number: int
    status: TopicStatus
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TicketFact:
    number: int
    category: Category
    status: TicketStatus
    building: str | None
    created_at: datetime
    answered_at: datetime | None  # the first step by staff, a rejection included
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    rating: int | None


@dataclass(frozen=True, slots=True)
class NoticeFact:
    number: int
    building: str | None  # None: the whole community
    published_at: datetime
    reads: frozenset[str]  # households (unit codes) that confirmed


@dataclass(frozen=True, slots=True)
class MeetingFact:
    number: int
    starts_at: datetime
    attending: tuple[tuple[str, str], ...]  # (unit code, building) answering "attend"


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the figures are drawn from, for one community."""

    units: tuple[UnitFact, ...]
    votes: tuple[VoteFact, ...]  # newest first
    topics: tuple[TopicFact, ...]
    tickets: tuple[TicketFact, ...]
    notices: tuple[NoticeFact, ...]
    meetings: tuple[MeetingFact, ...]


@dataclass(frozen=True, slots=True)
class Deadlines:
    response: timedelta
    plan: timedelta


# --- the figures -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Households:
    units: int
    registered: int
    verified: int
    owners: int
    tenants: int


@dataclass(frozen=True, slots=True)
class VoteShare:
    """One vote's participation in the scope: `voted` of `eligible`."""

    number: int
    question: str
    open: bool
    at: datetime  # closed, or (still open) opened
    voted: int
    eligible: int

    @property
    def share(self) -> Fraction:
        return Fraction(self.voted, self.eligible) if self.eligible else Fraction(0)


@dataclass(frozen=True, slots=True)
class Trend:
    """The average participation of the newer votes against the older ones."""

    recent: Fraction
    earlier: Fraction
    side: int  # votes on each side

    @property
    def change(self) -> Fraction:
        return self.recent - self.earlier

    @property
    def direction(self) -> str:
        if self.change >= STEADY:
            return "up"
        if self.change <= -STEADY:
            return "down"
        return "steady"


@dataclass(frozen=True, slots=True)
class Met:
    """Of the tickets whose deadline is decided, those that met it."""

    met: int
    of: int

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.met, self.of) if self.of else None


@dataclass(frozen=True, slots=True)
class TicketFigures:
    total: int
    by_status: tuple[tuple[TicketStatus, int], ...]  # every status, in the table's order
    median_acknowledge: timedelta | None
    median_resolve: timedelta | None
    response: Met
    plan: Met
    rating: Fraction | None  # the average of the ratings given
    rated: int
    resolve_times: tuple[timedelta, ...]  # of the resolved tickets, shortest first

    @property
    def open(self) -> int:
        return sum(n for status, n in self.by_status if status.is_open)


@dataclass(frozen=True, slots=True)
class NoticeFigures:
    notices: int
    read: int
    total: int

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.read, self.total) if self.total else None


@dataclass(frozen=True, slots=True)
class MeetingFigures:
    held: int
    attending: int  # "attend" answers of households, summed over the held meetings
    households: int  # verified households now, the base of the rate

    @property
    def average(self) -> Fraction | None:
        return Fraction(self.attending, self.held) if self.held else None

    @property
    def rate(self) -> Fraction | None:
        if not self.held or not self.households:
            return None
        return Fraction(self.attending, self.held * self.households)


@dataclass(frozen=True, slots=True)
class Figures:
    """The figures of one scope: the community, or one building (topics and meetings are the
    community's: a topic has no building)."""

    households: Households
    votes: tuple[VoteShare, ...]  # oldest first
    participation: Fraction | None  # the average share of those votes
    trend: Trend | None
    topics: tuple[tuple[Step, int], ...]  # every step, in order
    tickets: TicketFigures
    notices: NoticeFigures
    meetings: MeetingFigures


@dataclass(frozen=True, slots=True)
class CommunityStats:
    """/stats: the figures of the scope asked, the same per building (for staff, and for the
    export), and the plain series the four charts draw."""

    community_id: int
    building: str | None
    month: Month | None
    as_of: datetime
    figures: Figures
    buildings: tuple[tuple[str, Figures], ...]  # every building (none when one was asked)
    # the charts' data (handlers/stats/charts.py):
    # (1) per vote, oldest first: (vote number, local date closed or opened, share 0..1)
    participation_by_vote: tuple[tuple[int, date, float], ...]
    # (2) per building, in natural order: (building, average share 0..1 of the votes)
    participation_by_building: tuple[tuple[str, float], ...]
    # (3) tickets counted per (category, status), only the pairs that occur
    tickets_by_category_status: tuple[tuple[Category, TicketStatus, int], ...]
    # (4) how long each resolved ticket took, shortest first
    resolve_times: tuple[timedelta, ...]


# --- the rules -------------------------------------------------------------------------------


def median(values: Sequence[timedelta]) -> timedelta | None:
    """The middle value; of an even count, the mean of the two middle ones."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def average(values: Sequence[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def trend_of(shares: Sequence[Fraction]) -> Trend | None:
    """`shares` newest first: the newest 3 against the 3 before them; with fewer than 6, the
    newer half against the older half (the middle one of an odd count left out)."""
    side = min(TREND_SIDE, len(shares) // 2)
    if side == 0:
        return None
    recent = average(shares[:side])
    earlier = average(shares[side : 2 * side])
    assert recent is not None and earlier is not None
    return Trend(recent, earlier, side)


def households_of(units: Iterable[UnitFact]) -> Households:
    chosen = list(units)
    return Households(
        units=len(chosen),
        registered=sum(u.registered for u in chosen),
        verified=sum(u.verified for u in chosen),
        owners=sum(u.owner_verified for u in chosen),
        tenants=sum(u.tenant_verified for u in chosen),
    )


def vote_share(vote: VoteFact, building: str | None) -> VoteShare | None:
    """The vote's participation in the scope; None if no household of the building is in its
    electorate."""
    at = vote.closed_at or vote.opened_at
    if building is None:
        voted, eligible = vote.voted, vote.voters
    else:
        counts = [(v, n) for b, v, n in vote.buildings if b == building]
        voted, eligible = counts[0] if counts else (0, 0)
    if not eligible:
        return None
    return VoteShare(vote.number, vote.question, vote.open, at, voted, eligible)


def ticket_figures(
    tickets: Sequence[TicketFact], deadlines: Deadlines, now: datetime
) -> TicketFigures:
    counts = Counter(ticket.status for ticket in tickets)
    acknowledge = [t.acknowledged_at - t.created_at for t in tickets if t.acknowledged_at]
    resolved = [
        t.resolved_at - t.created_at
        for t in tickets
        if t.resolved_at and t.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
    ]
    ratings = [t.rating for t in tickets if t.rating is not None]
    return TicketFigures(
        total=len(tickets),
        by_status=tuple((status, counts[status]) for status in TicketStatus),
        median_acknowledge=median(acknowledge),
        median_resolve=median(resolved),
        response=_response_met(tickets, deadlines.response, now),
        plan=_plan_met(tickets, deadlines.plan, now),
        rating=Fraction(sum(ratings), len(ratings)) if ratings else None,
        rated=len(ratings),
        resolve_times=tuple(sorted(resolved)),
    )


def _response_met(tickets: Iterable[TicketFact], limit: timedelta, now: datetime) -> Met:
    """Answered by staff within `limit` of being reported; a ticket not yet answered counts
    (as missed) once its deadline has passed."""
    met = of = 0
    for ticket in tickets:
        if ticket.answered_at is not None:
            of += 1
            met += ticket.answered_at - ticket.created_at <= limit
        elif now - ticket.created_at > limit:
            of += 1
    return Met(met, of)


def _plan_met(tickets: Iterable[TicketFact], limit: timedelta, now: datetime) -> Met:
    """Resolved within `limit` of being acknowledged; one acknowledged and still not resolved
    counts (as missed) once that has passed; rejected tickets are not counted."""
    met = of = 0
    for ticket in tickets:
        if ticket.acknowledged_at is None or ticket.status is TicketStatus.REJECTED:
            continue
        if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED) and ticket.resolved_at:
            of += 1
            met += ticket.resolved_at - ticket.acknowledged_at <= limit
        elif now - ticket.acknowledged_at > limit:
            of += 1
    return Met(met, of)


def notice_figures(
    notices: Sequence[NoticeFact], units: Sequence[UnitFact], building: str | None
) -> NoticeFigures:
    """Each notice counted by the rule of `bot.notices.model.count_reads` (N: the verified
    households in its scope, n: those of them that confirmed), with each scope's households
    found once; for one building, only its households and the notices that reach it."""
    verified = [(u.code, u.building) for u in units if u.verified]
    scopes: dict[str | None, frozenset[str]] = {}  # the households in each notice scope, once
    read = total = counted = 0
    for notice in notices:
        if building is not None and notice.building not in (None, building):
            continue
        if notice.building not in scopes:
            scopes[notice.building] = households_in_scope(notice.building, verified)
        households = scopes[notice.building]
        counted += 1
        read += len(households & notice.reads)
        total += len(households)
    return NoticeFigures(counted, read, total)


def meeting_figures(
    meetings: Sequence[MeetingFact], units: Sequence[UnitFact], building: str | None
) -> MeetingFigures:
    attending = sum(
        1 for m in meetings for _, b in m.attending if building is None or b == building
    )
    return MeetingFigures(len(meetings), attending, sum(u.verified for u in units))


def in_month(moment: datetime, month: Month | None, timezone: str) -> bool:
    return month is None or month.start(timezone) <= moment < month.end(timezone)


def figures_of(
    facts: Facts,
    *,
    building: str | None,
    month: Month | None,
    timezone: str,
    deadlines: Deadlines,
    now: datetime,
) -> Figures:
    """The figures of one scope: votes opened in the month, topics proposed, tickets reported,
    notices published and meetings held in it; households as they stand now."""
    units = [u for u in facts.units if building is None or u.building == building]
    shares = [
        share
        for vote in facts.votes
        if in_month(vote.opened_at, month, timezone)
        and (share := vote_share(vote, building)) is not None
    ][:LAST_VOTES]
    topics = Counter(
        step_of(t.status) for t in facts.topics if in_month(t.created_at, month, timezone)
    )
    tickets = [
        t
        for t in facts.tickets
        if in_month(t.created_at, month, timezone) and (building is None or t.building == building)
    ]
    notices = [n for n in facts.notices if in_month(n.published_at, month, timezone)]
    meetings = [m for m in facts.meetings if in_month(m.starts_at, month, timezone)]
    return Figures(
        households=households_of(units),
        votes=tuple(reversed(shares)),
        participation=average([s.share for s in shares]),
        trend=trend_of([s.share for s in shares]),
        topics=tuple((step, topics[step]) for step in Step),
        tickets=ticket_figures(tickets, deadlines, now),
        notices=notice_figures(notices, units, building),
        meetings=meeting_figures(meetings, units, building),
    )


def community_figures(
    community_id: int,
    facts: Facts,
    *,
    building: str | None,
    month: Month | None,
    timezone: str,
    deadlines: Deadlines,
    now: datetime,
) -> CommunityStats:
    """The scope's figures, every building's (when no building was asked), and the charts'
    series."""

    def scope(b: str | None) -> Figures:
        return figures_of(
            facts, building=b, month=month, timezone=timezone, deadlines=deadlines, now=now
        )

    figures = scope(building)
    names = sorted({u.building for u in facts.units}, key=natural_order)
    buildings = () if building is not None else tuple((b, scope(b)) for b in names)
    zone = ZoneInfo(timezone)
    tickets = [
        t
        for t in facts.tickets
        if in_month(t.created_at, month, timezone) and (building is None or t.building == building)
    ]
    pairs = Counter((t.category, t.status) for t in tickets)
    return CommunityStats(
        community_id=community_id,
        building=building,
        month=month,
        as_of=now,
        figures=figures,
        buildings=buildings,
        participation_by_vote=tuple(
            (v.number, v.at.astimezone(zone).date(), float(v.share)) for v in figures.votes
        ),
        participation_by_building=tuple(
            (b, float(f.participation)) for b, f in buildings if f.participation is not None
        ),
        tickets_by_category_status=tuple(
            (category, status, pairs[category, status])
            for category in Category
            for status in TicketStatus
            if pairs[category, status]
        ),
        resolve_times=figures.tickets.resolve_times,
    )
