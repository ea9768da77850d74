"""End to end through `python bot.py` and the fake Bot API: the meeting reminders shortened by
the setting (40 s and 20 s before), a meeting about 75 s ahead, the answers of two households,
a restart between scheduling and the first reminder, and each reminder arriving exactly once
with the attendance so far; at its start the card shows the meeting held."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import READY
from tests.e2e.scenes import gate_court
from tests.e2e.test_votes_flow import stop_bot, wait_for_card
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e
ATTENDANCE = "Attending: 1 households · Can't attend: 1 households"


def test_reminders_across_a_restart_arrive_once_with_the_attendance(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    court = gate_court(tmp_path, fake)
    bot, group, chair, owners = court.bot, court.group, court.chair, court.owners
    bot.start()
    bot.wait_for_log(READY)
    try:
        fake.add_bot_to_group(group, by=chair, as_admin=True)
        fake.send_message(group, chair, "/settings meeting_reminders 40s,20s")
        fake.wait_for_message(group, contains="Meeting reminders: 40 s, 20 s before")

        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=75)
        local = starts.astimezone(ZoneInfo("Asia/Shanghai"))
        fake.send_message(
            group, chair, f"/meeting {local:%Y-%m-%d} {local:%H:%M:%S} Community room"
        )
        card = fake.wait_for_message(group, contains="🗓 Meeting #1")
        assert "Attending: 0 households · Can't attend: 0 households" in card.content
        for owner, label, said in [
            (owners[0], "✅ Attend", "will attend"),
            (owners[1], "❌ Can't attend", "can't attend"),
        ]:
            answer = fake.wait_for_callback_answer(
                fake.press_button_by_text(group, card, owner, label)
            )
            assert said in (answer.text or "")
        fake.wait_for(lambda: fake.pending_update_count() == 0, timeout=5)
    finally:
        stop_bot(bot, fake)

    bot.start()  # the first reminder falls due about 35 s after scheduling
    bot.wait_for_log(READY)
    try:
        bot.wait_for_log(
            "meetings: 0 held while down, 0 scheduled for weekly series,"
            " 2 reminders armed, 1 meeting cards redrawn"
        )
        wait_for_card(fake, group, card.message_id, ATTENDANCE, timeout=10)
        first = fake.wait_for_message(
            group, contains="⏰ Reminder: meeting #1 in 40 s.", timeout=60
        )
        assert ATTENDANCE in first.content and "Community room" in first.content
        second = fake.wait_for_message(
            group, contains="⏰ Reminder: meeting #1 in 20 s.", timeout=30
        )
        assert ATTENDANCE in second.content
        wait_for_card(fake, group, card.message_id, "The meeting has taken place", timeout=30)
        time.sleep(1)
        reminders = [m for m in fake.bot_messages(group) if m.content.startswith("⏰")]
        assert [m.content.splitlines()[0] for m in reminders] == [
            "⏰ Reminder: meeting #1 in 40 s.",
            "⏰ Reminder: meeting #1 in 20 s.",
        ]
    finally:
        stop_bot(bot, fake)
