"""End to end through `python bot.py`: a topic gathers support and is put to a Civil Code vote;
40 households vote and change their votes; the vote is closed, published and pinned. A vote
whose deadline passed while the bot was down is closed at start-up. And a burst of 1,200
households voting at once: every press answered, no 429 unhandled, the card exact at the end."""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

import pytest

from bot.roles.model import Role
from tests.e2e.conftest import READY
from tests.e2e.process import BotProcess
from tests.e2e.seed import register_csv, seed_community
from tests.fake_telegram import BotMessage, FakeChat, FakeTelegram, FakeUser

pytestmark = pytest.mark.e2e


def card_of(fake: FakeTelegram, chat: FakeChat, message_id: int) -> BotMessage:
    return next(m for m in fake.bot_messages(chat) if m.message_id == message_id)


def wait_for_card(
    fake: FakeTelegram, chat: FakeChat, message_id: int, text: str, timeout: float
) -> BotMessage:
    return fake.wait_for(
        lambda: m if text in (m := card_of(fake, chat, message_id)).content else None,
        timeout=timeout,
        describe=lambda: f"card {message_id} showing {text!r}",
    )


def start_bot(tmp_path: Path, fake: FakeTelegram) -> BotProcess:
    process = BotProcess(tmp_path / "bot", token=fake.token, base_url=fake.base_url)
    process.start()
    process.wait_for_log(READY)
    return process


def stop_bot(process: BotProcess, fake: FakeTelegram) -> None:
    code = process.stop()
    log = process.log()
    assert code == 0, log
    assert "Traceback" not in log, log
    assert fake.token not in log


def people(fake: FakeTelegram, count: int) -> list[FakeUser]:
    return [fake.add_user(f"Owner{i}", language_code="en") for i in range(count)]


def test_topic_to_a_published_civil_code_vote(tmp_path: Path, fake: FakeTelegram) -> None:
    chair = fake.add_user("Chair", language_code="en")
    owners = people(fake, 40)
    group = fake.create_group("Garden Court", creator=chair, members=owners)
    bot = BotProcess(tmp_path / "bot", token=fake.token, base_url=fake.base_url)
    units = [f"{i // 20 + 1}-{101 + i % 20}" for i in range(40)]
    seed_community(
        bot.database,
        chat_id=group.id,
        name="Garden Court",
        register=register_csv(40, per_building=20),
        owners=[(o.id, o.first_name, unit) for o, unit in zip(owners, units, strict=True)],
        roles=[(chair.id, Role.COMMITTEE)],
    )
    bot.start()
    bot.wait_for_log(READY)
    try:
        fake.add_bot_to_group(group, by=chair, as_admin=True)
        fake.wait_for_message(group, contains="Hello again, Garden Court")

        # 提议 → 商议: a topic, three supports (the default threshold), discussion
        fake.send_message(
            group, owners[0], "/propose Install an elevator\nFor the elderly on upper floors."
        )
        topic_card = fake.wait_for_message(group, contains="📝 Topic #1: Install an elevator")
        for supporter in owners[1:4]:
            answer = fake.wait_for_callback_answer(
                fake.press_button_by_text(group, topic_card, supporter, "Support")
            )
            assert (answer.text or "").startswith("You support this topic")
        fake.wait_for_message(
            group, contains="Topic #1 “Install an elevator” has the support of 3 households"
        )

        # 决议: a Civil Code vote on the topic
        fake.send_message(group, chair, "/vote 1 double-majority 3d")
        card = fake.wait_for_message(group, contains="🗳 Vote #1: Install an elevator")
        assert "0 of 40 owners" in card.content

        # 40 households vote, some change their minds; the latest ballot stands
        rng = random.Random(7)
        first = {o.id: rng.choice(["For", "Against", "Abstain"]) for o in owners}
        for owner in owners:
            answer = fake.wait_for_callback_answer(
                fake.press_button_by_text(group, card, owner, first[owner.id])
            )
            assert (answer.text or "").startswith(f"Recorded: {first[owner.id]}")
        final = dict(first)
        for owner in owners[:12]:
            final[owner.id] = "For"
            fake.wait_for_callback_answer(fake.press_button_by_text(group, card, owner, "For"))
        counts = {
            c: sum(1 for v in final.values() if v == c) for c in ("For", "Against", "Abstain")
        }
        assert (
            card_of(fake, group, card.message_id).edit_count < 40
        )  # coalesced, never one per press
        wait_for_card(fake, group, card.message_id, f"For {counts['For']} owners", timeout=15)

        # 公示: closed by hand, published and pinned
        fake.send_message(group, owners[5], "/close 1")
        fake.wait_for_message(group, contains="Only committee members and administrators can close")
        fake.send_message(group, chair, "/close 1")
        confirm = fake.wait_for_message(group, contains="Close vote #1 now?")
        fake.wait_for_callback_answer(
            fake.press_button_by_text(group, confirm, chair, "Yes, close it")
        )
        result = fake.wait_for_message(group, contains="📢 Result of vote #1")
        assert f"For {counts['For']} owners" in result.content
        assert "Participation needs at least 2/3 of owners: 40 of 40 (100%) ✅" in result.content
        assert fake.wait_for(
            lambda: card_of(fake, group, result.message_id).pinned or None, timeout=5
        )
        closed = wait_for_card(fake, group, card.message_id, "Closed", timeout=10)
        assert closed.buttons == []
        late = fake.press_button(group, card, owners[0], "v1:vb:1:f", forge=True)
        assert (fake.wait_for_callback_answer(late).text or "").startswith("Vote #1 is closed")
        mark = fake.mark(group)
        fake.send_message(group, owners[0], "/verify 1")
        verified = fake.wait_for_message(group, contains="The record of vote #1", after=mark)
        assert verified.content.startswith("✅")

        # a second vote whose deadline passes while the bot is down
        fake.send_message(group, chair, "/vote Plant more trees? simple 1d")
        fake.wait_for_message(group, contains="🗳 Vote #2: Plant more trees?")
        second = fake.wait_for_message(group, contains="🗳 Vote #2")
        fake.wait_for_callback_answer(fake.press_button_by_text(group, second, owners[0], "For"))
    finally:
        stop_bot(bot, fake)
    with sqlite3.connect(bot.database) as db:
        db.execute("UPDATE votes SET closes_at = '2020-01-01T00:00:00+00:00' WHERE number = 2")
    bot.start()
    bot.wait_for_log(READY)
    try:
        result2 = fake.wait_for_message(group, contains="📢 Result of vote #2", timeout=20)
        assert "PASSED" in result2.content
    finally:
        stop_bot(bot, fake)


