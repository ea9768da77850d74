"""End to end through `python bot.py`: a notice scoped to building 1 and one for everyone, read
by residents of two buildings in the group and privately; `/unread` lists exactly the
households worked out by hand, marking the one whose resident never started the bot as not
reachable; Remind them reaches the reachable one. Then a notice scheduled for the next minute
outlives a restart: the bot is stopped before its time and started after it, and the card
arrives exactly once.

Households (one owner each): 1-101 Amy, 1-102 Ben (never starts the bot), 1-103 Cara,
2-101 Dev, 2-102 Eve, 2-103 Fay. Rep Ron is the rep of building 1."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.roles.model import Role
from tests.e2e.conftest import READY
from tests.e2e.process import BotProcess
from tests.e2e.seed import register_csv, seed_community
from tests.e2e.test_reports_flow import latest, press
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e

UNREACHABLE = "not reachable (nobody there has a private chat with me)"


def test_reads_from_two_buildings_unread_and_a_scheduled_notice_across_a_restart(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    admin = fake.add_user("Admin Ann", language_code="en")
    ron = fake.add_user("Rep Ron", language_code="en")
    people = {
        name: fake.add_user(name, language_code="en")
        for name in ("Amy", "Ben", "Cara", "Dev", "Eve", "Fay")
    }
    units = dict(zip(people, ("1-101", "1-102", "1-103", "2-101", "2-102", "2-103"), strict=True))
    group = fake.create_group("Maple Court", creator=admin, members=[ron, *people.values()])
    bot = BotProcess(tmp_path / "bot", token=fake.token, base_url=fake.base_url)
    seed_community(
        bot.database,
        chat_id=group.id,
        name="Maple Court",
        register=register_csv(6, per_building=3),
        owners=[(people[name].id, name, unit) for name, unit in units.items()],
        roles=[(ron.id, Role.REP)],
    )
    bot.start()
    bot.wait_for_log(READY)
    try:
        fake.add_bot_to_group(group, by=admin, as_admin=True)
        fake.send_message(group, admin, "/role rep 1", reply_to=fake.send_message(group, ron, "hi"))
        fake.wait_for_message(group, contains="Rep Ron is now building rep")
        for person in (admin, ron, *(p for name, p in people.items() if name != "Ben")):
            fake.open_private_chat(person)
            fake.wait_for_message(person, contains="Welcome")

        # #1 for building 1: the group card, and copies to Amy and Cara (Ben: 403)
        fake.send_message(group, ron, "/notice building 1 Water is off on Friday 9-12")
        card_1 = fake.wait_for_message(group, contains="📢 Notice #1 · building 1")
        assert "Read by 0 of 3 households (0 %)" in card_1.content
        copy_amy = fake.wait_for_message(people["Amy"], contains="notice #1 · building 1")
        fake.wait_for_message(people["Cara"], contains="notice #1 · building 1")
        for name in ("Dev", "Eve", "Fay"):
            assert not [m for m in fake.bot_messages(people[name]) if "notice #1" in m.content]

        # #2 for everyone, by the admin: the group only
        fake.send_message(group, admin, "/notice Garden party on Sunday")
        card_2 = fake.wait_for_message(group, contains="📢 Notice #2 · all households")
        assert "Read by 0 of 6 households (0 %)" in card_2.content

        # reads: Amy privately (#1) and in the group (#2); Dev and Eve in the group (#2)
        answer = press(fake, people["Amy"], copy_amy, people["Amy"], "Read")
        assert answer == "Thank you: read confirmed for household 1-101."
        for name in ("Amy", "Dev", "Eve"):
            answer = press(fake, group, card_2, people[name], "Read")
            assert answer == f"Thank you: read confirmed for household {units[name]}."
        assert (
            press(fake, group, card_2, people["Dev"], "Read")
            == "Already confirmed for household 2-101: nothing changed."
        )
        fake.wait_for(
            lambda: (
                "Read by 1 of 3 households (33 %)" in latest(fake, group, card_1).content or None
            ),
            timeout=20,
        )
        fake.wait_for(
            lambda: (
                "Read by 3 of 6 households (50 %)" in latest(fake, group, card_2).content or None
            ),
            timeout=20,
        )

        # /unread 1 by the rep: privately; 1-102 and 1-103 missing, Ben not reachable
        mark = fake.mark(ron)
        fake.send_message(group, ron, "/unread 1")
        fake.wait_for_message(group, contains="I sent you the list privately")
        listed = fake.wait_for_message(ron, contains="Notice #1", after=mark)
        assert listed.content == (
            "Notice #1 · building 1: 2 of 3 households have not confirmed yet.\n"
            "Building 1:\n"
            f"  1-102 — {UNREACHABLE}\n"
            "  1-103 — reachable privately\n"
            "\n"
            "🚪 To knock on doors:\n"
            "  Building 1: 1-102"
        )
        assert [b.text for b in listed.buttons] == ["🔔 Remind them (1 households)"]
        assert not [m for m in fake.bot_messages(group) if "1-103 —" in m.content]

        # /unread 2 by the admin: one household of building 1 read, two of building 2
        mark = fake.mark(admin)
        fake.send_message(group, admin, "/unread 2")
        listed_2 = fake.wait_for_message(admin, contains="Notice #2", after=mark)
        assert listed_2.content == (
            "Notice #2 · all households: 3 of 6 households have not confirmed yet.\n"
            "Building 1:\n"
            f"  1-102 — {UNREACHABLE}\n"
            "  1-103 — reachable privately\n"
            "Building 2:\n"
            "  2-103 — reachable privately\n"
            "\n"
            "🚪 To knock on doors:\n"
            "  Building 1: 1-102"
        )

        # Remind them (#1): Cara is reminded and confirms from the reminder
        mark = fake.mark(people["Cara"])
        assert press(fake, ron, listed, ron, "Remind them") == (
            "Reminding 1 residents of 1 households privately."
        )
        reminder = fake.wait_for_message(people["Cara"], contains="🔔 Reminder", after=mark)
        assert reminder.content.startswith(
            "🔔 Reminder: household 1-103 has not confirmed this notice yet."
        )
        assert press(fake, people["Cara"], reminder, people["Cara"], "Read") == (
            "Thank you: read confirmed for household 1-103."
        )
        assert press(fake, ron, listed, ron, "Remind them").startswith(
            "Reminders for notice #1 went out less than 6 hours ago"
        )

        # #3 scheduled for the next minute (at least 15 s ahead), in the community's zone
        zone = ZoneInfo("Asia/Shanghai")
        due = (datetime.now(UTC) + timedelta(seconds=75)).replace(second=0, microsecond=0)
        local = due.astimezone(zone)
        fake.send_message(
            group, admin, f"/notice at {local:%Y-%m-%d %H:%M} Bins move to the east gate"
        )
        fake.wait_for_message(group, contains="⏰ Notice #3 (all households) will be posted on")
    finally:
        assert bot.stop() == 0
    assert datetime.now(UTC) < due, "stopped before its time"
    assert not [m for m in fake.bot_messages(group) if "Bins move" in m.content]
    time.sleep(max((due - datetime.now(UTC)).total_seconds(), 0) + 2)
    bot.start()
    bot.wait_for_log(READY)
    try:
        fake.wait_for_message(group, contains="📢 Notice #3 · all households", timeout=20)
        time.sleep(3)
        cards = [m for m in fake.bot_messages(group) if "Bins move to the east gate" in m.content]
        assert len(cards) == 1
    finally:
        assert bot.stop() == 0
    assert "Traceback" not in bot.log(), bot.log()
