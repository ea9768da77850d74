"""Reading `/meeting` (a date or a day word, a time, a place; or `weekly <weekday>` / `每周三`)
in the community's time zone, the next occurrences of a weekly meeting in local wall time, and
the reminder times before a meeting. Pure functions: the clock and the zone are passed in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.i18n import ascii_digits
from bot.meetings.model import MAX_PLACE

_DATE = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$")
_TIME = re.compile(r"^([0-9]{1,2})[:：]([0-9]{2})(?:[:：]([0-9]{2}))?$")
_OFFSET = re.compile(r"^([0-9]{1,5})(s|m|h|d|w|秒|分钟|分|小时|天|周)$")
_OFFSET_UNITS = {
    "s": 1,
    "秒": 1,
    "m": 60,
    "分": 60,
    "分钟": 60,
    "h": 3600,
    "小时": 3600,
    "d": 86400,
    "天": 86400,
    "w": 7 * 86400,
    "周": 7 * 86400,
}
MAX_OFFSET = timedelta(days=60)
MAX_OFFSETS = 6
_WEEKDAYS_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAYS_EN_LONG = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_ZH_WEEK_WORDS = ("星期", "礼拜", "周")
_RELATIVE = {"today": 0, "今天": 0, "tomorrow": 1, "明天": 1, "后天": 2}
_WEEKLY_EN = ("weekly", "every")
_WEEKLY_ZH = ("每周", "每星期", "每礼拜")


@dataclass(frozen=True, slots=True)
class OneOff:
    starts_at: datetime  # UTC
    place: str


@dataclass(frozen=True, slots=True)
class Weekly:
    weekday: int  # 0 Monday
    at: time
    place: str
    first: datetime  # UTC: the first occurrence


MeetingPlan = OneOff | Weekly


def weekday_of(word: str) -> int | None:
    """`wed`, `Wednesday`, `周三`, `星期三`, `礼拜三`, or a bare `三`: 0 (Monday) … 6; else None."""
    lowered = word.strip().lower()
    if lowered in _WEEKDAYS_EN:
        return _WEEKDAYS_EN.index(lowered)
    if lowered in _WEEKDAYS_EN_LONG:
        return _WEEKDAYS_EN_LONG.index(lowered)
    for prefix in _ZH_WEEK_WORDS:
        if lowered.startswith(prefix):
            lowered = lowered.removeprefix(prefix)
            break
    return _WEEKDAYS_ZH.get(lowered) if len(lowered) == 1 else None


def _looks_like_weekday(word: str) -> bool:
    return word.startswith(_ZH_WEEK_WORDS)


def parse_time(word: str) -> time:
    found = _TIME.match(ascii_digits(word))
    if found is None:
        raise UserError("meetings.bad_time", time=word)
    hour, minute, second = (int(found.group(i) or 0) for i in (1, 2, 3))
    if hour > 23 or minute > 59 or second > 59:
        raise UserError("meetings.bad_time", time=word)
    return time(hour, minute, second)  # seconds, when given: meetings a minute ahead in tests


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Wall time on `day` in `zone` as UTC (the offset of that day: 19:30 stays 19:30 local
    across a daylight-saving change)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def next_weekly(weekday: int, at: time, timezone: str, after: datetime) -> datetime:
    """The first `weekday` at `at` local time strictly after `after`, in UTC."""
    zone = ZoneInfo(timezone)
    start = after.astimezone(zone).date()
    for days in range(8):
        day = start + timedelta(days=days)
        if day.weekday() == weekday:
            moment = local_to_utc(day, at, zone)
            if moment > after:
                return moment
    raise AssertionError("a weekday recurs within 8 days")  # pragma: no cover


def _place(words: list[str]) -> str:
    place = " ".join(words).strip()
    if not place:
        raise UserError("meetings.no_place")
    if len(place) > MAX_PLACE:
        raise UserError("meetings.place_too_long", limit=MAX_PLACE)
    return place


def _day(word: str, at: time, zone: ZoneInfo, now: datetime) -> date:
    """The date a word names: `2026-12-09`, `明天`, `周三` (the next one, today's if still
    ahead)."""
    found = _DATE.match(ascii_digits(word))
    if found is not None:
        try:
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        except ValueError:
            raise UserError("meetings.no_such_date", date=word) from None
    today = now.astimezone(zone).date()
    if word.lower() in _RELATIVE:
        return today + timedelta(days=_RELATIVE[word.lower()])
    weekday = weekday_of(word)
    if weekday is not None:
        return next_weekly(weekday, at, zone.key, now).astimezone(zone).date()
    if _looks_like_weekday(word):
        raise UserError("meetings.unknown_weekday", weekday=word)
    raise UserError("usage.meeting")


def parse_when(words: list[str], timezone: str, now: datetime) -> tuple[datetime, list[str]]:
    """`<date | 明天 | 周三> <HH:MM>` at the start of `words`: the moment in UTC (ahead of
    `now`) and the words after it."""
    if len(words) < 2:
        raise UserError("usage.meeting")
    zone = ZoneInfo(timezone)
    _day(words[0], time(0, 0), zone, now)  # the day word is checked before the time
    at = parse_time(words[1])
    moment = local_to_utc(_day(words[0], at, zone, now), at, zone)
    if moment <= now:
        raise UserError("meetings.in_past")
    return moment, words[2:]


def _weekly(words: list[str]) -> tuple[str, list[str]] | None:
    """The weekday word of `weekly wed …` / `每周三 …` / `每周 三 …`, and the words after it."""
    if not words:
        return None
    first = words[0]
    if first.lower() in _WEEKLY_EN or first in _WEEKLY_ZH:
        return (words[1], words[2:]) if len(words) > 1 else ("", [])
    for prefix in _WEEKLY_ZH:
        if first.startswith(prefix):
            return first.removeprefix(prefix), words[1:]
    return None


def parse_meeting(text: str, timezone: str, now: datetime) -> MeetingPlan:
    """`2026-12-09 19:30 <place>`, `明天 19:30 <place>`, `周三 19:30 <place>`, or weekly:
    `weekly wed 19:30 <place>`, `每周三 19:30 <place>`. Refused: a date that does not exist
    (31 February), a time already past, an unknown weekday, no place."""
    words = text.split()
    weekly = _weekly(words)
    if weekly is None:
        starts_at, rest = parse_when(words, timezone, now)
        return OneOff(starts_at, _place(rest))
    day_word, rest = weekly
    weekday = weekday_of(day_word)
    if weekday is None:
        raise UserError("meetings.unknown_weekday", weekday=day_word or "?")
    if not rest:
        raise UserError("usage.meeting")
    at = parse_time(rest[0])
    place = _place(rest[1:])
    return Weekly(weekday, at, place, next_weekly(weekday, at, timezone, now))


def reminder_times(
    starts_at: datetime, offsets: tuple[timedelta, ...], timezone: str, now: datetime
) -> list[tuple[timedelta, datetime]]:
    """(how long ahead, when) of each reminder still to come, earliest first. Whole days are
    counted on the wall clock (7 days before 19:30 is 19:30, whatever daylight saving did
    meanwhile); an offset whose time has passed is no reminder (a meeting 3 days ahead has no
    7-day reminder)."""
    zone = ZoneInfo(timezone)
    local = starts_at.astimezone(zone)
    found: dict[timedelta, datetime] = {}
    for ahead in offsets:
        if ahead.total_seconds() % 86400 == 0:
            wall = (local - ahead).replace(tzinfo=None)
            due = datetime.combine(wall.date(), wall.time(), tzinfo=zone).astimezone(UTC)
        else:
            due = starts_at - ahead
        if due > now:
            found[ahead] = due
    return sorted(((ahead, due) for ahead, due in found.items()), key=lambda x: x[1])


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """`7d,1d,1h` (also `40s`, `30m`, `7天,1天,1小时`; `off` / `无` for none): the reminder
    offsets, longest first."""
    cleaned = ascii_digits(text).strip().lower().replace("，", ",").replace("、", ",")
    if cleaned in ("off", "none", "无", "不提醒"):
        return ()
    offsets: set[timedelta] = set()
    for part in cleaned.split(","):
        found = _OFFSET.match(part.strip())
        if found is None:
            raise UserError("meetings.bad_reminders", value=text)
        ahead = timedelta(seconds=int(found.group(1)) * _OFFSET_UNITS[found.group(2)])
        if not timedelta(seconds=1) <= ahead <= MAX_OFFSET:
            raise UserError("meetings.bad_reminders", value=text)
        offsets.add(ahead)
    if len(offsets) > MAX_OFFSETS:
        raise UserError("meetings.bad_reminders", value=text)
    return tuple(sorted(offsets, reverse=True))
