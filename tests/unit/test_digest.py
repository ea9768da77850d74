"""The weekly digest's pure rules: its due moments stay Monday 09:00 on the wall clock across a
daylight-saving change, the week it tells, the schedule as admins write it, and which problems
are frequent (3 tickets of one category in one building within 30 days)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.digest.model import (
    DigestSchedule,
    FrequentProblem,
    ReportedTicket,
    frequent_problems,
    last_digest_at,
    next_digest_at,
    parse_schedule,
    proposal_text,
    week_of,
    week_window,
)
from bot.errors import UserError
from bot.reports.model import Category

NINE = time(9, 0)
MONDAY = 0


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_berlin_spring_forward_keeps_monday_nine_local() -> None:
    # Summer time starts on Sunday 2027-03-28: Monday 09:00 is 08:00 UTC before, 07:00 after.
    before = utc(2027, 3, 22, 8, 0)
    assert next_digest_at(MONDAY, NINE, "Europe/Berlin", utc(2027, 3, 21, 12, 0)) == before
    after = next_digest_at(MONDAY, NINE, "Europe/Berlin", before)  # strictly after the due one
    assert after == utc(2027, 3, 29, 7, 0)
    assert week_window(after, "Europe/Berlin") == (before, after)
    assert after - before == timedelta(hours=167)  # seven local days, one hour short


def test_berlin_fall_back_keeps_monday_nine_local() -> None:
    # Winter time starts on Sunday 2026-10-25: Monday 09:00 is 07:00 UTC before, 08:00 after.
    before = next_digest_at(MONDAY, NINE, "Europe/Berlin", utc(2026, 10, 18, 12, 0))
    assert before == utc(2026, 10, 19, 7, 0)
    after = next_digest_at(MONDAY, NINE, "Europe/Berlin", before)
    assert after == utc(2026, 10, 26, 8, 0)
    since, until = week_window(after, "Europe/Berlin")
    assert (since, until) == (before, after)
    assert until - since == timedelta(hours=169)


def test_shanghai_monday_nine_is_one_utc() -> None:
    # Sunday 2026-11-22 17:30 in Shanghai (UTC+8, no daylight saving)
    now = utc(2026, 11, 22, 9, 30)
    due = next_digest_at(MONDAY, NINE, "Asia/Shanghai", now)
    assert due == utc(2026, 11, 23, 1, 0)
    assert week_window(due, "Asia/Shanghai") == (utc(2026, 11, 16, 1, 0), due)
    assert week_of(due, "Asia/Shanghai") == "2026-11-23"
    # a Wednesday 18:30 schedule
    assert next_digest_at(2, time(18, 30), "Asia/Shanghai", now) == utc(2026, 11, 25, 10, 30)


def test_the_latest_due_moment_at_or_before_now() -> None:
    due = utc(2027, 3, 29, 7, 0)  # Monday 09:00 in Berlin, just after the change
    assert last_digest_at(MONDAY, NINE, "Europe/Berlin", due) == due
    assert last_digest_at(MONDAY, NINE, "Europe/Berlin", due + timedelta(hours=5)) == due
    earlier = last_digest_at(MONDAY, NINE, "Europe/Berlin", due - timedelta(seconds=1))
    assert earlier == utc(2027, 3, 22, 8, 0)
    # Sunday evening in Shanghai: the Monday six days before
    assert last_digest_at(MONDAY, NINE, "Asia/Shanghai", utc(2026, 11, 22, 9, 30)) == utc(
        2026, 11, 16, 1, 0
    )


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["mon", "09:00"], DigestSchedule(0, time(9, 0))),
        (["周一", "9:00"], DigestSchedule(0, time(9, 0))),
        (["Wednesday", "18：30"], DigestSchedule(2, time(18, 30))),
        (["星期日", "２０:００"], DigestSchedule(6, time(20, 0))),
        (["off"], DigestSchedule(enabled=False)),
        (["关闭"], DigestSchedule(enabled=False)),
    ],
)
def test_the_schedule_as_admins_write_it(words: list[str], expected: DigestSchedule) -> None:
    assert parse_schedule(words) == expected


@pytest.mark.parametrize(
    ("words", "key"),
    [
        (["周八", "9:00"], "when.unknown_weekday"),
        (["mon", "25:00"], "when.bad_time"),
        (["mon", "nine"], "when.bad_time"),
        (["mon"], "digest.usage_setting"),
        (["mon", "09:00", "extra"], "digest.usage_setting"),
    ],
)
def test_a_bad_schedule_is_refused_with_its_reason(words: list[str], key: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_schedule(words)
    assert refused.value.key == key


NOW = utc(2026, 11, 22, 9, 30)


def lift(building: str | None, days_ago: float, *, rejected: bool = False) -> ReportedTicket:
    return ReportedTicket(
        Category.ELEVATOR, building, NOW - timedelta(days=days_ago), rejected=rejected
    )


def test_three_lift_tickets_in_one_building_within_30_days_are_frequent() -> None:
    tickets = [lift("2", 1), lift("2", 12), lift("2", 29.9), lift("1", 3)]
    assert frequent_problems(tickets, NOW) == (FrequentProblem("2", Category.ELEVATOR, 3),)


def test_two_tickets_are_not_frequent() -> None:
    assert frequent_problems([lift("2", 1), lift("2", 12)], NOW) == ()


def test_a_ticket_31_days_old_does_not_count() -> None:
    assert frequent_problems([lift("2", 1), lift("2", 12), lift("2", 31)], NOW) == ()


def test_other_categories_buildings_public_places_and_rejections_count_apart() -> None:
    water = ReportedTicket(Category.WATER_ELECTRICITY, "2", NOW - timedelta(days=2))
    assert frequent_problems([lift("2", 1), lift("2", 2), water], NOW) == ()
    assert frequent_problems([lift(None, 1), lift(None, 2), lift(None, 3)], NOW) == ()
    assert frequent_problems([lift("2", 1), lift("2", 2), lift("2", 3, rejected=True)], NOW) == ()
    many = [lift("3", d) for d in (1, 2, 3, 4)] + [lift("2", d) for d in (1, 2, 3)]
    assert frequent_problems(many, NOW) == (
        FrequentProblem("3", Category.ELEVATOR, 4),
        FrequentProblem("2", Category.ELEVATOR, 3),
    )


def test_the_prefilled_topic_in_both_languages() -> None:
    problem = FrequentProblem("3", Category.ELEVATOR, 4)
    assert proposal_text("zh", problem) == "3号楼电梯近 30 天报修 4 次，建议议一议彻底维修。"
    assert proposal_text("en", problem) == (
        "Building 3: lift reported 4 times in 30 days. Let us discuss a lasting repair."
    )
