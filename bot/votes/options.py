"""What `/vote` asks for: `<topic number | question> [rule] [duration] [building <b>] [secret]`,
in English or Chinese (`/vote 4 双过半 7天 2号楼 无记名`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from bot.errors import UserError
from bot.i18n import ascii_digits, whole_number
from bot.votes.tally import (
    Choice,
    Rule,
    parse_rule,
)

DEFAULT_DURATION = timedelta(days=3)
MIN_DURATION = timedelta(minutes=1)
MAX_DURATION = timedelta(days=60)
MAX_QUESTION = 300
MAX_TOPIC_NUMBER = 10**8
_UNITS = {
    "m": "minutes",
    "h": "hours",
    "d": "days",
    "分钟": "minutes",
    "分": "minutes",
    "小时": "hours",
    "个小时": "hours",
    "天": "days",
    "日": "days",
}


# ASCII digits only: `\d` would also match other scripts' digits.
_DURATION = re.compile(r"^([0-9]{1,6})(m|h|d|分钟|分|个小时|小时|天|日)$")
_DURATION_LIKE = re.compile(
    r"^[0-9]+(s|m|h|d|w|y|mo|mins?|minutes?|hours?|days?|weeks?"
    r"|秒|秒钟|分|分钟|时|小时|个小时|天|日|周|星期|个星期|个月|月|年)$"
)


_BUILDING_WORDS = ("building", "楼栋")


# `2号楼`, `2栋`, `A幢`: a building named by its number and a Chinese measure word
_CHINESE_BUILDING = re.compile(r"^([0-9A-Za-z]{1,8})(号楼|栋|幢)$")
_SECRET_WORDS = ("secret", "无记名", "不记名", "匿名")


def parse_duration(text: str) -> timedelta | None:
    """`30m`, `12h`, `3d`, `30分钟`, `12小时`, `7天`: from MIN_DURATION to MAX_DURATION."""
    match = _DURATION.match(ascii_digits(text).strip().lower())
    if match is None:
        return None
    duration = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    return duration if MIN_DURATION <= duration <= MAX_DURATION else None


@dataclass(frozen=True, slots=True)
class VoteRequest:
    """What `/vote` asked for; None where the sender left it to the buttons or the default."""

    topic_number: int | None
    question: str
    rule: Rule | None = None
    duration: timedelta | None = None
    building: str | None = None
    secret: bool = False

    @property
    def complete(self) -> bool:
        return self.rule is not None or self.duration is not None


def parse_vote_args(args: list[str]) -> VoteRequest:
    """`<topic number | question> [rule] [duration] [building <b>] [secret]`: the options are
    read from the end, so a question may itself say "building 2". After a topic number every
    word must be an option."""
    if not args:
        raise UserError("usage.vote")
    args = [ascii_digits(arg) for arg in args]  # `７天` as a Chinese keyboard types it
    topic_number = whole_number(args[0].removeprefix("#"), high=MAX_TOPIC_NUMBER)
    rest = args[1:] if topic_number is not None else list(args)
    rule: Rule | None = None
    duration: timedelta | None = None
    building: str | None = None
    secret = False
    while rest:
        last = rest[-1]
        lowered = last.lower()
        if building is None and len(rest) >= 2 and rest[-2].lower() in _BUILDING_WORDS:
            building = last
            del rest[-2:]
            continue
        if duration is None and len(rest) >= 2 and _is_digits(rest[-2]) and not _is_digits(last):
            spaced = f"{rest[-2]}{lowered}"  # `7 天`, `12 h`
            if _DURATION_LIKE.match(spaced):
                duration = _checked_duration(spaced)
                del rest[-2:]
                continue
        chinese_building = _CHINESE_BUILDING.match(last)
        if building is None and chinese_building is not None:
            building = chinese_building.group(1)
        elif rule is None and parse_rule(last) is not None:
            rule = parse_rule(last)
        elif duration is None and _DURATION_LIKE.match(lowered):
            duration = _checked_duration(last)
        elif not secret and lowered in _SECRET_WORDS:
            secret = True
        else:
            break
        rest.pop()
    if topic_number is not None and rest:
        # read from the end, so the word nearest the end that is not an option is the culprit
        raise UserError("votes.unknown_option", value=rest[-1])
    text = " ".join(rest)
    if topic_number is None and not text:
        raise UserError("usage.vote")
    if len(text) > MAX_QUESTION:
        raise UserError("votes.question_too_long", max=MAX_QUESTION)
    return VoteRequest(topic_number, text, rule, duration, building, secret)


_CHOICES = {
    "for": Choice.FOR,
    "yes": Choice.FOR,
    "赞成": Choice.FOR,
    "同意": Choice.FOR,
    "against": Choice.AGAINST,
    "no": Choice.AGAINST,
    "反对": Choice.AGAINST,
    "abstain": Choice.ABSTAIN,
    "弃权": Choice.ABSTAIN,
}


def parse_choice(text: str) -> Choice | None:
    """A choice as a clerk types it from a paper ballot: `for`, `赞成`, `against`, `反对`, …"""
    return _CHOICES.get(unicodedata.normalize("NFKC", text).strip().lower())


def _checked_duration(text: str) -> timedelta:
    duration = parse_duration(text)
    if duration is None:
        raise UserError("votes.bad_duration", value=text)
    return duration


def _is_digits(word: str) -> bool:
    return word.isascii() and word.isdigit()
