"""A day and a clock time as residents write them (`2026-12-09`, `明天`, `周三`, `wed`, `19:30`),
read in the community's time zone: the one reading behind scheduled notices and meetings, so
"周三 19:30" means the same moment in both. Pure functions: the clock and the zone are passed
in; a day that does not exist (31 February), an unknown weekday (周八) or a bad time is refused
with its own answer."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.i18n import ascii_digits

_DATE = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$")
_CLOCK = re.compile(r"^([0-9]{1,2})[:：]([0-9]{2})(?:[:：]([0-9]{2}))?$")
_WEEKDAYS_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAYS_EN_LONG = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS_EN_OTHER = {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}
_WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
ZH_WEEK_WORDS = ("星期", "礼拜", "周")
RELATIVE_DAYS = {"today": 0, "今天": 0, "tomorrow": 1, "明天": 1, "后天": 2}


def weekday_of(word: str) -> int | None:
    """`wed`, `Wednesday`, `周三`, `星期三`, `礼拜三`, or a bare `三`: 0 (Monday) … 6; else None."""
    lowered = word.strip().lower()
    if lowered in _WEEKDAYS_EN:
        return _WEEKDAYS_EN.index(lowered)
    if lowered in _WEEKDAYS_EN_LONG:
        return _WEEKDAYS_EN_LONG.index(lowered)
    if lowered in _WEEKDAYS_EN_OTHER:
        return _WEEKDAYS_EN_OTHER[lowered]
    for prefix in ZH_WEEK_WORDS:
        if lowered.startswith(prefix):
            lowered = lowered.removeprefix(prefix)
            break
    return _WEEKDAYS_ZH.get(lowered) if len(lowered) == 1 else None


def is_day_word(word: str) -> bool:
    """A date, today/明天/后天, a weekday, or something written as one (周八): a word that
    starts a schedule rather than a notice's text."""
    return (
        _DATE.match(ascii_digits(word)) is not None
        or word.lower() in RELATIVE_DAYS
        or weekday_of(word) is not None
        or word.startswith(ZH_WEEK_WORDS)
    )


def parse_clock(word: str) -> time:
    """`19:30`, `19：30`, `０８:００`; `HH:MM:SS` too (meetings a minute ahead, in tests)."""
    found = _CLOCK.match(ascii_digits(word))
    if found is None:
        raise UserError("when.bad_time", time=word)
    hour, minute, second = (int(found.group(i) or 0) for i in (1, 2, 3))
    if hour > 23 or minute > 59 or second > 59:
        raise UserError("when.bad_time", time=word)
    return time(hour, minute, second)


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Wall time on `day` in `zone` as UTC (the offset of that day: 19:30 stays 19:30 local
    across a daylight-saving change)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def next_weekday(weekday: int, at: time, timezone: str, after: datetime) -> datetime:
    """The first `weekday` at `at` local time strictly after `after`, in UTC ("周三 19:30" said
    on a Wednesday evening is next Wednesday)."""
    zone = ZoneInfo(timezone)
    start = after.astimezone(zone).date()
    for days in range(8):
        day = start + timedelta(days=days)
        if day.weekday() == weekday:
            moment = local_to_utc(day, at, zone)
            if moment > after:
                return moment
    raise AssertionError("a weekday recurs within 8 days")  # pragma: no cover


def day_of(word: str, at: time, zone: ZoneInfo, now: datetime) -> date:
    """The date a word names: `2026-12-09`, `明天`, `周三` (the next one at `at`)."""
    found = _DATE.match(ascii_digits(word))
    if found is not None:
        try:
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        except ValueError:
            raise UserError("when.no_such_date", date=word) from None
    if word.lower() in RELATIVE_DAYS:
        return now.astimezone(zone).date() + timedelta(days=RELATIVE_DAYS[word.lower()])
    weekday = weekday_of(word)
    if weekday is not None:
        return next_weekday(weekday, at, zone.key, now).astimezone(zone).date()
    if word.startswith(ZH_WEEK_WORDS):
        raise UserError("when.unknown_weekday", weekday=word)
    raise UserError("when.unknown_day", day=word)


def moment_of(day_word: str, clock_word: str, *, timezone: str, now: datetime) -> datetime:
    """The moment (UTC) `<day> <clock>` names in `timezone`, which must be ahead of `now`. The
    day is checked before the time, so "31 February" is named as the problem."""
    zone = ZoneInfo(timezone)
    day_of(day_word, time(0, 0), zone, now)
    at = parse_clock(clock_word)
    moment = local_to_utc(day_of(day_word, at, zone, now), at, zone)
    if moment <= now:
        raise UserError("when.in_past", day=day_word, clock=clock_word)
    return moment
