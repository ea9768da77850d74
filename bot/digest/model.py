"""The weekly digest (每周简报): what the community did in a week, posted in its group at the
schedule's wall time (every Monday 09:00 local by default), and the problems reported again
and again, each offered as a topic to propose. Pure rules: the schedule, the week's window,
the due moments across daylight saving, and which problems are frequent; render-neutral (the
handlers draw the texts)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from bot.config import Language
from bot.errors import UserError
from bot.i18n import t
from bot.reports.model import Category
from bot.topics.model import Step
from bot.votes.tally import Outcome
from bot.when import local_to_utc, next_weekday, parse_clock, weekday_of

DEFAULT_WEEKDAY: Final = 0  # Monday
DEFAULT_CLOCK: Final = time(9, 0)
# A digest due while the bot was down is still sent at start-up if it is less late than this;
# an older one is skipped (a Thursday digest of last week's news helps nobody).
LATE_LIMIT: Final = timedelta(days=1)
# A problem is frequent when a category was reported this often in one building ...
FREQUENT_COUNT: Final = 3
# ... within this many days before now.
FREQUENT_WINDOW: Final = timedelta(days=30)
# the households named (or not) among the week's top contributors, most points first
TOP_IN_DIGEST: Final = 5
OFF_WORDS: Final = ("off", "关闭", "关")


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    """When a community's digest goes out: a weekday (0: Monday) at a local wall time, or off."""

    weekday: int = DEFAULT_WEEKDAY
    clock: time = DEFAULT_CLOCK
    enabled: bool = True


def parse_schedule(words: list[str]) -> DigestSchedule:
    """`mon 09:00`, `周一 9:00`, `Monday 9：00`, or `off` / `关闭`."""
    if len(words) == 1 and words[0].lower() in OFF_WORDS:
        return DigestSchedule(enabled=False)
    if len(words) != 2:
        raise UserError("digest.usage_setting")
    weekday = weekday_of(words[0])
    if weekday is None:
        raise UserError("when.unknown_weekday", weekday=words[0])
    clock = parse_clock(words[1])
    return DigestSchedule(weekday, time(clock.hour, clock.minute), enabled=True)


def next_digest_at(weekday: int, clock: time, timezone: str, now: datetime) -> datetime:
    """The first due moment strictly after `now`, in UTC: the weekday's wall time in the
    community's zone, so 09:00 stays 09:00 local across a daylight-saving change."""
    return next_weekday(weekday, clock, timezone, now)


def last_digest_at(weekday: int, clock: time, timezone: str, now: datetime) -> datetime:
    """The latest due moment at or before `now` (the one a start-up may still owe)."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    for days in range(8):
        day = today - timedelta(days=days)
        if day.weekday() == weekday and (moment := local_to_utc(day, clock, zone)) <= now:
            return moment
    raise AssertionError("a weekday recurs within 8 days")  # pragma: no cover


def week_of(due_at: datetime, timezone: str) -> str:
    """The key of the week a digest due at `due_at` tells: its local date, `YYYY-MM-DD`."""
    return due_at.astimezone(ZoneInfo(timezone)).date().isoformat()


def week_window(due_at: datetime, timezone: str) -> tuple[datetime, datetime]:
    """The week a digest due at `due_at` tells: from the same wall time one week earlier (the
    previous Monday 09:00 local) up to `due_at`, in UTC; 7 local days, so 167 or 169 hours
    across a daylight-saving change."""
    zone = ZoneInfo(timezone)
    local = due_at.astimezone(zone)
    start_day: date = local.date() - timedelta(days=7)
    return local_to_utc(start_day, local.time().replace(tzinfo=None), zone), due_at


@dataclass(frozen=True, slots=True)
class ReportedTicket:
    """A ticket as the digest counts it."""

    category: Category
    building: str | None
    created_at: datetime
    resolved_at: datetime | None = None
    rejected: bool = False


@dataclass(frozen=True, slots=True)
class FrequentProblem:
    """One category reported `count` times in one building within the last 30 days."""

    building: str
    category: Category
    count: int


def frequent_problems(
    tickets: Iterable[ReportedTicket], now: datetime
) -> tuple[FrequentProblem, ...]:
    """The categories reported at least 3 times in one building within the last 30 days (a
    rejected report was no problem of the building, and a public place is no building), most
    reported first."""
    since = now - FREQUENT_WINDOW
    counted = Counter(
        (ticket.building, ticket.category)
        for ticket in tickets
        if ticket.building is not None and not ticket.rejected and since < ticket.created_at <= now
    )
    found = [
        FrequentProblem(building, category, n)
        for (building, category), n in counted.items()
        if n >= FREQUENT_COUNT
    ]
    return tuple(sorted(found, key=lambda p: (-p.count, p.building, p.category.value)))


def by_category(categories: Iterable[Category]) -> tuple[tuple[Category, int], ...]:
    """How many of each, in the order of the categories' list."""
    counted = Counter(categories)
    return tuple((c, counted[c]) for c in Category if counted[c])


def proposal_text(lang: Language, problem: FrequentProblem) -> str:
    """The topic a Propose press prefills, e.g.
    "3号楼电梯近 30 天报修 4 次，建议议一议彻底维修。"."""
    return t(
        lang,
        "digest.proposal_text",
        building=problem.building,
        category=t(lang, f"digest.category.{problem.category.value}"),
        count=problem.count,
        days=FREQUENT_WINDOW.days,
    )


class ProposalStatus(StrEnum):
    OPEN = "open"
    PROPOSED = "proposed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class DigestProposal:
    """A topic prefilled from a frequent problem, waiting for its resident's Propose it."""

    id: int
    community_id: int
    user_id: int
    building: str
    category: Category
    text: str
    status: ProposalStatus = ProposalStatus.OPEN


@dataclass(frozen=True, slots=True)
class NewTopic:
    number: int
    title: str
    step: Step


@dataclass(frozen=True, slots=True)
class ClosedVote:
    number: int
    question: str
    outcome: Outcome
    voted: int
    eligible: int


@dataclass(frozen=True, slots=True)
class NextMeeting:
    number: int
    starts_at: datetime
    place: str
    agenda: int  # topics on its agenda


@dataclass(frozen=True, slots=True)
class NoticeReads:
    number: int
    excerpt: str
    read: int
    total: int


@dataclass(frozen=True, slots=True)
class Contributor:
    """A household among the week's top contributors: its unit only when it agreed to be
    named, never a person's name."""

    unit_code: str
    building: str
    points: int
    named: bool


@dataclass(frozen=True, slots=True)
class Digest:
    """Everything one week's digest tells, as it stands when it goes out."""

    community_id: int
    since: datetime
    until: datetime
    new_topics: tuple[NewTopic, ...]
    closed_votes: tuple[ClosedVote, ...]
    opened: tuple[tuple[Category, int], ...]  # tickets opened in the week, by category
    resolved: tuple[tuple[Category, int], ...]  # tickets resolved in the week, by category
    next_meeting: NextMeeting | None
    notices: tuple[NoticeReads, ...]
    top: tuple[Contributor, ...]
    frequent: tuple[FrequentProblem, ...]

    @property
    def empty(self) -> bool:
        """Nothing happened and nothing is ahead: no digest is posted."""
        return not (
            self.new_topics
            or self.closed_votes
            or self.opened
            or self.resolved
            or self.next_meeting
            or self.notices
            or self.top
            or self.frequent
        )
