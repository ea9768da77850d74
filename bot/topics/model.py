"""Topics: 提议 propose → 商议 gather support. A verified resident proposes; households support
(附议) it, one support per household, pressing again withdraws; at the community's threshold the
topic enters discussion, goes on a meeting's agenda (审议) and can be put to a vote (决议), whose
result is published (公示): the five steps, `Step`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum

MAX_TITLE = 120
MAX_DETAILS = 1500


class TopicStatus(StrEnum):
    PROPOSED = "proposed"
    DISCUSSION = "discussion"
    VOTING = "voting"
    PASSED = "passed"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"


class Step(IntEnum):
    """The five steps of a topic (domain.md), numbered as residents count them."""

    PROPOSE = 1  # 提议: submitted
    SUPPORT = 2  # 商议: gathering support (附议)
    REVIEW = 3  # 审议: in discussion, on (or waiting for) a meeting's agenda
    VOTE = 4  # 决议: being voted on
    PUBLISH = 5  # 公示: the outcome is published


_STEP_OF_STATUS = {
    TopicStatus.PROPOSED: Step.SUPPORT,
    TopicStatus.DISCUSSION: Step.REVIEW,
    TopicStatus.VOTING: Step.VOTE,
    TopicStatus.PASSED: Step.PUBLISH,
    TopicStatus.REJECTED: Step.PUBLISH,
    TopicStatus.NO_QUORUM: Step.PUBLISH,
}


def step_of(status: TopicStatus) -> Step:
    """Where a topic stands: proposing is done the moment it exists, so a new topic is already
    gathering support; one in discussion waits for (or is on) a meeting's agenda."""
    return _STEP_OF_STATUS[status]


@dataclass(frozen=True, slots=True)
class AgendaSlot:
    """The upcoming meeting whose agenda a topic is on."""

    meeting_number: int
    starts_at: datetime


@dataclass(frozen=True, slots=True)
class Topic:
    id: int
    community_id: int
    number: int
    title: str
    details: str
    proposed_by: int
    proposer_name: str
    status: TopicStatus
    supports: int
    card: tuple[int, int] | None = None


def split_proposal(text: str) -> tuple[str, str]:
    """The first line is the title; the lines after it are the details."""
    title, _, details = text.strip().partition("\n")
    return " ".join(title.split()), details.strip()


@dataclass(frozen=True, slots=True)
class SupportResult:
    topic: Topic
    supported: bool
    household: str
    reached_discussion: bool
