"""When a scheduled notice goes out: `at 2026-12-03 08:00`, `明天 08:00`, `周三 19:30`,
`at tomorrow 08:00`, `wed 19:30`, read in the community's time zone. Split off the front of the
notice's text (`split_schedule`), then resolved against `now` (`resolve`), so a phrase that looks
like a time but is not one (31 February, 周八, 25:00, a time past) is refused rather than posted
as text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import UserError

ENGLISH_DAYS = {
    **dict.fromkeys(("mon", "monday"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday"), 1),
    **dict.fromkeys(("wed", "weds", "wednesday"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday"), 3),
    **dict.fromkeys(("fri", "friday"), 4),
    **dict.fromkeys(("sat", "saturday"), 5),
    **dict.fromkeys(("sun", "sunday"), 6),
}
CHINESE_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
RELATIVE_DAYS = {"today": 0, "今天": 0, "tomorrow": 1, "明天": 1, "后天": 2}

_CLOCK = r"(?P<clock>\d{1,2}[:：]\d{2})(?:\s+|$)"
# `at <anything> HH:MM`: a schedule for sure, whatever the day says (refused if unknown).
_AT = re.compile(r"^(?i:at)\s+(?P<day>\S+)\s+" + _CLOCK)
# A date, a Chinese day word (周三, 星期三, 明天; 周八 is refused) or a known English day word.
_DAY_FIRST = re.compile(
    r"^(?P<day>\d{4}-\d{1,2}-\d{1,2}|(?:周|星期|礼拜)\S|今天|明天|后天|[A-Za-z]+)\s*" + _CLOCK
)
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


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
        if found is not None and found["day"].isascii() and found["day"].isalpha():
            word = found["day"].lower()
            if word not in ENGLISH_DAYS and word not in RELATIVE_DAYS:
                found = None  # "Meeting 19:30 in the hall" is a notice's text
    if found is None:
        return None, text
    return Schedule(found["day"], found["clock"].replace("：", ":")), text[found.end() :]


def _clock(schedule: Schedule) -> time:
    hours, minutes = (int(part) for part in schedule.clock.split(":"))
    if hours > 23 or minutes > 59:
        raise UserError("notices.bad_clock", clock=schedule.clock)
    return time(hours, minutes)


def _weekday(word: str) -> int | None:
    lowered = word.lower()
    if lowered in ENGLISH_DAYS:
        return ENGLISH_DAYS[lowered]
    for prefix in ("周", "星期", "礼拜"):
        if word.startswith(prefix) and len(word) == len(prefix) + 1:
            return CHINESE_DAYS.get(word[-1])
    return None


def _day(schedule: Schedule, today: date, clock: time, now_local: datetime) -> date:
    word = schedule.day
    dated = _DATE.match(word)
    if dated is not None:
        try:
            return date(*(int(part) for part in dated.groups()))
        except ValueError:
            raise UserError("notices.bad_date", day=word) from None
    if word.lower() in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[word.lower()])
    weekday = _weekday(word)
    if weekday is None:
        raise UserError("notices.bad_day", day=word)
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and clock <= now_local.time():
        ahead = 7  # "周三 19:30" said on a Wednesday evening: next Wednesday
    return today + timedelta(days=ahead)


def resolve(schedule: Schedule, *, now: datetime, timezone: str) -> datetime:
    """The moment (aware, UTC) the words name in `timezone`; refused if it is not a real date,
    not a known day, or not ahead of `now`."""
    zone = ZoneInfo(timezone)
    now_local = now.astimezone(zone)
    clock = _clock(schedule)
    day = _day(schedule, now_local.date(), clock, now_local)
    local = datetime.combine(day, clock, tzinfo=zone)
    moment = local.astimezone(ZoneInfo("UTC"))
    if moment <= now:
        raise UserError("notices.in_past", day=schedule.day, clock=schedule.clock)
    return moment
