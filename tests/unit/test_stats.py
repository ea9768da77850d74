"""The pure rules behind /stats: months, the command's words, the median, the trend, the
deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UserError
from bot.notices.model import count_reads
from bot.reports.model import Category, TicketStatus
from bot.stats.model import (
    Deadlines,
    Met,
    Month,
    NoticeFact,
    StatsRequest,
    TicketFact,
    UnitFact,
    median,
    notice_figures,
    parse_month,
    parse_stats_args,
    ticket_figures,
    trend_of,
)

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
ZONE = "Asia/Shanghai"
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-11", Month(2026, 11)),
        ("2026-1", Month(2026, 1)),
        ("２０２６-１０", Month(2026, 10)),
        ("2026年11月", Month(2026, 11)),
        ("2025/12", Month(2025, 12)),
    ],
)
def test_months_are_read(text: str, month: Month) -> None:
    assert parse_month(text, now=NOW, timezone=ZONE) == month


@pytest.mark.parametrize("text", ["2026-13", "2026-0", "11-2026", "abc", "2026", "1999-05", ""])
def test_malformed_months_are_refused(text: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_month(text, now=NOW, timezone=ZONE)
    assert refused.value.key == "stats.bad_month"


def test_a_month_not_begun_is_refused_on_the_community_clock() -> None:
    with pytest.raises(UserError) as refused:
        parse_month("2026-12", now=NOW, timezone=ZONE)
    assert refused.value.key == "stats.future_month"
    assert refused.value.params == {"month": "2026-12"}
    # 30 November 16:30 UTC is already 1 December 00:30 in Shanghai
    late = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    assert parse_month("2026-12", now=late, timezone=ZONE) == Month(2026, 12)


def test_a_month_is_its_local_midnights() -> None:
    november = Month(2026, 11)
    assert november.start(ZONE) == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    assert november.end(ZONE) == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert Month(2026, 12).end(ZONE) == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("args", "request_"),
    [
        ([], StatsRequest()),
        (["building", "3"], StatsRequest(building="3")),
        (["楼栋", "3"], StatsRequest(building="3")),
        (["month", "2026-11"], StatsRequest(month="2026-11")),
        (["月份", "2026-11", "楼栋", "2"], StatsRequest(building="2", month="2026-11")),
        (["2026-11"], StatsRequest(month="2026-11")),
        (["11-2026"], StatsRequest(month="11-2026")),  # read, and refused, by the use case
    ],
)
def test_the_command_words(args: list[str], request_: StatsRequest) -> None:
    assert parse_stats_args(args) == request_


@pytest.mark.parametrize("args", [["building"], ["hello"], ["month"], ["building", "1", "x"]])
def test_other_words_get_the_usage(args: list[str]) -> None:
    with pytest.raises(UserError) as refused:
        parse_stats_args(args)
    assert refused.value.key == "usage.stats"


def test_the_median() -> None:
    assert median([]) is None
    assert median([3 * H, 1 * H, 2 * H]) == 2 * H
    assert median([4 * H, 1 * H, 30 * H, 2 * H]) == 3 * H  # (2 + 4) / 2


def test_the_trend_takes_the_newest_three_against_the_three_before() -> None:
    newest_first = [Fraction(p, 100) for p in (60, 50, 40, 30, 20, 10, 90)]
    trend = trend_of(newest_first)
    assert trend is not None
    assert (trend.recent, trend.earlier, trend.side) == (Fraction(1, 2), Fraction(1, 5), 3)
    assert trend.direction == "up"
    # three votes: the newest against the one before, the oldest left out
    small = trend_of([Fraction(1, 5), Fraction(2, 5), Fraction(9, 10)])
    assert small is not None and (small.recent, small.earlier) == (Fraction(1, 5), Fraction(2, 5))
    assert small.direction == "down"
    assert trend_of([Fraction(1, 2)]) is None
    level = trend_of([Fraction(501, 1000), Fraction(1, 2)])
    assert level is not None and level.direction == "steady"  # under one percentage point


def _ticket(status: TicketStatus, **times: datetime | None) -> TicketFact:
    return TicketFact(
        number=1,
        category=Category.OTHER,
        status=status,
        building="1",
        created_at=times.get("created") or NOW - 100 * H,
        answered_at=times.get("answered"),
        acknowledged_at=times.get("acknowledged"),
        resolved_at=times.get("resolved"),
        rating=None,
    )


def test_deadlines_count_only_what_is_decided() -> None:
    created = NOW - 100 * H
    deadlines = Deadlines(response=24 * H, plan=72 * H)
    tickets = [
        # answered in exactly 24 h: met (the bound included); resolved 72 h later: met
        _ticket(
            TicketStatus.RESOLVED,
            created=created,
            answered=created + 24 * H,
            acknowledged=created + 24 * H,
            resolved=created + 96 * H,
        ),
        # reported 10 h ago, no answer yet: not counted
        _ticket(TicketStatus.REPORTED, created=NOW - 10 * H),
        # reported 25 h ago, no answer: missed
        _ticket(TicketStatus.REPORTED, created=NOW - 25 * H),
        # acknowledged 71 h ago, still in progress: the plan not decided yet
        _ticket(
            TicketStatus.IN_PROGRESS,
            created=NOW - 72 * H,
            answered=NOW - 71 * H,
            acknowledged=NOW - 71 * H,
        ),
        # reopened after a resolution: not resolved, acknowledged 99 h ago: plan missed
        _ticket(
            TicketStatus.REOPENED,
            created=created,
            answered=created + H,
            acknowledged=created + H,
            resolved=created + 2 * H,
        ),
    ]
    figures = ticket_figures(tickets, deadlines, NOW)
    assert figures.response == Met(3, 4)
    assert figures.plan == Met(1, 2)
    assert figures.resolve_times == (96 * H,)  # the reopened one is not resolved


CODES = [f"{b}-{r}" for b in "123" for r in (101, 102, 201)]


@given(
    verified=st.sets(st.sampled_from(CODES)),
    notices=st.lists(
        st.tuples(st.sampled_from([None, "1", "2", "3"]), st.sets(st.sampled_from(CODES))),
        max_size=6,
    ),
    building=st.sampled_from([None, "1", "2"]),
)
def test_notice_reads_follow_the_cards_rule(
    verified: set[str], notices: list[tuple[str | None, set[str]]], building: str | None
) -> None:
    """Summed over the notices that reach the scope, the same n of N as each card counts."""
    units = [
        UnitFact(code, code[0], code in verified, code in verified, False, False)
        for code in CODES
        if building is None or code[0] == building
    ]
    facts = [NoticeFact(i, b, NOW, frozenset(reads)) for i, (b, reads) in enumerate(notices)]
    pairs = [(u.code, u.building) for u in units if u.verified]
    reaching = [(b, r) for b, r in notices if building is None or b in (None, building)]
    counts = [count_reads(b, pairs, r) for b, r in reaching]
    figures = notice_figures(facts, units, building)
    assert (figures.notices, figures.read, figures.total) == (
        len(reaching),
        sum(c.read for c in counts),
        sum(c.total for c in counts),
    )
