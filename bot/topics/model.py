"""Topics: 提议 propose → 商议 gather support. A verified resident proposes; households support
(附议) it, one support per household, pressing again withdraws; at the community's threshold the
topic enters discussion and can be put to a vote."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_TITLE = 120
MAX_DETAILS = 1500


class TopicStatus(StrEnum):
    PROPOSED = "proposed"
    DISCUSSION = "discussion"
    VOTING = "voting"
    PASSED = "passed"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"


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
