"""End to end through `python bot.py` (issue 9, finding 4): the staff chat is a basic group;
Telegram upgrades it to a supergroup with a new chat id. The bot follows it: a resident's
report reaches the new supergroup, the stored staff chat is the new id, the reporter is told
the ticket was filed, and an escalation after a (short) deadline reaches the new chat too."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.e2e.conftest import READY
from tests.e2e.process import BotProcess
from tests.e2e.seed import register_csv, seed_community
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e


def stored_staff_chat(database: Path) -> int | None:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        (chat_id,) = conn.execute("SELECT staff_chat_id FROM communities").fetchone()
    return int(chat_id) if chat_id is not None else None


def test_the_staff_chat_follows_its_group_to_a_supergroup(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    admin = fake.add_user("Admin Ann", language_code="en")
    alice = fake.add_user("Alice", language_code="en")
    group = fake.create_group("Maple Court", creator=admin, members=[alice])
    staff = fake.create_group("Maple staff", creator=admin, basic=True)
    bot = BotProcess(tmp_path / "bot", token=fake.token, base_url=fake.base_url)
    seed_community(
        bot.database,
        chat_id=group.id,
        name="Maple Court",
        register=register_csv(20, per_building=20),
        owners=[(alice.id, "Alice", "1-101")],
    )
    bot.start()
    bot.wait_for_log(READY)
    try:
        fake.add_bot_to_group(group, by=admin, as_admin=True)
        fake.add_bot_to_group(staff, by=admin)
        fake.send_message(staff, admin, "/staffchat")
        fake.wait_for_message(staff, contains="This group is now the staff chat of Maple Court")
        assert stored_staff_chat(bot.database) == staff.id

        supergroup = fake.migrate_to_supergroup(staff, by=admin)
        assert supergroup.id != staff.id
        fake.wait_for(lambda: stored_staff_chat(bot.database) == supergroup.id or None, timeout=10)

        fake.send_message(group, admin, "/settings response_time 1m")
        fake.wait_for_message(group, contains="respond within 1 min")
        mark = fake.mark(group)
        fake.send_message(group, alice, "/report The gate lock is broken")
        fake.wait_for_message(group, contains="Ticket #1 filed", after=mark)
        card = fake.wait_for_message(supergroup, contains="🛠 Ticket #1")
        assert "Acknowledge" in [b.text for b in card.buttons]
        assert stored_staff_chat(bot.database) == supergroup.id

        fake.wait_for_message(
            supergroup,
            contains="⏰ Ticket #1 (📝 Other, 1-101 (building 1)) in Maple Court has not been "
            "acknowledged within 1 min",
            timeout=80,
        )
        said = [m.content for m in fake.bot_messages(group) if m.message_id > mark]
        assert not any(text.startswith("Sorry") for text in said), said
        assert not any("Nothing was changed" in text for text in said), said
    finally:
        assert bot.stop() == 0
    log = bot.log()
    assert "Traceback" not in log, log
