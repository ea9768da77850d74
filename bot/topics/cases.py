"""Use cases of topics: proposing, supporting (toggling), finding by number."""

from __future__ import annotations

from datetime import datetime

from bot.communities.model import Community
from bot.errors import NotFound, UserError
from bot.outbox import Intent, Tell, group_lane, tell
from bot.points.cases import earn
from bot.points.model import Act
from bot.residents.cases import refuse_unverified, verified_households
from bot.topics.model import (
    MAX_DETAILS,
    MAX_TITLE,
    SupportResult,
    Topic,
    TopicStatus,
    split_proposal,
)
from bot.topics.ports import TopicsUnitOfWork


async def propose_topic(
    uow: TopicsUnitOfWork,
    *,
    community: Community,
    user_id: int,
    text: str,
    now: datetime,
    reply_to: int | None = None,
) -> Topic:
    """A proposed topic; its card with Support is posted in the group (replying to the
    proposal's message `reply_to`), through the outbox."""
    title, details = split_proposal(text)
    if not title:
        raise UserError("usage.propose")
    if len(title) > MAX_TITLE or len(details) > MAX_DETAILS:
        raise UserError("topics.too_long", title=MAX_TITLE, details=MAX_DETAILS)
    if not await verified_households(uow, community.id, user_id):
        await refuse_unverified(uow, community.id, user_id, "topics.not_resident")
    topic = await uow.topics.add(
        community_id=community.id, title=title, details=details, proposed_by=user_id, now=now
    )
    card = Intent(Tell.TOPIC_CARD, topic.id, group_lane(community.id), {"reply_to": reply_to})
    await tell(uow, card, now=now)
    await uow.commit()
    return topic


async def attach_topic_card(
    uow: TopicsUnitOfWork, topic_id: int, chat_id: int, message_id: int
) -> None:
    await uow.topics.set_card(topic_id, chat_id, message_id)
    await uow.commit()


async def toggle_support(
    uow: TopicsUnitOfWork, *, community: Community, topic_id: int, user_id: int, now: datetime
) -> SupportResult:
    topic = await uow.topics.get(topic_id)
    if topic is None or topic.community_id != community.id:
        raise NotFound("topics.not_found")
    if topic.status not in (TopicStatus.PROPOSED, TopicStatus.DISCUSSION):
        raise UserError("topics.support_closed", number=topic.number)
    households = [m.unit_code for m in await verified_households(uow, community.id, user_id)]
    if not households:
        await refuse_unverified(uow, community.id, user_id, "topics.support_not_resident")
    supporters = await uow.topics.supports(topic_id)
    mine = next((h for h in households if h in supporters), None)
    if mine is not None:
        await uow.topics.remove_support(topic_id, mine)
    else:
        await uow.topics.add_support(topic_id, households[0], user_id, now=now)
        await earn(
            uow,
            community_id=community.id,
            unit_code=households[0],
            act=Act.SUPPORT,
            key=topic_id,
            now=now,
        )
    count = len(supporters) + (-1 if mine is not None else 1)
    reached = topic.status is TopicStatus.PROPOSED and count >= community.support_threshold
    if reached:  # the group is told, through the outbox, with the count that reached it
        await uow.topics.set_status(topic_id, TopicStatus.DISCUSSION, now=now)
        lane = group_lane(community.id)
        await tell(uow, Intent(Tell.TOPIC_REACHED, topic_id, lane, {"supports": count}), now=now)
        await _pay_proposer(uow, topic, now)
    updated = await uow.topics.get(topic_id)
    await uow.commit()
    assert updated is not None
    return SupportResult(updated, mine is None, mine or households[0], reached)


async def _pay_proposer(uow: TopicsUnitOfWork, topic: Topic, now: datetime) -> None:
    """The topic reached discussion: the proposer's household earns, once."""
    proposer = await verified_households(uow, topic.community_id, topic.proposed_by)
    if proposer:
        unit = proposer[0].unit_code
        await earn(
            uow,
            community_id=topic.community_id,
            unit_code=unit,
            act=Act.TOPIC_REACHED,
            key=topic.id,
            now=now,
        )


async def move_topic(
    uow: TopicsUnitOfWork, topic_id: int, status: TopicStatus, *, now: datetime
) -> Topic | None:
    """The topic takes its next status (a vote opened or closed on it, a meeting decided it)
    and its card is redrawn to show the step it reached, through the outbox: part of the
    caller's transaction."""
    await uow.topics.set_status(topic_id, status, now=now)
    topic = await uow.topics.get(topic_id)
    if topic is not None and topic.card is not None:
        await tell(uow, redraw_topic_card(topic), now=now)
    return topic


def redraw_topic_card(topic: Topic) -> Intent:
    """Redraw a topic's card as it stands (its step, its meeting), e.g. after an agenda change."""
    return Intent(Tell.TOPIC_CARD, topic.id, group_lane(topic.community_id))


async def topic_by_number(uow: TopicsUnitOfWork, community_id: int, number: int) -> Topic:
    topic = await uow.topics.by_number(community_id, number)
    if topic is None:
        raise NotFound("topics.no_such_number", number=number)
    return topic


async def live_topic_cards(uow: TopicsUnitOfWork) -> list[int]:
    """The topics whose cards still take support (proposed or in discussion), in every
    community: the cards start-up redraws, in case a redraw was cut short by a stop."""
    return [topic.id for topic in await uow.topics.with_cards_taking_support()]
