"""Reading `/meeting` (a date or a day word, a time, a place; or `weekly <weekday>` / `每周三`)
in the community's time zone, the next occurrences of a weekly meeting in local wall time, and
the reminder times before a meeting. Pure functions: the clock and the zone are passed in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.i18n import ascii_digits
from bot.meetings.model import MAX_PLACE
from bot.when import is_day_word, moment_of, next_weekday, parse_clock, weekday_of

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


def _place(words: list[str]) -> str:
    place = " ".join(words).strip()
    if not place:
        raise UserError("meetings.no_place")
    if len(place) > MAX_PLACE:
        raise UserError("meetings.place_too_long", limit=MAX_PLACE)
    return place


def parse_when(words: list[str], timezone: str, now: datetime) -> tuple[datetime, list[str]]:
    """`<date | 明天 | 周三> <HH:MM>` at the start of `words` (read by `bot.when`): the moment
    in UTC (ahead of `now`) and the words after it."""
    if len(words) < 2 or not is_day_word(words[0]):
        raise UserError("usage.meeting")
    return moment_of(words[0], words[1], timezone=timezone, now=now), words[2:]


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
        raise UserError("when.unknown_weekday", weekday=day_word or "?")
    if not rest:
        raise UserError("usage.meeting")
    at = parse_clock(rest[0])
    place = _place(rest[1:])
    return Weekly(weekday, at, place, next_weekday(weekday, at, timezone, now))


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
