"""The outbox on a real SQLite file: what must be told is part of the use case's transaction
(a rollback leaves no entry, a commit survives a new connection), lanes keep their order and
report their oldest pending entry, and the delivery bookkeeping sticks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.outbox import (
    EntryStatus,
    Intent,
    Tell,
    delivered,
    give_up,
    group_lane,
    pending_heads,
    person_lane,
    retry_later,
    tell,
)
from storage.database import Database
from tests.conftest import NOW

RESULT = Intent(Tell.VOTE_RESULT, 7, group_lane(1))


async def test_an_entry_rolled_back_with_its_change_is_not_there(db: Database) -> None:
    async with db.unit_of_work() as uow:
        await tell(uow, RESULT, now=NOW)
        # no commit: the state change and what it must tell go together, or not at all
    async with db.unit_of_work() as uow:
        assert await uow.outbox.of_subject(Tell.VOTE_RESULT, 7) == []
        assert await uow.outbox.lane_heads() == []


async def test_a_committed_entry_is_on_disk_for_the_next_process(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    first = await Database.open(path)
    async with first.unit_of_work() as uow:
        await tell(
            uow,
            Intent(Tell.TICKET_NOTICE, 5, person_lane(42), {"user": 42, "note": "水管已修"}),
            now=NOW,
        )
        await uow.commit()
    await first.close()

    second = await Database.open(path)  # a restart
    async with second.unit_of_work() as uow:
        (entry,) = await pending_heads(uow, now=NOW)
    await second.close()
    assert entry.intent == Intent(
        Tell.TICKET_NOTICE, 5, person_lane(42), {"user": 42, "note": "水管已修"}
    )
    assert entry.status is EntryStatus.PENDING
    assert entry.attempts == 0
    assert entry.due_at == NOW


async def test_each_lane_shows_its_oldest_pending_entry(db: Database) -> None:
    async with db.unit_of_work() as uow:
        card = await uow.outbox.add(Intent(Tell.VOTE_CARD, 7, group_lane(1)), now=NOW)
        await uow.outbox.add(RESULT, now=NOW)
        notice = await uow.outbox.add(Intent(Tell.TICKET_NOTICE, 5, person_lane(9)), now=NOW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        assert [e.id for e in await uow.outbox.lane_heads()] == [card, notice]
        await delivered(uow, card, now=NOW)
        head = await uow.outbox.head(group_lane(1))
        assert head is not None and head.intent == RESULT
        assert await uow.outbox.count(EntryStatus.DONE) == 1
        assert await uow.outbox.count(EntryStatus.PENDING) == 2


async def test_retries_and_giving_up_are_kept(db: Database) -> None:
    async with db.unit_of_work() as uow:
        entry_id = await uow.outbox.add(RESULT, now=NOW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        entry = await uow.outbox.head(group_lane(1))
        assert entry is not None
        await retry_later(
            uow, entry, due_at=NOW + timedelta(seconds=30), counted=False, error="429"
        )
        entry = await uow.outbox.head(group_lane(1))
        assert entry is not None
        assert (entry.attempts, entry.due_at, entry.last_error) == (
            0,
            NOW + timedelta(seconds=30),
            "429",
        )
        await retry_later(uow, entry, due_at=NOW + timedelta(minutes=1), counted=True, error="5xx")
        entry = await uow.outbox.head(group_lane(1))
        assert entry is not None and entry.attempts == 1
        await give_up(uow, entry_id, now=NOW, error="Forbidden: bot was kicked")
    async with db.unit_of_work() as uow:
        (failed,) = await uow.outbox.of_subject(Tell.VOTE_RESULT, 7)
        assert failed.status is EntryStatus.FAILED
        assert failed.last_error == "Forbidden: bot was kicked"
        assert await uow.outbox.lane_heads() == []


async def test_delivered_entries_are_forgotten_after_a_while(db: Database) -> None:
    async with db.unit_of_work() as uow:
        old = await uow.outbox.add(RESULT, now=NOW)
        await delivered(uow, old, now=NOW)
        await uow.outbox.add(Intent(Tell.VOTE_LEDGER, 7, group_lane(1)), now=NOW)
        await uow.commit()
    async with db.unit_of_work() as uow:
        heads = await pending_heads(uow, now=NOW + timedelta(days=31))
        assert [e.intent.kind for e in heads] == [Tell.VOTE_LEDGER]
        assert await uow.outbox.of_subject(Tell.VOTE_RESULT, 7) == []
