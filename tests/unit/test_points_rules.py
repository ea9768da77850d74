"""The pure rules of points: amounts refused or taken, the ranking and its places, the month on
the community's clock, and a text for every act in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import UserError
from bot.i18n import CATALOGS
from bot.points.model import (
    DEFAULT_AMOUNTS,
    EARNING_ACTS,
    Act,
    Entry,
    Standing,
    balance,
    check_amount,
    check_reason,
    earned,
    month_start,
    parse_act,
    parse_amount,
    parse_rule,
    places,
    rank,
)

AT = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def entry(unit: str, act: Act, amount: int) -> Entry:
    return Entry(1, unit, act, amount, None if act in (Act.GRANT, Act.REDEEM) else 7, "", None, AT)


def test_the_issue_amounts_are_the_defaults() -> None:
    assert dict(DEFAULT_AMOUNTS) == {
        Act.BALLOT: 1,
        Act.SUPPORT: 1,
        Act.TOPIC_REACHED: 3,
        Act.REPORT_ACKNOWLEDGED: 2,
        Act.NOTICE_READ: 1,
        Act.MEETING_ATTENDED: 2,
    }
    assert set(EARNING_ACTS) == set(Act) - {Act.GRANT, Act.REDEEM}


@pytest.mark.parametrize(
    ("text", "value"), [("1", 1), ("1000", 1000), ("５", 5), ("007", 7), ("250", 250)]
)
def test_an_amount_from_1_to_1000_is_taken(text: str, value: int) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    "text", ["0", "-5", "1001", "99999999999999999999", "abc", "", "2.5", "1e3", "²", "+5"]
)
def test_zero_negative_huge_and_non_numbers_are_refused_with_the_bounds(text: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_amount(text)
    assert refused.value.key == "points.bad_amount"
    assert refused.value.params == {"low": 1, "high": 1000}


@pytest.mark.parametrize("amount", [0, -1, 1001])
def test_the_use_case_bound_checks_the_same_range(amount: int) -> None:
    with pytest.raises(UserError):
        check_amount(amount)
    assert check_amount(1000) == 1000


def test_a_rule_may_be_0_to_100_and_names_an_earning_act() -> None:
    assert parse_rule("0") == 0
    assert parse_rule("100") == 100
    for bad in ("101", "-1", "x"):
        with pytest.raises(UserError) as refused:
            parse_rule(bad)
        assert refused.value.key == "points.bad_rule"
    assert parse_act("Notice_Read") is Act.NOTICE_READ
    for bad in ("grant", "redeem", "dance"):
        with pytest.raises(UserError) as unknown:
            parse_act(bad)
        assert unknown.value.key == "points.unknown_act"


def test_a_reason_is_needed_and_at_most_200_characters() -> None:
    assert check_reason("  one   parking\nhour ") == "one parking hour"
    with pytest.raises(UserError) as empty:
        check_reason("   ")
    assert empty.value.key == "points.reason_needed"
    assert check_reason("x" * 200) == "x" * 200
    with pytest.raises(UserError) as long:
        check_reason("x" * 201)
    assert long.value.key == "points.reason_too_long"


def test_the_balance_is_the_sum_and_the_ranking_leaves_redemptions_out() -> None:
    rows = [
        entry("3-501", Act.BALLOT, 1),
        entry("3-501", Act.GRANT, 10),
        entry("3-501", Act.REDEEM, -4),
        entry("3-501", Act.TOPIC_REACHED, 3),
    ]
    assert balance(rows) == 10  # 1 + 10 - 4 + 3
    assert earned(rows) == 14  # 1 + 10 + 3


def test_the_ranking_most_first_ties_by_unit_hidden_keep_their_place() -> None:
    totals = {"3-501": 5, "1-101": 3, "2-102": 3, "1-202": 9, "2-201": 0}
    buildings = {"3-501": "3", "1-101": "1", "2-102": "2", "1-202": "1", "2-201": "2"}
    ranked = rank(totals, buildings, hidden={"3-501"}, limit=10)
    assert ranked == [
        Standing("1-202", "1", 9, True),
        Standing("3-501", "3", 5, False),
        Standing("1-101", "1", 3, True),
        Standing("2-102", "2", 3, True),
    ]  # 2-201 has no points: not ranked
    assert places(ranked) == [1, 2, 3, 3]
    assert rank(totals, buildings, hidden=(), limit=2) == [
        Standing("1-202", "1", 9, True),
        Standing("3-501", "3", 5, True),
    ]
    tied = [Standing("a", "", 4, True), Standing("b", "", 4, True), Standing("c", "", 2, True)]
    assert places(tied) == [1, 1, 3]


def test_the_month_starts_at_midnight_on_the_communitys_clock() -> None:
    # 16:00 UTC on 31 October is midnight of 1 November in Shanghai
    start = month_start(datetime(2026, 10, 31, 16, 0, tzinfo=UTC), "Asia/Shanghai")
    assert start.astimezone(UTC) == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    before = month_start(datetime(2026, 10, 31, 15, 59, tzinfo=UTC), "Asia/Shanghai")
    assert before.astimezone(UTC) == datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
    assert month_start(AT, "UTC") == datetime(2026, 11, 1, tzinfo=UTC)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_act_has_a_name_in_both_languages(lang: str) -> None:
    assert all(f"points.act.{act.value}" in CATALOGS[lang] for act in Act)  # type: ignore[index]
