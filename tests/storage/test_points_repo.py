"""The points ledger on a real SQLite file: earning is idempotent by its unique index (INSERT OR
IGNORE), grants and redemptions are rows of their own, sums and periods, opt-outs, amounts."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from bot.points.model import Act, Entry
from storage.database import Database
from tests.conftest import NOW


async def _community(db: Database, chat_id: int = -1001) -> int:
    async with db.unit_of_work() as uow:
        community = await uow.communities.add(
            chat_id=chat_id,
            name="Sunny",
            language="zh",
            timezone="Asia/Shanghai",
            created_by=1,
            now=NOW,
        )
        await uow.commit()
    return community.id


async def _rows(db: Database) -> list[tuple[str, str, int | None, int]]:
    async with db.unit_of_work() as uow:
        conn = uow.inbox._conn
        async with conn.execute(
            "SELECT unit_code, act, act_key, amount FROM points_ledger ORDER BY id"
        ) as cursor:
            return [(r[0], r[1], r[2], r[3]) for r in await cursor.fetchall()]


async def test_the_same_act_key_and_household_pays_once(db: Database) -> None:
    cid = await _community(db)
    async with db.unit_of_work() as uow:
        await uow.points.add_earned(cid, Act.BALLOT, 1, [("1-101", 7), ("1-102", 7)], now=NOW)
        # again, in a later batch: 1-101 already has vote 7; vote 8 and support of topic 7 are new
        await uow.points.add_earned(cid, Act.BALLOT, 1, [("1-101", 7), ("1-101", 8)], now=NOW)
        await uow.points.add_earned(cid, Act.SUPPORT, 1, [("1-101", 7)], now=NOW)
        await uow.commit()
    assert await _rows(db) == [
        ("1-101", "ballot", 7, 1),
        ("1-102", "ballot", 7, 1),
        ("1-101", "ballot", 8, 1),
        ("1-101", "support", 7, 1),
    ]
    async with db.unit_of_work() as uow:
        assert await uow.points.balances(cid, ["1-101", "1-102", "2-101"]) == {
            "1-101": 3,
            "1-102": 1,
        }


async def test_the_unique_index_refuses_a_plain_second_row_and_other_communities_are_apart(
    db: Database,
) -> None:
    cid = await _community(db)
    other = await _community(db, chat_id=-1002)
    async with db.unit_of_work() as uow:
        await uow.points.add_earned(cid, Act.NOTICE_READ, 1, [("1-101", 3)], now=NOW)
        await uow.points.add_earned(other, Act.NOTICE_READ, 1, [("1-101", 3)], now=NOW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        with pytest.raises(sqlite3.IntegrityError):
            await uow.inbox._conn.execute(
                "INSERT INTO points_ledger (community_id, unit_code, act, act_key, amount, at)"
                " VALUES (?, '1-101', 'notice_read', 3, 1, 'x')",
                (cid,),
            )
    assert len(await _rows(db)) == 2


async def test_grants_and_redemptions_are_rows_with_reason_and_admin(db: Database) -> None:
    cid = await _community(db)
    async with db.unit_of_work() as uow:
        first = await uow.points.add(Entry(cid, "3-501", Act.GRANT, 5, None, "fair", 1, NOW))
        await uow.points.add(Entry(cid, "3-501", Act.GRANT, 5, None, "fair", 1, NOW))
        later = NOW + timedelta(minutes=1)
        await uow.points.add(Entry(cid, "3-501", Act.REDEEM, -3, None, "parking", 1, later))
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.points.balance(cid, "3-501") == 7  # 5 + 5 - 3
        stored = await uow.points.get(first)
        assert stored == Entry(cid, "3-501", Act.GRANT, 5, None, "fair", 1, NOW, first)
        newest = await uow.points.entries(cid, ["3-501"], limit=2)
        assert [(e.act, e.amount, e.reason) for e in newest] == [
            (Act.REDEEM, -3, "parking"),
            (Act.GRANT, 5, "fair"),
        ]
        with pytest.raises(sqlite3.IntegrityError):  # a zero row is no row
            await uow.points.add(Entry(cid, "3-501", Act.GRANT, 0, None, "x", 1, NOW))


async def test_earned_in_a_period_leaves_redemptions_out(db: Database) -> None:
    cid = await _community(db)
    october = NOW - timedelta(days=30)
    async with db.unit_of_work() as uow:
        await uow.points.add(Entry(cid, "1-101", Act.GRANT, 4, None, "old", 1, october))
        await uow.points.add_earned(cid, Act.BALLOT, 1, [("1-101", 1), ("2-101", 1)], now=NOW)
        await uow.points.add(Entry(cid, "2-101", Act.REDEEM, -1, None, "tea", 1, NOW))
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.points.earned(cid, since=None, until=NOW) == {"1-101": 5, "2-101": 1}
        month = NOW - timedelta(days=10)
        assert await uow.points.earned(cid, since=month, until=NOW) == {"1-101": 1, "2-101": 1}
        before = NOW - timedelta(seconds=1)
        assert await uow.points.earned(cid, since=month, until=before) == {}


async def test_opt_outs_and_amounts_round_trip(db: Database) -> None:
    cid = await _community(db)
    async with db.unit_of_work() as uow:
        await uow.points.set_opt_out(cid, "2-101", 600, out=True, now=NOW)
        await uow.points.set_opt_out(cid, "2-101", 600, out=True, now=NOW)  # twice: one row
        await uow.points.set_opt_out(cid, "2-101", 503, out=True, now=NOW)
        await uow.points.set_opt_out(cid, "2-101", 503, out=False, now=NOW)
        await uow.points.set_amount(cid, Act.BALLOT, 0)
        await uow.points.set_amount(cid, Act.BALLOT, 2)
        await uow.points.set_amount(cid, Act.NOTICE_READ, 0)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.points.opt_outs(cid) == {("2-101", 600)}
        assert await uow.points.amounts(cid) == {Act.BALLOT: 2, Act.NOTICE_READ: 0}
        with pytest.raises(sqlite3.IntegrityError):
            await uow.points.set_amount(cid, Act.SUPPORT, 101)
