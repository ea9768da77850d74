"""`bot.when`: one reading of "周三 19:30" for notices and meetings alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import UserError
from bot.meetings.schedule import OneOff, parse_meeting
from bot.notices.schedule import resolve, split_schedule
from bot.when import moment_of

# Tuesday 2026-12-01 18:00 in Shanghai (UTC+8)
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "clock", "expected"),
    [
        ("周三", "19:30", datetime(2026, 12, 2, 11, 30, tzinfo=UTC)),  # tomorrow, Wednesday
        ("wed", "19:30", datetime(2026, 12, 2, 11, 30, tzinfo=UTC)),
        ("周二", "17:00", datetime(2026, 12, 8, 9, 0, tzinfo=UTC)),  # today's has passed
        ("明天", "08:00", datetime(2026, 12, 2, 0, 0, tzinfo=UTC)),
        ("2026-12-31", "２３：５９", datetime(2026, 12, 31, 15, 59, tzinfo=UTC)),
    ],
)
def test_the_same_words_mean_the_same_moment_for_notices_and_meetings(
    day: str, clock: str, expected: datetime
) -> None:
    assert moment_of(day, clock, timezone="Asia/Shanghai", now=NOW) == expected
    schedule, rest = split_schedule(f"{day} {clock} Water off")
    assert schedule is not None and rest == "Water off"
    assert resolve(schedule, now=NOW, timezone="Asia/Shanghai") == expected
    assert parse_meeting(f"{day} {clock} Hall", "Asia/Shanghai", NOW) == OneOff(expected, "Hall")


@pytest.mark.parametrize(
    ("day", "clock", "key"),
    [
        ("2027-02-31", "19:30", "when.no_such_date"),
        ("周八", "19:30", "when.unknown_weekday"),
        ("someday", "19:30", "when.unknown_day"),
        ("明天", "24:00", "when.bad_time"),
        ("今天", "17:59", "when.in_past"),
    ],
)
def test_refusals_name_the_problem(day: str, clock: str, key: str) -> None:
    with pytest.raises(UserError) as refused:
        moment_of(day, clock, timezone="Asia/Shanghai", now=NOW)
    assert refused.value.key == key
