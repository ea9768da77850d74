"""Votes: 决议 vote → 公示 publish. A vote on a topic in discussion or a free question, its
frozen electorate and its stored ballots."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.votes.chain import canonical
from bot.votes.tally import Choice, Electorate, Outcome, Rule


class VoteStatus(StrEnum):
    DRAFT = "draft"
    ANNOUNCED = "announced"  # a Civil Code vote told to the owners ahead; opens by itself
    OPEN = "open"
    CLOSED = "closed"
    DELETED = "deleted"  # a draft its author deleted: kept so its old buttons answer clearly


class BallotSource(StrEnum):
    """Cast with a button, or entered by the committee from a paper ballot (书面表决 / 委托)."""

    ONLINE = "online"
    PAPER = "paper"


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
    # False only for votes opened before electorates were frozen (they count from the register)
    electorate_frozen: bool = False
    announced_at: datetime | None = None
    opens_at: datetime | None = None
    publication_ends_at: datetime | None = None  # objections until then (公示期)


@dataclass(frozen=True, slots=True)
class Objection:
    """An owner's objection to a published result, kept with the vote, and the answer."""

    vote_id: int
    number: int
    user_id: int
    user_name: str
    text: str
    lodged_at: datetime
    answer: str | None = None
    answered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class BallotRow:
    voter_key: str
    choice: Choice
    cast_by: int
    cast_by_name: str
    cast_at: datetime
    source: BallotSource = BallotSource.ONLINE
    receipt: str = ""


@dataclass(frozen=True, slots=True)
class StoredBallot:
    """The standing ballot of one voter key, as the hot path and the notes need it."""

    choice: Choice
    cast_by: int
    source: BallotSource
    receipt: str = ""


def electorate_digest(electorate: Electorate) -> str:
    """sha256 of the frozen electorate, in canonical form: voters sorted by key, each with its
    units (code, building, area, owner key), buildings, total area and the
    owner's units outside a building vote's scope (exact, as text)."""
    voters = [
        [
            v.key,
            [[u.code, u.building, f"{u.area_m2:.2f}", u.owner_key] for u in v.members],
            list(v.buildings),
            f"{v.area_m2:.2f}",
            list(v.linked),
        ]
        for v in sorted(electorate.voters.values(), key=lambda v: v.key)
    ]
    return hashlib.sha256(
        canonical({"rule": electorate.rule.value, "voters": voters}).encode()
    ).hexdigest()
