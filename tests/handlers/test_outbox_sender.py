"""The outbox sender on a real SQLite file, with deliverers that fail the way Telegram does:
429 waits exactly retry_after and is not counted as an attempt; a chat that blocked the bot is
given up on after a bounded number of tries and never holds up another chat's entries; one
lane keeps its order; a chat waiting for its flood window does not stop another lane; a wake
after a commit delivers at once, without waiting for the next look."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.outbox import EntryStatus, Intent, OutboxEntry, Tell, group_lane, person_lane, tell
from handlers.outbox import Deliver, OutboxSender
from storage.database import Database
from tests.conftest import NOW


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Deliveries:
    """Records what went out; `failing[lane]` raises its errors in turn (the last one again)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []
        self.tries: list[tuple[str, int]] = []
        self.failing: dict[str, list[Exception]] = {}

    async def deliver(self, entry: OutboxEntry) -> None:
        lane = entry.intent.lane
        self.tries.append((lane, entry.intent.subject))
        errors = self.failing.get(lane)
        if errors:
            raise errors.pop(0) if len(errors) > 1 else errors[0]
        self.sent.append((lane, entry.intent.subject))


def sender(
    db: Database, clock: Clock, deliver: Deliver, **options: int
) -> tuple[OutboxSender, Callable[[], None]]:
    made = OutboxSender(
        db.unit_of_work,
        dict.fromkeys(Tell, deliver),
        now=clock,
        **options,
    )
    return made, made.wake


async def add(db: Database, *intents: Intent) -> None:
    async with db.unit_of_work() as uow:
        await tell(uow, *intents, now=NOW)
        await uow.commit()


async def status_of(db: Database, subject: int) -> OutboxEntry:
    async with db.unit_of_work() as uow:
        (entry,) = await uow.outbox.of_subject(Tell.VOTE_RESULT, subject)
    return entry


def result(subject: int, lane: str) -> Intent:
    return Intent(Tell.VOTE_RESULT, subject, lane)


KICKED = group_lane(1)
OTHER = group_lane(2)


