"""A press answered after Telegram's answer window (about 15 s; after a crash, the presses
replayed at start-up often are): Telegram refuses the answer ("query is too old"). What the
press did stays done and the handler goes on; nothing is logged as an error and no apology is
tried, for the presser can no longer be shown a pop-up."""

from __future__ import annotations

import logging

import pytest

from tests.handlers.harness import HandlerHarness
from tests.handlers.test_pipeline import done_ids
from tests.handlers.test_residents_handlers import GROUP
from tests.handlers.test_votes_handlers import COMMITTEE, PEOPLE, keyboard_of, last_sent, residents


async def ballots(h: HandlerHarness) -> dict[str, str]:
    return {row[1]: row[2] for row in (await h.snapshot())["ballots"]}


async def all_ids(h: HandlerHarness) -> set[int]:
    async with h.database.unit_of_work() as uow:
        cursor = await uow.inbox._conn.execute("SELECT update_id FROM update_inbox")
        return {row[0] for row in await cursor.fetchall()}


async def test_a_ballot_answered_too_late_stands_and_logs_no_error(
    harness: HandlerHarness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    await residents(h)
    await h.say(GROUP, COMMITTEE, "/vote Paint the gate? 1d")
    ballot = dict(keyboard_of(last_sent(h, GROUP["id"])))
    h.request.answers_expired = True
    answers_before = len(h.request.sent("answerCallbackQuery"))
    with caplog.at_level(logging.INFO):
        await h.press(GROUP, PEOPLE["A"], None, ballot["👍 For"])
    assert await ballots(h) == {"1-101": "for"}
    assert len(await done_ids(h.database)) == len(await all_ids(h))  # the press is done too
    # one answer tried (the ballot's), no second one with an apology
    assert len(h.request.sent("answerCallbackQuery")) == answers_before + 1
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert any("too late" in r.getMessage() for r in caplog.records)
