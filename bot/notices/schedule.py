"""When a scheduled notice goes out: `at 2026-12-03 08:00`, `明天 08:00`, `周三 19:30`,
`at tomorrow 08:00`, `wed 19:30`, read in the community's time zone. Split off the front of the
notice's text (`split_schedule`), then resolved against `now` (`resolve`), so a phrase that looks
like a time but is not one (31 February, 周八, 25:00, a time past) is refused rather than posted
as text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.when import is_day_word, moment_of

_CLOCK = r"(?P<clock>\d{1,2}[:：]\d{2})(?:\s+|$)"
# `at <anything> HH:MM`: a schedule for sure, whatever the day says (refused if unknown).
_AT = re.compile(r"^(?i:at)\s+(?P<day>\S+)\s+" + _CLOCK)
# A date, a Chinese day word (周三, 星期三, 明天; 周八 is refused) or a known English day word.
_DAY_FIRST = re.compile(
    r"^(?P<day>\d{4}-\d{1,2}-\d{1,2}|(?:周|星期|礼拜)\S|今天|明天|后天|[A-Za-z]+)\s*" + _CLOCK
)


@dataclass(frozen=True, slots=True)
class Schedule:
    """The words as written: a day (a date, a weekday, today/tomorrow) and a clock time."""

    day: str
    clock: str


def split_schedule(text: str) -> tuple[Schedule | None, str]:
    """A schedule at the start of `text`, and what follows it."""
    found = _AT.match(text)
    if found is None:
        found = _DAY_FIRST.match(text)
        if found is not None and not is_day_word(found["day"]):
            found = None  # "Meeting 19:30 in the hall" is a notice's text
    if found is None:
        return None, text
    return Schedule(found["day"], found["clock"].replace("：", ":")), text[found.end() :]


def resolve(schedule: Schedule, *, now: datetime, timezone: str) -> datetime:
    """The moment (aware, UTC) the words name in `timezone` (read by `bot.when`); refused if it
    is not a real date, not a known day, or not ahead of `now`."""
    return moment_of(schedule.day, schedule.clock, timezone=timezone, now=now)
