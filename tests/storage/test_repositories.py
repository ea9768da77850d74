"""The repositories on a real SQLite file: rows ↔ domain objects, and the unit of work's
commit / rollback."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.residents.model import MembershipStatus, Relation, Verification
from bot.roles.model import Role, RoleGrant
from bot.units.model import Unit
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


async def test_uncommitted_work_is_rolled_back(db: Database) -> None:
    async with db.unit_of_work() as uow:
        await uow.communities.add(
            chat_id=-5, name="Lost", language="en", timezone="UTC", created_by=1, now=NOW
        )
    async with db.unit_of_work() as uow:
        assert await uow.communities.by_chat(-5) is None


async def test_committed_work_is_on_disk_for_a_new_connection(tmp_path: Path) -> None:
    path = tmp_path / "durable.db"
    first = await Database.open(path)
    await _community(first, chat_id=-7)
    second = await Database.open(path)
    async with second.unit_of_work() as uow:
        found = await uow.communities.by_chat(-7)
    await second.close()
    await first.close()
    assert found is not None
    assert found.name == "Sunny"


async def test_units_round_trip_with_exact_areas_and_retire_remove(db: Database) -> None:
    cid = await _community(db)
    units = [Unit("1-101", "1", Decimal("89.55"), "A"), Unit("1-102", "1", Decimal("0.01"), "B")]
    async with db.unit_of_work() as uow:
        await uow.units.save(cid, units, retire=(), remove=())
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.units.in_register(cid) == units
        assert await uow.units.buildings(cid) == {"1"}
        await uow.units.save(cid, units[:1], retire=["1-102"], remove=[])
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.units.in_register(cid) == units[:1]
        stored = await uow.units.get(cid, "1-102")
        assert stored is not None
        assert stored.retired
        await uow.units.save(cid, units[:1], retire=[], remove=["1-102"])
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.units.get(cid, "1-102") is None


async def test_membership_round_trip(db: Database) -> None:
    cid = await _community(db)
    async with db.unit_of_work() as uow:
        await uow.units.save(cid, [Unit("1-101", "1", Decimal(90), "A")], retire=(), remove=())
        unit = await uow.units.get(cid, "1-101")
        assert unit is not None
        await uow.users.remember(42, "Alice", now=NOW)
        await uow.users.remember(7, "Rep Bob", now=NOW)
        added = await uow.residents.add(
            unit_id=unit.id,
            user_id=42,
            relation=Relation.TENANT,
            status=MembershipStatus.PENDING,
            verification=Verification.REVIEW,
            now=NOW,
        )
        await uow.residents.decide(
            added.id, MembershipStatus.VERIFIED, decided_by=7, now=NOW + timedelta(minutes=1)
        )
        await uow.commit()
    async with db.unit_of_work() as uow:
        got = await uow.residents.get(added.id)
        assert got is not None
        assert (got.unit_code, got.building, got.user_name, got.relation) == (
            "1-101",
            "1",
            "Alice",
            Relation.TENANT,
        )
        assert got.status is MembershipStatus.VERIFIED
        assert got.decided_by_name == "Rep Bob"
        assert got.decided_at == NOW + timedelta(minutes=1)
        assert await uow.units.inhabited(cid) == {"1-101"}
        assert [m.id for m in await uow.residents.verified(cid)] == [added.id]
        assert [m.id for m in await uow.residents.live_of_user(42)] == [added.id]


async def test_roles_and_users(db: Database) -> None:
    cid = await _community(db)
    async with db.unit_of_work() as uow:
        await uow.roles.put(RoleGrant(cid, 7, Role.REP, ("1", "2")), granted_by=1, now=NOW)
        await uow.users.remember(7, "Bob", now=NOW)
        await uow.users.set_language(7, "en")
        await uow.users.set_context(7, cid)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.roles.get(cid, 7) == RoleGrant(cid, 7, Role.REP, ("1", "2"))
        profile = await uow.users.get(7)
        assert profile is not None
        assert (profile.language, profile.context_community_id) == ("en", cid)
        await uow.roles.remove(cid, 7)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.roles.of_user(7) == []


async def test_codes_round_trip(db: Database) -> None:
    cid = await _community(db)
    async with db.unit_of_work() as uow:
        await uow.units.save(cid, [Unit("1-101", "1", Decimal(90), "A")], retire=(), remove=())
        await uow.codes.create(cid, "1-101", "ABCDEFGH", now=NOW)
        await uow.codes.use("ABCDEFGH")
        await uow.codes.record_failure(9, now=NOW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.codes.active(cid) == {"1-101": "ABCDEFGH"}
        record = await uow.codes.find("ABCDEFGH")
        assert record is not None
        assert (record.community_id, record.unit_code, record.uses, record.revoked) == (
            cid,
            "1-101",
            1,
            False,
        )
        assert await uow.codes.failures_since(9, NOW - timedelta(minutes=1)) == 1
        assert await uow.codes.failures_since(9, NOW + timedelta(minutes=1)) == 0
        await uow.codes.revoke(cid, "1-101", now=NOW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.codes.active(cid) == {}
        revoked = await uow.codes.find("ABCDEFGH")
        assert revoked is not None
        assert revoked.revoked


async def test_a_nested_unit_of_work_is_refused_instead_of_deadlocking(db: Database) -> None:
    import pytest

    async with db.unit_of_work():
        with pytest.raises(RuntimeError, match="inside another"):
            async with db.unit_of_work():
                pass
    async with db.unit_of_work() as uow:  # the lock was released
        assert await uow.communities.by_chat(-1) is None


async def test_a_unit_of_work_cancelled_while_it_commits_lets_the_cancel_through(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop cancelled the inbox's mark flusher inside COMMIT, whose statement aiosqlite's
    thread finished anyway: the exit then sent ROLLBACK to a connection no longer in a
    transaction, "cannot rollback - no transaction is active" replaced the cancellation, the
    flusher took it for a failed write and looped, and the stopping bot hung until killed (found
    by tests/e2e/test_digest_flow.py in CI). Now COMMIT (and the BEGIN after it) run to their
    end, the cancellation goes through, and the data is committed."""

    conn = db._conn
    real_execute = conn.execute

    busy: list[asyncio.Future[Any]] = []

    def execute(sql: str, *args: Any, **kwargs: Any) -> Any:
        if sql == "COMMIT":  # aiosqlite's thread busy a moment first: COMMIT waits its turn
            busy.append(asyncio.ensure_future(conn._execute(time.sleep, 0.1)))
        return real_execute(sql, *args, **kwargs)

    monkeypatch.setattr(conn, "execute", execute)

    async def commit() -> None:
        async with db.unit_of_work() as uow:
            await uow.users.remember(7, "Bo", now=NOW)
            await uow.commit()

    task = asyncio.ensure_future(commit())
    await asyncio.sleep(0.05)  # inside COMMIT, waiting for the thread
    task.cancel()
    (outcome,) = await asyncio.gather(task, return_exceptions=True)
    assert isinstance(outcome, asyncio.CancelledError), outcome
    monkeypatch.undo()
    async with db.unit_of_work() as uow:
        assert (await uow.users.get(7)) is not None  # the COMMIT ran to its end
        await uow.users.remember(1, "Ann", now=NOW)
        await uow.commit()


async def test_a_unit_of_work_cancelled_while_it_begins_leaves_no_transaction_behind(
    db: Database,
) -> None:
    """A stop cancels tasks at any await: one cancelled inside BEGIN must not leave the
    connection in a transaction (the next unit of work failed with "cannot start a transaction
    within a transaction")."""

    async def enter() -> None:
        async with db.unit_of_work():
            await asyncio.sleep(10)

    for _ in range(20):
        task = asyncio.ensure_future(enter())
        await asyncio.sleep(0)  # the task is now inside BEGIN (in aiosqlite's thread)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        async with db.unit_of_work() as uow:
            await uow.users.remember(1, "Ann", now=NOW)
            await uow.commit()
