"""The queries behind the start-up repairs: which cards are still live."""

from __future__ import annotations

from datetime import timedelta

from bot.notices.cases import live_notice_cards
from bot.notices.model import AuthorRole
from bot.topics.cases import live_topic_cards
from bot.topics.model import TopicStatus
from storage.database import Database
from tests.conftest import NOW
from tests.storage.test_repositories import _community


async def test_topics_with_cards_taking_support(db: Database) -> None:
    cid = await _community(db)
    other = await _community(db, chat_id=-1002)
    async with db.unit_of_work() as uow:
        await uow.users.remember(7, "Bob", now=NOW)
        ids = []
        for community_id, title in [(cid, "a"), (cid, "b"), (cid, "c"), (other, "d"), (cid, "e")]:
            topic = await uow.topics.add(
                community_id=community_id, title=title, details="", proposed_by=7, now=NOW
            )
            ids.append(topic.id)
        proposed, discussion, voting, elsewhere, no_card = ids
        for number, topic_id in enumerate([proposed, discussion, voting, elsewhere], start=1):
            await uow.topics.set_card(topic_id, -1001, 100 + number)
        await uow.topics.set_status(discussion, TopicStatus.DISCUSSION, now=NOW)
        await uow.topics.set_status(voting, TopicStatus.VOTING, now=NOW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await live_topic_cards(uow) == [proposed, discussion, elsewhere]
        found = await uow.topics.with_cards_taking_support()
    assert [t.card for t in found] == [(-1001, 101), (-1001, 102), (-1001, 104)]
    assert no_card not in [t.id for t in found]


async def test_notices_with_cards_of_the_last_30_days(db: Database) -> None:
    cid = await _community(db)
    other = await _community(db, chat_id=-1002)
    async with db.unit_of_work() as uow:
        ids = []
        for community_id, posted in [
            (cid, NOW - timedelta(days=31)),
            (cid, NOW - timedelta(days=30)),
            (other, NOW),
            (cid, NOW),
        ]:
            notice = await uow.notices.add(
                community_id=community_id,
                text="x",
                building=None,
                author_id=9,
                author_role=AuthorRole.COMMITTEE,
                now=posted,
            )
            ids.append(notice.id)
        too_old, thirty_days, elsewhere, _no_card = ids
        for number, notice_id in enumerate([too_old, thirty_days, elsewhere], start=1):
            await uow.notices.set_card(notice_id, -1001, 100 + number)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await live_notice_cards(uow, now=NOW) == [thirty_days, elsewhere]
