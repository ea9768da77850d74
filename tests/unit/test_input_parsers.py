"""The strict number reader, the formula-safe CSV cell, the refusal excerpt and the Chinese
/vote options (issue 8)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UserError, excerpt
from bot.i18n import whole_number
from bot.votes.options import parse_vote_args
from bot.votes.tally import Rule
from handlers.format import safe_cell


@given(st.text(max_size=30))
def test_whole_number_never_raises_and_reads_only_ascii_digits(text: str) -> None:
    value = whole_number(text)
    if value is not None:
        assert text.isascii() and text.isdigit() and str(value) == text.lstrip("0")
        assert 1 <= value <= 2**63 - 1


@given(st.integers(min_value=1, max_value=2**63 - 1))
def test_whole_number_reads_every_sqlite_id(value: int) -> None:
    assert whole_number(str(value)) == value


@pytest.mark.parametrize(
    "text", ["²", "٣", "0", "-1", "9223372036854775808", "1.5", " 1"]
)  # full-width digits are read: see below
def test_whole_number_refuses(text: str) -> None:
    assert whole_number(text) is None


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Ann", "Ann"),
        ("1-101", "1-101"),
    ],
)
def test_safe_cell(cell: str, safe: str) -> None:
    assert safe_cell(cell) == safe


def test_excerpt() -> None:
    assert excerpt("x" * 40) == "x" * 40
    assert excerpt("x" * 4000) == "x" * 39 + "…"


@pytest.mark.parametrize(
    ("args", "rule", "duration", "building", "secret"),
    [
        ("4 双过半 7天", Rule.DOUBLE_MAJORITY, timedelta(days=7), None, False),
        ("4 简单多数 3天", Rule.SIMPLE, timedelta(days=3), None, False),
        ("4 三分之二 12小时", Rule.TWO_THIRDS, timedelta(hours=12), None, False),
        ("4 双四分之三 30分钟", Rule.DOUBLE_THREE_QUARTERS, timedelta(minutes=30), None, False),
        ("4 双过半 7 天", Rule.DOUBLE_MAJORITY, timedelta(days=7), None, False),
        ("4 楼栋 2 无记名", None, None, "2", True),
        ("4 2号楼 不记名", None, None, "2", True),
        ("4 2栋 匿名", None, None, "2", True),
    ],
)
def test_chinese_options_after_a_topic_number(
    args: str, rule: Rule | None, duration: timedelta | None, building: str | None, secret: bool
) -> None:
    request = parse_vote_args(args.split())
    assert (request.topic_number, request.rule, request.duration) == (4, rule, duration)
    assert (request.building, request.secret) == (building, secret)


def test_a_chinese_question_keeps_only_the_question() -> None:
    request = parse_vote_args(["是否续聘物业", "双过半", "7天"])
    assert request.question == "是否续聘物业"
    assert (request.rule, request.duration) == (Rule.DOUBLE_MAJORITY, timedelta(days=7))


def test_the_unknown_word_is_the_one_blamed() -> None:
    with pytest.raises(UserError) as refused:
        parse_vote_args(["4", "双过半", "unanimous", "7天"])
    assert refused.value.params == {"value": "unanimous"}
    with pytest.raises(UserError) as refused:
        parse_vote_args(["4", "3周"])
    assert refused.value.key == "votes.bad_duration"


@given(st.lists(st.text(max_size=12), min_size=1, max_size=6))
def test_the_options_parser_only_refuses_politely(words: list[str]) -> None:
    with contextlib.suppress(UserError):
        parse_vote_args(words)


def test_full_width_digits_read_as_a_chinese_keyboard_types_them() -> None:
    # `７天` and `＃３` come from full-width input; other Unicode digits stay refused
    assert whole_number("１２") == 12
    assert whole_number("²") is None
    request = parse_vote_args(["是否续聘物业", "双过半", "７天"])
    assert (request.question, request.rule, request.duration) == (
        "是否续聘物业",
        Rule.DOUBLE_MAJORITY,
        timedelta(days=7),
    )
