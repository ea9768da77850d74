"""Votes: 决议 vote → 公示 publish. A vote on a topic in discussion or a free question, and its
stored ballots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.votes.tally import (
    Choice,
    Outcome,
    Rule,
)


class VoteStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Vote:
    id: int
    community_id: int
    number: int
    topic_id: int | None
    question: str
    rule: Rule
    duration: timedelta
    building: str | None
    secret: bool
    status: VoteStatus
    created_by: int
    opened_at: datetime | None = None
    closes_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: Outcome | None = None
    card: tuple[int, int] | None = None
    result_message_id: int | None = None


@dataclass(frozen=True, slots=True)
class BallotRow:
    voter_key: str
    choice: Choice
    cast_by: int
    cast_by_name: str
    cast_at: datetime
