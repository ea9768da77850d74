"""What `/vote` asks for: `<topic number | question> [rule] [duration] [building <b>] [secret]`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from bot.errors import UserError
from bot.votes.tally import (
    Choice,
    Rule,
    parse_rule,
)

DEFAULT_DURATION = timedelta(days=3)


MIN_DURATION = timedelta(minutes=1)


MAX_DURATION = timedelta(days=60)


MAX_QUESTION = 300


_DURATION = re.compile(r"^(\d{1,6})([mhd])$")


_DURATION_LIKE = re.compile(r"^\d+(s|m|h|d|w|y|mo|mins?|minutes?|hours?|days?|weeks?)$")


_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta | None:
    match = _DURATION.match(text.strip().lower())
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
    topic_number = int(args[0]) if args[0].isdigit() and len(args[0]) < 9 else None
    rest = args[1:] if topic_number is not None else list(args)
    rule: Rule | None = None
    duration: timedelta | None = None
    building: str | None = None
    secret = False
    while rest:
        last = rest[-1]
        lowered = last.lower()
        if building is None and len(rest) >= 2 and rest[-2].lower() in ("building", "楼栋"):
            building = last
            del rest[-2:]
            continue
        if rule is None and parse_rule(last) is not None:
            rule = parse_rule(last)
        elif duration is None and _DURATION_LIKE.match(lowered):
            duration = parse_duration(lowered)
            if duration is None:
                raise UserError("votes.bad_duration", value=last)
        elif not secret and lowered in ("secret", "无记名", "匿名"):
            secret = True
        else:
            break
        rest.pop()
    if topic_number is not None and rest:
        raise UserError("votes.unknown_option", value=rest[0])
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
