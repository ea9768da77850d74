"""Bad input (issue 9): a press on a vote's card that arrives after the vote closed — closed by
/close while the press waited in the queue, or past its deadline before the closing job ran —
gets a clear "this vote has closed" in the presser's language and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.communities.cases import set_community_language
from bot.config import Language
from bot.votes.model import BallotRow
from tests.conftest import NOW
from tests.handlers.closing import close_by_hand
from tests.handlers.harness import HandlerHarness, user
from tests.handlers.test_residents_handlers import GROUP
from tests.handlers.test_votes_trust_handlers import CHAIR, PEOPLE, community_of, open_vote, prepare

CLOSED = {
    "en": "Vote #1 is closed; ballots can no longer be cast or changed.",
    "zh": "表决 #1 已结束，不能再投票或改票。",
}


def speaking(name: str, language: Language) -> dict:
    person = PEOPLE[name]
    return user(person["id"], person["first_name"], language)


async def ballots(h: HandlerHarness) -> list[BallotRow]:
    community = await community_of(h)
    async with h.database.unit_of_work() as uow:
        vote = await uow.votes.by_number(community.id, 1)
        assert vote is not None
        return await uow.votes.ballot_rows(vote.id)


async def open_in(h: HandlerHarness, language: Language) -> tuple[int, dict[str, str]]:
    community = await prepare(h)
    if language == "zh":
        async with h.database.unit_of_work() as uow:
            await set_community_language(uow, community, "zh", is_admin=True)
    card, buttons = await open_vote(h, "Install an elevator? simple 7d")
    payloads = list(buttons.values())  # the card's buttons: For, Against, Abstain, My ballot
    return card, {"For": payloads[0], "Against": payloads[1]}


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_a_press_after_close_is_told_the_vote_closed_and_changes_nothing(
    harness: HandlerHarness, language: Language
) -> None:
    h = harness
    card, buttons = await open_in(h, language)
    first, other = speaking("A", language), speaking("B", language)
    await h.press(GROUP, first, card, buttons["For"])
    await close_by_hand(h, GROUP, CHAIR, 1)
    stored = await ballots(h)
    assert [row.choice.value for row in stored] == ["for"]
    sent = len(h.request.sent("sendMessage"))

    # presses that were queued behind the close: a change of mind, and a first ballot
    await h.press(GROUP, first, card, buttons["Against"])
    await h.press(GROUP, other, card, buttons["For"])
    for answer in h.request.answers()[-2:]:
        assert (answer["text"], answer["show_alert"]) == (CLOSED[language], True)
    assert await ballots(h) == stored
    assert len(h.request.sent("sendMessage")) == sent  # nothing posted, nobody notified


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_a_press_past_the_deadline_before_the_closing_job_ran_changes_nothing(
    harness: HandlerHarness, language: Language
) -> None:
    h = harness
    card, buttons = await open_in(h, language)
    first = speaking("A", language)
    await h.press(GROUP, first, card, buttons["For"])
    stored = await ballots(h)
    h.app.bot_data["services"].now = lambda: NOW + timedelta(days=7, seconds=1)
    await h.press(GROUP, first, card, buttons["Against"])
    await h.press(GROUP, speaking("B", language), card, buttons["Against"])
    for answer in h.request.answers()[-2:]:
        assert (answer["text"], answer["show_alert"]) == (CLOSED[language], True)
    assert await ballots(h) == stored