def test_a_burst_of_1200_households(tmp_path: Path, fake: FakeTelegram) -> None:
    households = 1200
    chair = fake.add_user("Chair", language_code="en")
    owners = people(fake, households)
    group = fake.create_group("Big Estate", creator=chair, members=owners)
    bot = BotProcess(tmp_path / "bot", token=fake.token, base_url=fake.base_url)
    units = [f"{i // 100 + 1}-{101 + i % 100}" for i in range(households)]
    seed_community(
        bot.database,
        chat_id=group.id,
        name="Big Estate",
        register=register_csv(households),
        owners=[(o.id, o.first_name, unit) for o, unit in zip(owners, units, strict=True)],
        roles=[(chair.id, Role.COMMITTEE)],
    )
    fake.limits = type(fake.limits)()  # Telegram's own limits: 20 a minute in the group
    bot.start()
    bot.wait_for_log(READY)
    try:
        fake.add_bot_to_group(group, by=chair, as_admin=True)
        fake.send_message(group, chair, "/vote Repaint all entrances? simple 1d")
        card = fake.wait_for_message(group, contains="🗳 Vote #1: Repaint all entrances?")
        rng = random.Random(1200)
        labels = ["For", "Against", "Abstain"]
        data = {label: card.button(label).data or "" for label in labels}
        final: dict[int, str] = {}
        presses = [(o, rng.choice(labels)) for o in owners] + [
            (o, rng.choice(labels)) for o in rng.sample(owners, 120)
        ]
        spread = 20.0
        started = time.monotonic()
        for index, (owner, label) in enumerate(presses):
            fake.press_button(group, card, owner, data[label])
            final[owner.id] = label
            pause = started + spread * (index + 1) / len(presses) - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        fake.wait_for(
            lambda: fake.unanswered_callbacks() == 0 or None,
            timeout=60,
            describe=lambda: "every press answered",
        )
        assert len(fake.answer_latencies()) == len(presses)
        counts = {label: sum(1 for v in final.values() if v == label) for label in labels}
        expected = f"For {counts['For']} · Against {counts['Against']} · Abstain {counts['Abstain']} (households)"
        wait_for_card(fake, group, card.message_id, expected, timeout=15)
        fake.send_message(group, chair, "/close 1")
        confirm = fake.wait_for_message(group, contains="Close vote #1 now?")
        fake.wait_for_callback_answer(
            fake.press_button_by_text(group, confirm, chair, "Yes, close it")
        )
        result = fake.wait_for_message(group, contains="📢 Result of vote #1", timeout=30)
        assert expected in result.content
        assert (
            f"Participation: {households:,} of {households:,} households (100%)" in result.content
        )
        assert [c for c in fake.api_calls() if c.status == 429] == []
    finally:
        stop_bot(bot, fake)
