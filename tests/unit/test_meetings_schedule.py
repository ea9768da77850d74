"""Reading `/meeting`, weekly recurrence and reminder times, worked out by hand: Asia/Shanghai
is UTC+8 all year; Europe/Berlin is UTC+1 in winter and UTC+2 in summer, changing on
2027-03-28 (spring) and 2026-10-25 (autumn)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.errors import UserError
from bot.meetings.schedule import OneOff, Weekly, parse_meeting, parse_offsets, reminder_times
from bot.when import next_weekday, weekday_of

SHANGHAI = "Asia/Shanghai"
BERLIN = "Europe/Berlin"
# Tuesday 2026-12-01, 18:00 in Shanghai
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "starts_at", "place"),
    [
        ("2026-12-09 19:30 Community room", utc(2026, 12, 9, 11, 30), "Community room"),
        ("2026/12/9 9:05 活动室", utc(2026, 12, 9, 1, 5), "活动室"),
        ("明天 19:30 社区活动室 二楼", utc(2026, 12, 2, 11, 30), "社区活动室 二楼"),
        ("tomorrow 19:30 Hall", utc(2026, 12, 2, 11, 30), "Hall"),
        ("今天 19:30 活动室", utc(2026, 12, 1, 11, 30), "活动室"),  # 18:00 now: still ahead
        ("周三 19:30 活动室", utc(2026, 12, 2, 11, 30), "活动室"),  # the coming Wednesday
        ("星期二 19:30 活动室", utc(2026, 12, 1, 11, 30), "活动室"),  # today, still ahead
        ("周二 17:00 活动室", utc(2026, 12, 8, 9, 0), "活动室"),  # today's has passed
        ("mon 19：30 Hall", utc(2026, 12, 7, 11, 30), "Hall"),  # a full-width colon
        ("２０２６-１２-０９ １９:３０ 活动室", utc(2026, 12, 9, 11, 30), "活动室"),
    ],
)
def test_one_off_meetings_in_shanghai(text: str, starts_at: datetime, place: str) -> None:
    assert parse_meeting(text, SHANGHAI, NOW) == OneOff(starts_at, place)


@pytest.mark.parametrize(
    "text",
    [
        "weekly wed 19:30 Community room",
        "每周三 19:30 Community room",
        "每周 三 19:30 Community room",
        "every Wednesday 19:30 Community room",
    ],
)
def test_a_weekly_meeting_starts_at_the_next_wednesday(text: str) -> None:
    assert parse_meeting(text, SHANGHAI, NOW) == Weekly(
        2, time(19, 30), "Community room", utc(2026, 12, 2, 11, 30)
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2027-02-31 19:30 Hall", "when.no_such_date"),
        ("2026-13-01 19:30 Hall", "when.no_such_date"),
        ("2026-11-30 19:30 Hall", "when.in_past"),
        ("今天 17:59 活动室", "when.in_past"),  # a minute ago
        ("weekly fri2 19:30 Hall", "when.unknown_weekday"),
        ("每周八 19:30 活动室", "when.unknown_weekday"),
        ("周八 19:30 活动室", "when.unknown_weekday"),
        ("weekly", "when.unknown_weekday"),
        ("2026-12-09 19:30", "meetings.no_place"),
        ("每周三 19:30", "meetings.no_place"),
        ("2026-12-09 25:00 Hall", "when.bad_time"),
        ("2026-12-09 7pm Hall", "when.bad_time"),
        ("next week Hall", "usage.meeting"),
        ("", "usage.meeting"),
    ],
)
def test_bad_meetings_are_refused(text: str, key: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_meeting(text, SHANGHAI, NOW)
    assert refused.value.key == key


def test_weekday_words() -> None:
    assert [weekday_of(w) for w in ("mon", "Sunday", "周日", "星期天", "礼拜六", "三")] == [
        0,
        6,
        6,
        6,
        5,
        2,
    ]
    assert weekday_of("周八") is None


def test_a_weekly_meeting_keeps_its_wall_time_across_the_spring_change_in_berlin() -> None:
    at = time(19, 30)
    before = next_weekday(2, at, BERLIN, utc(2027, 3, 22, 12, 0))
    after = next_weekday(2, at, BERLIN, before)
    assert before == utc(2027, 3, 24, 18, 30)  # 19:30 CET (UTC+1)
    assert after == utc(2027, 3, 31, 17, 30)  # 19:30 CEST (UTC+2): an hour earlier in UTC
    assert after - before == WEEK - HOUR


def test_a_weekly_meeting_keeps_its_wall_time_across_the_autumn_change_in_berlin() -> None:
    at = time(19, 30)
    before = next_weekday(2, at, BERLIN, utc(2026, 10, 19, 12, 0))
    after = next_weekday(2, at, BERLIN, before)
    assert before == utc(2026, 10, 21, 17, 30)  # CEST
    assert after == utc(2026, 10, 28, 18, 30)  # CET
    assert after - before == WEEK + HOUR


def test_parsing_in_berlin_uses_the_days_offset() -> None:
    now = utc(2027, 3, 20, 12, 0)
    assert parse_meeting("2027-03-27 19:30 Saal", BERLIN, now) == OneOff(
        utc(2027, 3, 27, 18, 30), "Saal"
    )
    assert parse_meeting("2027-03-28 19:30 Saal", BERLIN, now) == OneOff(
        utc(2027, 3, 28, 17, 30), "Saal"
    )


def test_reminders_of_a_meeting_two_weeks_ahead_in_shanghai() -> None:
    starts = utc(2026, 12, 16, 11, 30)  # Wednesday 19:30
    assert reminder_times(starts, (WEEK, DAY, HOUR), SHANGHAI, NOW) == [
        (WEEK, utc(2026, 12, 9, 11, 30)),
        (DAY, utc(2026, 12, 15, 11, 30)),
        (HOUR, utc(2026, 12, 16, 10, 30)),
    ]


def test_a_meeting_less_than_seven_days_ahead_has_no_seven_day_reminder() -> None:
    starts = utc(2026, 12, 4, 11, 30)  # 3 days ahead
    assert reminder_times(starts, (WEEK, DAY, HOUR), SHANGHAI, NOW) == [
        (DAY, utc(2026, 12, 3, 11, 30)),
        (HOUR, utc(2026, 12, 4, 10, 30)),
    ]
    assert reminder_times(utc(2026, 12, 1, 10, 30), (WEEK, DAY, HOUR), SHANGHAI, NOW) == []


def test_the_week_ahead_reminder_keeps_the_wall_time_across_the_spring_change() -> None:
    starts = utc(2027, 3, 31, 17, 30)  # Wednesday 19:30 CEST
    reminders = reminder_times(starts, (WEEK, DAY, HOUR), BERLIN, utc(2027, 3, 20, 0, 0))
    assert reminders == [
        (WEEK, utc(2027, 3, 24, 18, 30)),  # Wednesday 19:30 CET: 169 hours before, not 168
        (DAY, utc(2027, 3, 30, 17, 30)),
        (HOUR, utc(2027, 3, 31, 16, 30)),
    ]


def test_reminder_offsets_setting() -> None:
    assert parse_offsets("7d,1d,1h") == (WEEK, DAY, HOUR)
    assert parse_offsets("1h, 7d") == (WEEK, HOUR)
    assert parse_offsets("20s,40s") == (timedelta(seconds=40), timedelta(seconds=20))
    assert parse_offsets("7天，1天、1小时") == (WEEK, DAY, HOUR)
    assert parse_offsets("30m") == (timedelta(minutes=30),)
    assert parse_offsets("off") == ()
    for bad in ("", "7x", "0s", "61d", "1s,2s,3s,4s,5s,6s,7s", "7d,,1d"):
        with pytest.raises(UserError) as refused:
            parse_offsets(bad)
        assert refused.value.key == "meetings.bad_reminders"
