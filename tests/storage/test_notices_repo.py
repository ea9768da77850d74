"""The notice repository on a real SQLite file: rows ↔ notices, numbers per community, one
read per household, cards and the live ones."""

from __future__ import annotations

from datetime import timedelta

import aiosqlite
import pytest

from bot.notices.model import AuthorRole, Notice
from storage.database import Database
from tests.conftest import NOW


async def _community(db: Database, chat_id: int) -> int:
    async with db.unit_of_work() as uow:
        community = await uow.communities.add(
            chat_id=chat_id, name="Sunny", language="zh", timezone="UTC", created_by=1, now=NOW
        )
        await uow.commit()
    return community.id


async def test_notices_round_trip_numbered_per_community(db: Database) -> None:
    first, second = await _community(db, -1001), await _community(db, -2002)
    async with db.unit_of_work() as uow:
        assert await uow.notices.next_number(first) == 1
        a = await uow.notices.add(
            community_id=first,
            text="停水\n周五",
            building="2",
            author_id=7,
            author_role=AuthorRole.REP,
            now=NOW,
        )
        b = await uow.notices.add(
            community_id=first,
            text="Garden",
            building=None,
            author_id=9,
            author_role=AuthorRole.COMMITTEE,
            now=NOW,
        )
        c = await uow.notices.add(
            community_id=second,
            text="Other",
            building=None,
            author_id=1,
            author_role=AuthorRole.ADMIN,
            now=NOW,
        )
        assert await uow.notices.next_number(first) == 3
        await uow.commit()
    assert a == Notice(a.id, first, 1, "停水\n周五", "2", 7, AuthorRole.REP, None, published_at=NOW)
    assert (b.number, b.building, b.author_role) == (2, None, AuthorRole.COMMITTEE)
    assert (c.number, c.community_id) == (1, second)
    async with db.unit_of_work() as uow:
        assert await uow.notices.get(a.id) == a
        assert await uow.notices.get(999) is None


async def test_reads_are_one_per_household_and_cards_are_stored(db: Database) -> None:
    cid = await _community(db, -1001)
    async with db.unit_of_work() as uow:
        notice = await uow.notices.add(
            community_id=cid,
            text="x",
            building=None,
            author_id=9,
            author_role=AuthorRole.COMMITTEE,
            now=NOW,
        )
        await uow.notices.add_read(notice.id, "2-101", 201, now=NOW)
        await uow.notices.add_read(notice.id, "2-102", 203, now=NOW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.notices.reads(notice.id) == {"2-101": 201, "2-102": 203}
        with pytest.raises(aiosqlite.IntegrityError):  # the household already confirmed
            await uow.notices.add_read(notice.id, "2-101", 202, now=NOW)
    async with db.unit_of_work() as uow:
        assert await uow.notices.with_cards_since(NOW - timedelta(days=30)) == []
        await uow.notices.set_card(notice.id, -1001, 55)
        await uow.commit()
    async with db.unit_of_work() as uow:
        stored = await uow.notices.get(notice.id)
        assert stored is not None and stored.card == (-1001, 55)
        assert [n.id for n in await uow.notices.with_cards_since(NOW)] == [notice.id]
        assert await uow.notices.with_cards_since(NOW + timedelta(seconds=1)) == []
        assert await uow.notices.reads(notice.id) == {"2-101": 201, "2-102": 203}


async def test_an_uncommitted_notice_is_rolled_back(db: Database) -> None:
    cid = await _community(db, -1001)
    async with db.unit_of_work() as uow:
        await uow.notices.add(
            community_id=cid,
            text="lost",
            building=None,
            author_id=9,
            author_role=AuthorRole.COMMITTEE,
            now=NOW,
        )
    async with db.unit_of_work() as uow:
        assert await uow.notices.next_number(cid) == 1
