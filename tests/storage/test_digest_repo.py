"""The digest repository on a real SQLite file: the schedule (a default without a row), each
week recorded once, the tickets of a period, and the prefilled topics."""

from __future__ import annotations

from datetime import time, timedelta

from bot.digest.model import DigestSchedule, ProposalStatus, ReportedTicket
from bot.reports.model import Category
from storage.database import Database
from tests.conftest import NOW


async def _community(db: Database, chat_id: int) -> int:
    async with db.unit_of_work() as uow:
        community = await uow.communities.add(
            chat_id=chat_id, name="Sunny", language="zh", timezone="UTC", created_by=1, now=NOW
        )
        await uow.commit()
    return community.id


async def test_the_schedule_defaults_to_monday_nine_and_is_stored_per_community(
    db: Database,
) -> None:
    first, second = await _community(db, -1001), await _community(db, -2002)
    async with db.unit_of_work() as uow:
        assert await uow.digest.schedule(first) == DigestSchedule(0, time(9, 0), enabled=True)
        await uow.digest.set_schedule(first, DigestSchedule(2, time(18, 30)))
        await uow.digest.set_schedule(second, DigestSchedule(enabled=False))
        await uow.digest.set_schedule(first, DigestSchedule(4, time(7, 5)))  # replaced
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.digest.schedule(first) == DigestSchedule(4, time(7, 5))
        assert (await uow.digest.schedule(second)).enabled is False
        assert await uow.digest.schedules() == {
            first: DigestSchedule(4, time(7, 5)),
            second: DigestSchedule(0, time(9, 0), enabled=False),
        }


async def test_a_week_is_recorded_sent_once(db: Database) -> None:
    community = await _community(db, -1001)
    due = NOW - timedelta(hours=2)
    async with db.unit_of_work() as uow:
        assert await uow.digest.last_due(community) is None
        assert await uow.digest.mark_sent(community, "2026-11-22", due_at=due, now=NOW) is True
        assert await uow.digest.mark_sent(community, "2026-11-22", due_at=due, now=NOW) is False
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.digest.last_due(community) == due


async def test_tickets_opened_or_resolved_since(db: Database) -> None:
    community = await _community(db, -1001)
    rows = [  # number, category, building, status, created, resolved
        (1, "elevator", "2", "reported", NOW - timedelta(days=40), None),
        (2, "elevator", "2", "resolved", NOW - timedelta(days=40), NOW - timedelta(days=1)),
        (3, "noise", None, "rejected", NOW - timedelta(days=2), None),
    ]
    async with db.unit_of_work() as uow:
        conn = uow.inbox._conn
        await conn.execute(
            "INSERT INTO users (id, display_name, updated_at) VALUES (5, 'Li', :now)",
            {"now": NOW.isoformat()},
        )
        for number, category, building, status, created, resolved in rows:
            await conn.execute(
                "INSERT INTO tickets (community_id, number, category, description, reporter_id,"
                " building, status, created_at, resolved_at) VALUES (:cid, :n, :category, 'x',"
                " 5, :building, :status, :created, :resolved)",
                {
                    "cid": community,
                    "n": number,
                    "category": category,
                    "building": building,
                    "status": status,
                    "created": created.isoformat(timespec="seconds"),
                    "resolved": resolved.isoformat(timespec="seconds") if resolved else None,
                },
            )
        await uow.commit()
    async with db.unit_of_work() as uow:
        found = await uow.digest.tickets(community, NOW - timedelta(days=30))
    assert found == [
        ReportedTicket(Category.ELEVATOR, "2", NOW - timedelta(days=40), NOW - timedelta(days=1)),
        ReportedTicket(Category.NOISE, None, NOW - timedelta(days=2), None, rejected=True),
    ]


async def test_a_prefilled_topic_is_found_until_cancelled(db: Database) -> None:
    community = await _community(db, -1001)
    async with db.unit_of_work() as uow:
        first = await uow.digest.add_proposal(
            community_id=community,
            user_id=42,
            building="2",
            category=Category.ELEVATOR,
            text="2号楼电梯近 30 天报修 3 次，建议议一议彻底维修。",
            now=NOW,
        )
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert await uow.digest.proposal(first.id) == first
        assert await uow.digest.find_proposal(community, 42, "2", Category.ELEVATOR) == first
        assert await uow.digest.find_proposal(community, 43, "2", Category.ELEVATOR) is None
        await uow.digest.set_proposal_status(first.id, ProposalStatus.CANCELLED)
        await uow.commit()
    async with db.unit_of_work() as uow:
        stored = await uow.digest.proposal(first.id)
        assert stored is not None and stored.status is ProposalStatus.CANCELLED
        assert await uow.digest.find_proposal(community, 42, "2", Category.ELEVATOR) is None
