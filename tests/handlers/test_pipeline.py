"""The update pipeline (issue 9): users run concurrently and each user's updates in order; an
update is marked done in the same transaction as its effect; what was stored and not applied is
replayed at the next start; a flood by one user gets one "slow down" and does not slow others."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

from handlers.pipeline import OrderedProcessor, Pipeline
from handlers.throttle import Throttle
from storage.database import Database
from storage.inbox import APPLYING
from tests.conftest import NOW
from tests.handlers.harness import TOKEN, HandlerHarness, group, private, user

ALICE, BOB = user(42, "Alice"), user(43, "Bob")


def message(update_id: int, of: dict[str, Any], text: str) -> Update:
    payload = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(NOW.timestamp()),
            "chat": private(of),
            "from": of,
            "text": text,
        },
    }
    update = Update.de_json(payload, ExtBot(TOKEN))
    assert update is not None
    return update


async def done_ids(db: Database) -> set[int]:
    async with db.unit_of_work() as uow:
        conn = uow.inbox._conn
        async with conn.execute(
            "SELECT update_id FROM update_inbox WHERE done_at IS NOT NULL"
        ) as cursor:
            return {row[0] for row in await cursor.fetchall()}


async def test_one_users_updates_run_in_order_and_another_user_does_not_wait(
    db: Database,
) -> None:
    pipeline = Pipeline(db, Throttle(), "en")
    processor = OrderedProcessor(lambda: pipeline)
    events: list[str] = []

    async def handle(name: str, seconds: float) -> None:
        events.append(f"{name} starts")
        await asyncio.sleep(seconds)
        events.append(f"{name} ends")

    updates = [message(1, ALICE, "a1"), message(2, ALICE, "a2"), message(3, BOB, "b1")]
    await pipeline.receive(ExtBot(TOKEN), updates)
    await asyncio.gather(
        processor.process_update(updates[0], handle("a1", 0.2)),
        processor.process_update(updates[1], handle("a2", 0.0)),
        processor.process_update(updates[2], handle("b1", 0.0)),
    )
    # Bob's update ran while Alice's first slept; Alice's second waited for her first.
    assert events.index("b1 ends") < events.index("a1 ends")
    assert events.index("a1 ends") < events.index("a2 starts")
    assert not processor._queues


async def test_the_commit_marks_the_update_done_a_rollback_does_not(db: Database) -> None:
    pipeline = Pipeline(db, Throttle(), "en")
    committed, rolled_back = message(7, ALICE, "/me"), message(8, BOB, "/me")
    await pipeline.receive(ExtBot(TOKEN), [committed, rolled_back])

    async def remember(name: str, *, commit: bool) -> None:
        assert APPLYING.get() != ()
        async with db.unit_of_work() as uow:
            await uow.users.remember(42 if commit else 43, name, now=NOW)
            if commit:
                await uow.commit()
        assert await done_ids(db) == {7}  # 7 in the same transaction as its effect; 8 not

    await pipeline.apply(committed, remember("Alice", commit=True))
    await pipeline.apply(rolled_back, remember("Bob", commit=False))
    assert await done_ids(db) == {7}
    await db.flush_marks()  # handled without an effect: marked lazily
    assert await done_ids(db) == {7, 8}
    async with db.unit_of_work() as uow:
        assert await uow.users.get(42) is not None
        assert await uow.users.get(43) is None


async def test_stored_and_not_applied_updates_are_replayed_at_the_next_start(
    db: Database,
) -> None:
    first = Pipeline(db, Throttle(), "en")
    updates = [message(11, ALICE, "/me"), message(12, BOB, "/help"), message(13, ALICE, "/x")]
    await first.receive(ExtBot(TOKEN), updates)
    await first.apply(updates[1], asyncio.sleep(0))
    await db.flush_marks()  # then the process dies: 11 and 13 were fetched, never applied

    again = Pipeline(db, Throttle(), "en")
    queue: asyncio.Queue[object] = asyncio.Queue()
    assert await again.replay(queue, ExtBot(TOKEN)) == 2
    replayed = [queue.get_nowait(), queue.get_nowait()]
    assert [u.update_id for u in replayed if isinstance(u, Update)] == [11, 13]
    assert await again.next_offset() == 14  # Telegram is asked for what follows the stored
    # Telegram redelivers all three (their offset was never confirmed): none reaches handlers.
    assert await again.receive(ExtBot(TOKEN), updates) == []


class FrozenClock:
    def __call__(self) -> float:
        return 500.0


async def test_fifty_presses_a_second_get_one_slow_down_and_another_user_is_served(
    harness: HandlerHarness,
) -> None:
    h = harness
    h.pipeline.throttle = Throttle(clock=FrozenClock())  # all presses within one second
    chat = group(-1001)
    for _ in range(50):
        await h.press(chat, ALICE, 5, "v:9:y")
    answers = h.request.answers()
    assert len(answers) == 11  # ten answered as usual, one "slow down", then silence
    assert [a["text"] for a in answers[:10]] == ["This button is no longer valid."] * 10
    assert answers[10]["text"].startswith("Slow down a little")
    assert answers[10]["show_alert"] is True
    await h.press(chat, BOB, 5, "v:9:y")
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."


async def test_the_slow_down_is_in_chinese_for_a_chinese_user(harness: HandlerHarness) -> None:
    h = harness
    h.pipeline.throttle = Throttle(clock=FrozenClock())
    wang = user(44, "王阿姨", language="zh")
    for _ in range(31):
        await h.say(private(wang), wang, "/help")
    assert h.request.texts(44)[-1] == "请慢一点：点按或发消息太频繁了，请过几秒再试。"
