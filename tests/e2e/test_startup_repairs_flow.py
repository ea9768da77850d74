"""End to end through `python bot.py`: a vote card's coalesced redraw is cut short by a stop (a
clean SIGTERM, or a crash), and the card still shows the stored ballots after the restart
(issue 9, finding 3: "For 1" with 2 ballots stored)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.roles.model import Role
from tests.e2e.conftest import READY
from tests.e2e.process import BotProcess
from tests.e2e.seed import register_csv, seed_community
from tests.e2e.test_votes_flow import card_of, stop_bot, wait_for_card
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e


def tally(for_: int, against: int, abstain: int) -> str:
    return f"For {for_} · Against {against} · Abstain {abstain} (households)"


@pytest.mark.parametrize("stop", ["sigterm", "sigkill"])
def test_a_card_cut_short_by_a_stop_is_right_after_the_restart(
    tmp_path: Path, fake: FakeTelegram, stop: str
) -> None:
    chair = fake.add_user("Chair", language_code="en")
    owners = [fake.add_user(f"Owner{i}", language_code="en") for i in range(4)]
    group = fake.create_group("Gate Court", creator=chair, members=owners)
    bot = BotProcess(tmp_path / "bot", token=fake.token, base_url=fake.base_url)
    units = ["1-101", "1-102", "1-103", "1-104"]
    seed_community(
        bot.database,
        chat_id=group.id,
        name="Gate Court",
        register=register_csv(4),
        owners=[(o.id, o.first_name, unit) for o, unit in zip(owners, units, strict=True)],
        roles=[(chair.id, Role.COMMITTEE)],
    )
    bot.start()
    bot.wait_for_log(READY)
    try:
        fake.add_bot_to_group(group, by=chair, as_admin=True)
        fake.send_message(group, chair, "/vote Repair the gate? simple 1d")
        card = fake.wait_for_message(group, contains="🗳 Vote #1: Repair the gate?")
        assert tally(0, 0, 0) in card.content

        # the first press is drawn at once; the card's next edit waits 5 s (coalescing)
        fake.wait_for_callback_answer(fake.press_button_by_text(group, card, owners[0], "For"))
        wait_for_card(fake, group, card.message_id, tally(1, 0, 0), timeout=5)
        for owner, label in [(owners[1], "For"), (owners[2], "Against")]:
            answer = fake.wait_for_callback_answer(
                fake.press_button_by_text(group, card, owner, label)
            )
            assert (answer.text or "").startswith(f"Recorded: {label}")
        fake.wait_for(lambda: fake.pending_update_count() == 0, timeout=5)
        # stored: For 2 (1-101, 1-102), Against 1 (1-103); the card still shows the first press
        assert tally(1, 0, 0) in card_of(fake, group, card.message_id).content
    finally:
        if stop == "sigkill":
            bot.kill()
        else:
            stop_bot(bot, fake)
    if stop == "sigterm":  # a clean stop draws what was pending before it shuts down
        assert tally(2, 1, 0) in card_of(fake, group, card.message_id).content
        assert "not redrawn" not in bot.log()

    bot.start()
    bot.wait_for_log(READY)
    try:
        wait_for_card(fake, group, card.message_id, tally(2, 1, 0), timeout=10)
        bot.wait_for_log(
            "start-up repairs: 0 updates replayed from the inbox; 1 vote cards, 0 topic cards,"
            " 0 notice cards redrawn; 1 vote jobs re-armed"
        )
    finally:
        stop_bot(bot, fake)
