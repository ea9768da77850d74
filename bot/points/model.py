"""Points (积分) as a ledger, never a bare counter: each row is one act of a household (or an
admin's grant or redemption), and a balance is the sum of its rows. Pure rules only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from bot.errors import UserError, Whole
from bot.i18n import whole_number


class Act(StrEnum):
    """What a ledger row is for. The earning acts carry the key of what was done (a vote, a
    topic, a ticket, a notice, a meeting), so the same act never pays twice."""

    BALLOT = "ballot"  # a household's first ballot in a vote (key: the vote)
    SUPPORT = "support"  # supporting a topic (key: the topic)
    TOPIC_REACHED = "topic_reached"  # one's topic reached discussion (key: the topic)
    REPORT_ACKNOWLEDGED = "report_acknowledged"  # one's report taken up by staff (key: ticket)
    NOTICE_READ = "notice_read"  # confirming a notice (key: the notice)
    MEETING_ATTENDED = "meeting_attended"  # attending a meeting (key: the meeting)
    GRANT = "grant"  # an admin's grant, with a reason
    REDEEM = "redeem"  # an admin's redemption for a community service, with a reason


EARNING_ACTS: Final = (
    Act.BALLOT,
    Act.SUPPORT,
    Act.TOPIC_REACHED,
    Act.REPORT_ACKNOWLEDGED,
    Act.NOTICE_READ,
    Act.MEETING_ATTENDED,
)
DEFAULT_AMOUNTS: Final[Mapping[Act, int]] = {
    Act.BALLOT: 1,
    Act.SUPPORT: 1,
    Act.TOPIC_REACHED: 3,
    Act.REPORT_ACKNOWLEDGED: 2,
    Act.NOTICE_READ: 1,
    Act.MEETING_ATTENDED: 2,
}
MIN_AMOUNT: Final = 1  # a grant or redemption
MAX_AMOUNT: Final = 1000
MAX_RULE: Final = 100  # what one earning act may pay (0 turns it off)
MAX_REASON: Final = 200
LAST_ENTRIES: Final = 10
TOP_LIMIT: Final = 10


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger row. `amount` is signed (a redemption is negative); `key` is the act's
    subject (None for grants and redemptions); `by` the admin of a grant or redemption."""

    community_id: int
    unit_code: str
    act: Act
    amount: int
    key: int | None
    reason: str
    by: int | None
    at: datetime
    id: int = 0


@dataclass(frozen=True, slots=True)
class Standing:
    """A household's place in a ranking: shown by unit only, never by name; `named` False
    when one of its residents opted out (shown as "a household (not named)")."""

    unit_code: str
    building: str
    points: int
    named: bool


def balance(entries: Iterable[Entry]) -> int:
    return sum(entry.amount for entry in entries)


def earned(entries: Iterable[Entry]) -> int:
    """What counts in a ranking: everything but redemptions (spending one's points on a
    community service does not make one's contribution smaller)."""
    return sum(entry.amount for entry in entries if entry.act is not Act.REDEEM)


def rank(
    totals: Mapping[str, int],
    buildings: Mapping[str, str],
    hidden: Iterable[str],
    limit: int = TOP_LIMIT,
) -> list[Standing]:
    """The households with points, most first (ties by unit code), at most `limit`."""
    hide = set(hidden)
    ordered = sorted(
        ((unit, points) for unit, points in totals.items() if points > 0),
        key=lambda item: (-item[1], item[0]),
    )
    return [
        Standing(unit, buildings.get(unit, ""), points, unit not in hide)
        for unit, points in ordered[:limit]
    ]


def places(standings: Iterable[Standing]) -> list[int]:
    """Competition ranking: equal points share a place, the next place skips (1, 2, 2, 4)."""
    found: list[int] = []
    previous: int | None = None
    for index, standing in enumerate(standings, start=1):
        found.append(found[-1] if previous == standing.points and found else index)
        previous = standing.points
    return found


def month_start(now: datetime, timezone: str) -> datetime:
    """Midnight of the first of `now`'s month on the community's clock."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def parse_amount(text: str) -> int:
    """A grant's or redemption's amount: a whole number from 1 to 1,000; zero, negative, huge
    and non-numbers are refused with the bounds."""
    value = whole_number(text, low=MIN_AMOUNT, high=MAX_AMOUNT)
    if value is None:
        raise UserError("points.bad_amount", low=MIN_AMOUNT, high=MAX_AMOUNT)
    return value


def check_amount(amount: int) -> int:
    if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        raise UserError("points.bad_amount", low=MIN_AMOUNT, high=MAX_AMOUNT)
    return amount


def parse_rule(text: str) -> int:
    """What an earning act pays, as a setting: 0 (off) to 100."""
    value = whole_number(text, low=0, high=MAX_RULE)
    if value is None:
        raise UserError("points.bad_rule", high=MAX_RULE)
    return value


def parse_act(text: str) -> Act:
    """An earning act by its name (`ballot`, `notice_read`, …), as `/settings points` takes it."""
    name = text.strip().lower()
    for act in EARNING_ACTS:
        if act.value == name:
            return act
    raise UserError("points.unknown_act", acts=Whole(", ".join(a.value for a in EARNING_ACTS)))


def check_reason(reason: str) -> str:
    """A grant or redemption says why; one line, at most 200 characters."""
    text = " ".join(reason.split())
    if not text:
        raise UserError("points.reason_needed")
    if len(text) > MAX_REASON:
        raise UserError("points.reason_too_long", limit=MAX_REASON)
    return text
