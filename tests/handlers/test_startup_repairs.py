"""Start-up repairs through the handlers: cards whose redraws a stop cut short are redrawn from
the database at the next start-up (issue 9, finding 3)."""

from __future__ import annotations

import asyncio
from typing import Any

from handlers.app import repair_live_cards
from handlers.context import Services
from storage.database import Database
from tests.handlers.closing import close_by_hand
from tests.handlers.harness import HandlerHarness
from tests.handlers.test_residents_handlers import GROUP, keyboard_of
from tests.handlers.test_votes_handlers import COMMITTEE, PEOPLE, last_sent, residents


async def wait_for_edit(h: HandlerHarness, message_id: int, text: str) -> dict[str, Any]:
    for _ in range(100):
        for edit in h.request.sent("editMessageText", GROUP["id"]):
            if int(edit["message_id"]) == message_id and text in str(edit["text"]):
                return edit
        await asyncio.sleep(0.05)
    raise AssertionError(f"card {message_id} was not redrawn with {text!r}")


async def stale_cards(
    h: HandlerHarness,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, str]]:
    """A topic supported and a vote's ballots cast, their cards not redrawn yet; and a closed
    vote. Returns the topic card, the vote card, the closed vote's card and the ballot buttons
    as sent."""
    await residents(h)
    await h.say(GROUP, PEOPLE["A"], "/propose Paint the fence")
    topic_card = last_sent(h, GROUP["id"])
    assert "Support: 0 / " in topic_card["text"]
    await h.press(GROUP, PEOPLE["B"], None, dict(keyboard_of(topic_card))["👍 Support"])

    await h.say(GROUP, COMMITTEE, "/vote Close the gate at night? simple 1d")
    closed_card = last_sent(h, GROUP["id"])
    await close_by_hand(h, GROUP, COMMITTEE, 1)  # a closed vote's card is not live any more
    await h.say(GROUP, COMMITTEE, "/vote Repair the gate? simple 1d")
    vote_card = last_sent(h, GROUP["id"])
    assert vote_card["text"].startswith("🗳 Vote #2: Repair the gate?")
    ballot = dict(keyboard_of(vote_card))
    for name, label in [("A", "👍 For"), ("B", "👎 Against"), ("C", "👍 For")]:
        await h.press(GROUP, PEOPLE[name], None, ballot[label])
    # the presses only marked the cards dirty; the process stops before they are redrawn
    edited = {int(e["message_id"]) for e in h.request.sent("editMessageText", GROUP["id"])}
    assert int(vote_card["message_id"]) not in edited
    assert int(topic_card["message_id"]) not in edited
    return topic_card, vote_card, closed_card, ballot


async def test_stale_cards_are_redrawn_at_start_up(db: Database) -> None:
    h = await HandlerHarness.start(db)  # the first run: stopped before the cards are redrawn
    try:
        topic_card, vote_card, closed_card, ballot = await stale_cards(h)
    finally:
        await h.stop()

    restarted = await HandlerHarness.start(db)
    services = restarted.app.bot_data["services"]
    assert isinstance(services, Services)
    try:
        assert await repair_live_cards(services) == (1, 1, 0)
        await services.vote_cards.start()
        await services.topic_cards.start()
        vote_edit = await wait_for_edit(
            restarted,
            int(vote_card["message_id"]),
            "For 2 · Against 1 · Abstain 0 (households)",
        )
        assert dict(keyboard_of(vote_edit)) == ballot
        await wait_for_edit(restarted, int(topic_card["message_id"]), "Support: 1 / ")
        await asyncio.sleep(0.6)  # a tick more: nothing else is redrawn
        redrawn = {int(e["message_id"]) for e in restarted.request.sent("editMessageText")}
        assert redrawn == {int(vote_card["message_id"]), int(topic_card["message_id"])}
        assert int(closed_card["message_id"]) not in redrawn
    finally:
        await services.vote_cards.stop()
        await services.topic_cards.stop()
        await restarted.stop()
