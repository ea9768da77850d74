"""End to end through `python bot.py` and the fake Bot API: the weekly digest scheduled with
`/settings digest <today> <HH:MM>` a minute or so ahead, the bot stopped and started before it
falls due (PTB's JobQueue keeps nothing: the timer is re-armed from SQLite), the digest posted
once with the week's topic and the points it earned, and nothing more after another restart."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import READY
from tests.e2e.scenes import gate_court
from tests.e2e.test_votes_flow import stop_bot
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e
ZONE = ZoneInfo("Asia/Shanghai")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def due_minute(now: datetime) -> datetime:
    """The first whole minute at least 40 s ahead: time for a restart before it falls due."""
    return (now + timedelta(seconds=100)).replace(second=0, microsecond=0)


def test_the_digest_is_re_armed_at_start_up_and_posted_once(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    court = gate_court(tmp_path, fake)
    bot, group, chair, owners = court.bot, court.group, court.chair, court.owners
    bot.start()
    bot.wait_for_log(READY)
    try:
        fake.add_bot_to_group(group, by=chair, as_admin=True)
        fake.send_message(group, owners[0], "/propose Fix the gate")
        card = fake.wait_for_message(group, contains="Fix the gate")
        fake.press_button_by_text(group, card, owners[1], "👍 Support")  # +1 for 1-102
        due = due_minute(datetime.now(UTC)).astimezone(ZONE)
        weekday = WEEKDAYS[due.weekday()]
        fake.send_message(group, chair, f"/settings digest {weekday} {due:%H:%M}")
        fake.wait_for_message(group, contains="Weekly digest: every")
        fake.wait_for(lambda: fake.pending_update_count() == 0, timeout=5)
    finally:
        stop_bot(bot, fake)
    assert datetime.now(UTC) < due, "the test machine was too slow to stop before the digest"

    bot.start()  # nothing of the timer is left in memory: it comes back from SQLite
    bot.wait_for_log(READY)
    try:
        bot.wait_for_log("weekly digests armed for 1 communities")
        wait = (due - datetime.now(UTC)).total_seconds() + 30
        digest = fake.wait_for_message(group, contains="📰 Gate Court", timeout=wait)
        assert "#1 Fix the gate" in digest.content
        assert "🏅 Households that took part most:\n1-102: 1 point" in digest.content
        time.sleep(3)  # a second firing would have posted by now
    finally:
        stop_bot(bot, fake)

    bot.start()  # the week is recorded as sent: a start-up right after owes nothing
    bot.wait_for_log(READY)
    try:
        bot.wait_for_log("weekly digests armed for 1 communities")
        time.sleep(3)
        digests = [m for m in fake.bot_messages(group) if m.content.startswith("📰")]
        assert len(digests) == 1
    finally:
        stop_bot(bot, fake)
