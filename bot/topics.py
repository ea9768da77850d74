"""Topics: 提议 propose → 商议 gather support. A verified resident proposes; households support
(附议) it, one support per household, pressing again withdraws; at the community's threshold the
topic enters discussion and can be put to a vote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.errors import NotAllowed, NotFound, UserError
from bot.residents import Membership, MembershipStatus

if TYPE_CHECKING:
    from bot.communities import Community
    from bot.ports import UnitOfWork

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


async def verified_households(uow: UnitOfWork, community_id: int, user_id: int) -> list[Membership]:
    return [
        m
        for m in await uow.residents.live_of_user(user_id)
        if m.community_id == community_id and m.status is MembershipStatus.VERIFIED
    ]


def split_proposal(text: str) -> tuple[str, str]:
    """The first line is the title; the lines after it are the details."""
    title, _, details = text.strip().partition("\n")
    return " ".join(title.split()), details.strip()


async def propose_topic(
    uow: UnitOfWork, *, community: Community, user_id: int, text: str, now: datetime
) -> Topic:
    title, details = split_proposal(text)
    if not title:
        raise UserError("usage.propose")
    if len(title) > MAX_TITLE or len(details) > MAX_DETAILS:
        raise UserError("topics.too_long", title=MAX_TITLE, details=MAX_DETAILS)
    if not await verified_households(uow, community.id, user_id):
        raise NotAllowed("topics.not_resident")
    topic = await uow.topics.add(
        community_id=community.id, title=title, details=details, proposed_by=user_id, now=now
    )
    await uow.commit()
    return topic


async def attach_topic_card(uow: UnitOfWork, topic_id: int, chat_id: int, message_id: int) -> None:
    await uow.topics.set_card(topic_id, chat_id, message_id)
    await uow.commit()


@dataclass(frozen=True, slots=True)
class SupportResult:
    topic: Topic
    supported: bool
    household: str
    reached_discussion: bool


async def toggle_support(
    uow: UnitOfWork, *, community: Community, topic_id: int, user_id: int, now: datetime
) -> SupportResult:
    topic = await uow.topics.get(topic_id)
    if topic is None or topic.community_id != community.id:
        raise NotFound("topics.not_found")
    if topic.status not in (TopicStatus.PROPOSED, TopicStatus.DISCUSSION):
        raise UserError("topics.support_closed", number=topic.number)
    households = [m.unit_code for m in await verified_households(uow, community.id, user_id)]
    if not households:
        raise NotAllowed("topics.support_not_resident")
    supporters = await uow.topics.supports(topic_id)
    mine = next((h for h in households if h in supporters), None)
    if mine is not None:
        await uow.topics.remove_support(topic_id, mine)
    else:
        await uow.topics.add_support(topic_id, households[0], user_id, now=now)
    count = len(supporters) + (-1 if mine is not None else 1)
    reached = topic.status is TopicStatus.PROPOSED and count >= community.support_threshold
    if reached:
        await uow.topics.set_status(topic_id, TopicStatus.DISCUSSION, now=now)
    updated = await uow.topics.get(topic_id)
    await uow.commit()
    assert updated is not None
    return SupportResult(updated, mine is None, mine or households[0], reached)


async def topic_by_number(uow: UnitOfWork, community_id: int, number: int) -> Topic:
    topic = await uow.topics.by_number(community_id, number)
    if topic is None:
        raise NotFound("topics.no_such_number", number=number)
    return topic