async def test_a_forbidden_chat_is_given_up_after_n_tries_and_never_blocks_another(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    clock, deliveries = Clock(), Deliveries()
    deliveries.failing[KICKED] = [Forbidden("Forbidden: bot was kicked from the supergroup chat")]
    outbox, _ = sender(db, clock, deliveries.deliver, max_attempts=3)
    await add(db, result(1, KICKED), result(2, OTHER), result(3, KICKED))

    await outbox.settle()
    assert deliveries.sent == [(OTHER, 2)]  # the other chat went out at once
    assert (await status_of(db, 1)).attempts == 1

    for _ in range(5):  # backoff 2 s, 4 s: two more tries, then it is given up
        clock.advance(60)
        await outbox.settle()
    assert deliveries.tries.count((KICKED, 1)) == 3
    given_up = await status_of(db, 1)
    assert given_up.status is EntryStatus.FAILED
    assert given_up.last_error is not None and "kicked" in given_up.last_error
    assert "gave up on vote.result 1 to group:1 after 3 tries" in caplog.text
    # the lane went on: the next entry of the kicked chat was tried too (and fails on its own)
    assert (KICKED, 3) in deliveries.tries


async def test_chat_not_found_is_given_up_on_like_forbidden(db: Database) -> None:
    clock, deliveries = Clock(), Deliveries()
    deliveries.failing[KICKED] = [BadRequest("Chat not found")]
    outbox, _ = sender(db, clock, deliveries.deliver, max_attempts=2)
    await add(db, result(1, KICKED))
    for _ in range(3):
        await outbox.settle()
        clock.advance(60)
    assert deliveries.tries == [(KICKED, 1), (KICKED, 1)]
    assert (await status_of(db, 1)).status is EntryStatus.FAILED


async def test_a_429_waits_exactly_retry_after_and_is_not_an_attempt(db: Database) -> None:
    clock, deliveries = Clock(), Deliveries()
    deliveries.failing[KICKED] = [RetryAfter(timedelta(seconds=30)), RetryAfter(30)]
    outbox, _ = sender(db, clock, deliveries.deliver, max_attempts=2)
    await add(db, result(1, KICKED), result(2, KICKED))

    await outbox.settle()
    waiting = await status_of(db, 1)
    assert (waiting.due_at, waiting.attempts) == (NOW + timedelta(seconds=30), 0)
    clock.advance(29)
    await outbox.settle()
    assert deliveries.tries == [(KICKED, 1)]  # not before retry_after
    assert (await status_of(db, 2)).status is EntryStatus.PENDING  # the lane keeps its order

    deliveries.failing[KICKED] = []
    clock.advance(1)
    await outbox.settle()
    assert deliveries.sent == [(KICKED, 1), (KICKED, 2)]
    assert (await status_of(db, 1)).status is EntryStatus.DONE


async def test_timeouts_and_server_errors_back_off_and_then_go_out(db: Database) -> None:
    clock, deliveries = Clock(), Deliveries()
    deliveries.failing[KICKED] = [
        TimedOut(),
        NetworkError("Bad Gateway"),
        NetworkError("Internal Server Error (500)"),
    ]
    outbox, _ = sender(db, clock, deliveries.deliver, max_attempts=2)  # transient: not bounded by 2
    await add(db, result(1, KICKED))
    waits = []
    for _ in range(3):
        await outbox.settle()
        entry = await status_of(db, 1)
        waits.append((entry.due_at - clock.now).total_seconds())
        clock.now = entry.due_at
    assert waits == [2.0, 4.0, 8.0]  # doubling
    deliveries.failing[KICKED] = []
    await outbox.settle()
    assert deliveries.sent == [(KICKED, 1)]


async def test_a_chat_waiting_for_its_flood_window_does_not_hold_up_another(
    db: Database,
) -> None:
    clock, released = Clock(), asyncio.Event()
    sent: list[int] = []

    async def deliver(entry: OutboxEntry) -> None:
        if entry.intent.lane == KICKED:
            await released.wait()  # the rate limiter keeping this chat to its window
        sent.append(entry.intent.subject)

    outbox, wake = sender(db, clock, deliver)
    await outbox.start()
    try:
        await add(db, result(1, KICKED), result(2, OTHER))
        wake()
        for _ in range(100):
            if sent:
                break
            await asyncio.sleep(0.01)
        assert sent == [2]
        released.set()
        for _ in range(100):
            if len(sent) == 2:
                break
            await asyncio.sleep(0.01)
        assert sent == [2, 1]
    finally:
        await outbox.stop()


async def test_a_wake_after_the_commit_delivers_at_once_and_start_counts_what_was_left(
    db: Database,
) -> None:
    clock, deliveries = Clock(), Deliveries()
    await add(db, result(1, KICKED), result(2, person_lane(42)), result(3, KICKED))
    outbox, wake = sender(db, clock, deliveries.deliver)
    counts = await outbox.start()  # a new process: what the previous one left
    assert (counts.pending, counts.lanes) == (3, 2)
    try:
        for _ in range(100):
            if len(deliveries.sent) == 3:
                break
            await asyncio.sleep(0.01)
        assert sorted(deliveries.sent) == [(KICKED, 1), (KICKED, 3), (person_lane(42), 2)]
        await asyncio.sleep(0.05)  # the sender now sleeps for up to 30 s
        await add(db, result(4, OTHER))
        wake()
        for _ in range(100):
            if len(deliveries.sent) == 4:
                break
            await asyncio.sleep(0.01)
        assert deliveries.sent[-1] == (OTHER, 4)
    finally:
        assert await outbox.stop() == 0


async def test_a_bug_in_a_deliverer_is_logged_and_given_up_on(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()

    async def broken(entry: OutboxEntry) -> None:
        raise KeyError("no such thing")

    outbox, _ = sender(db, clock, broken, max_attempts=1)
    await add(db, result(1, KICKED))
    with caplog.at_level(logging.ERROR):
        await outbox.settle()
    assert (await status_of(db, 1)).status is EntryStatus.FAILED
    assert "delivering vote.result 1 failed" in caplog.text
