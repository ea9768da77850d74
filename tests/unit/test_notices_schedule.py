"""When a scheduled notice goes out, worked out by hand from a fixed `now`: Asia/Shanghai
(UTC+8, no daylight saving) and Europe/Berlin (UTC+1 in winter, UTC+2 in summer, the change on
the last Sunday of March: 2026-03-29). Bad days and times are refused, never taken as text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import UserError
from bot.notices.model import NoticeRequest, parse_notice
from bot.notices.schedule import Schedule, resolve, split_schedule

SHANGHAI = "Asia/Shanghai"
BERLIN = "Europe/Berlin"
# Tuesday 2026-12-01, 10:00 in Shanghai
TUESDAY_10 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def at(text: str, now: datetime = TUESDAY_10, zone: str = SHANGHAI) -> datetime:
    schedule, rest = split_schedule(text)
    assert schedule is not None, text
    assert rest == "Water off"
    return resolve(schedule, now=now, timezone=zone)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Wednesday 08:00 in Shanghai is 00:00 UTC
        ("明天 08:00 Water off", datetime(2026, 12, 2, 0, 0, tzinfo=UTC)),
        ("明天08:00 Water off", datetime(2026, 12, 2, 0, 0, tzinfo=UTC)),
        ("at tomorrow 08:00 Water off", datetime(2026, 12, 2, 0, 0, tzinfo=UTC)),
        ("tomorrow 08:00 Water off", datetime(2026, 12, 2, 0, 0, tzinfo=UTC)),
        ("后天 08：00 Water off", datetime(2026, 12, 3, 0, 0, tzinfo=UTC)),
        # the coming Wednesday, 19:30 local = 11:30 UTC
        ("周三 19:30 Water off", datetime(2026, 12, 2, 11, 30, tzinfo=UTC)),
        ("星期三 19:30 Water off", datetime(2026, 12, 2, 11, 30, tzinfo=UTC)),
        ("wed 19:30 Water off", datetime(2026, 12, 2, 11, 30, tzinfo=UTC)),
        ("at Wednesday 19:30 Water off", datetime(2026, 12, 2, 11, 30, tzinfo=UTC)),
        # today is Tuesday: 11:00 is still ahead today, 09:00 has passed (next Tuesday)
        ("周二 11:00 Water off", datetime(2026, 12, 1, 3, 0, tzinfo=UTC)),
        ("tue 09:00 Water off", datetime(2026, 12, 8, 1, 0, tzinfo=UTC)),
        ("周日 09:00 Water off", datetime(2026, 12, 6, 1, 0, tzinfo=UTC)),
        ("at 2026-12-24 18:00 Water off", datetime(2026, 12, 24, 10, 0, tzinfo=UTC)),
        ("2026-12-24 18:00 Water off", datetime(2026, 12, 24, 10, 0, tzinfo=UTC)),
        ("today 23:59 Water off", datetime(2026, 12, 1, 15, 59, tzinfo=UTC)),
    ],
)
def test_times_in_shanghai(text: str, expected: datetime) -> None:
    assert at(text) == expected


def test_berlin_summer_and_winter() -> None:
    june = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    assert at("at 2026-07-01 08:00 Water off", june, BERLIN) == datetime(
        2026, 7, 1, 6, 0, tzinfo=UTC
    )  # CEST, UTC+2
    assert at("at 2026-12-24 08:00 Water off", june, BERLIN) == datetime(
        2026, 12, 24, 7, 0, tzinfo=UTC
    )  # CET, UTC+1
    # Saturday 2026-03-28 12:00 CET; Sunday's 12:00 is already CEST: 23 hours later
    saturday = datetime(2026, 3, 28, 11, 0, tzinfo=UTC)
    assert at("周日 12:00 Water off", saturday, BERLIN) == datetime(2026, 3, 29, 10, 0, tzinfo=UTC)
    assert at("tomorrow 12:00 Water off", saturday, BERLIN) == datetime(
        2026, 3, 29, 10, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("at 2026-02-31 08:00 Water off", "when.no_such_date"),
        ("2026-02-31 08:00 Water off", "when.no_such_date"),
        ("at 2026-13-01 08:00 Water off", "when.no_such_date"),
        ("周八 19:30 Water off", "when.unknown_weekday"),
        ("at someday 19:30 Water off", "when.unknown_day"),
        ("明天 25:00 Water off", "when.bad_time"),
        ("wed 19:60 Water off", "when.bad_time"),
        ("at 2026-12-01 09:00 Water off", "when.in_past"),  # an hour ago
        ("today 10:00 Water off", "when.in_past"),  # this very minute
        ("at 2025-12-24 18:00 Water off", "when.in_past"),
    ],
)
def test_bad_days_and_times_are_refused(text: str, key: str) -> None:
    with pytest.raises(UserError) as refused:
        at(text)
    assert refused.value.key == key


@pytest.mark.parametrize(
    "text",
    ["Meeting 19:30 in the hall", "周五 9:00–12:00 停水", "明天停水", "at the gate", "Water off"],
)
def test_text_that_is_no_schedule_stays_text(text: str) -> None:
    assert split_schedule(text) == (None, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pin urgent 3号楼 停水", NoticeRequest("3", "停水", urgent=True, pin=True)),
        ("urgent pin building 3 Water off", NoticeRequest("3", "Water off", True, True)),
        ("置顶 紧急 停水", NoticeRequest(None, "停水", urgent=True, pin=True)),
        ("紧急 楼栋 2 停电", NoticeRequest("2", "停电", urgent=True)),
        ("Urgent: water off", NoticeRequest(None, "Urgent: water off")),
        (
            "pin 明天 08:00 3号楼 停水",
            NoticeRequest("3", "停水", pin=True, schedule=Schedule("明天", "08:00")),
        ),
        (
            "at 2026-12-24 18:00 urgent Party",
            NoticeRequest(None, "Party", urgent=True, schedule=Schedule("2026-12-24", "18:00")),
        ),
        ("pin", NoticeRequest(None, "", pin=True)),
    ],
)
def test_leading_words_combine_in_any_order(text: str, expected: NoticeRequest) -> None:
    assert parse_notice(text) == expected
