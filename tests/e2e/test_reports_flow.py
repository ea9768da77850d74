"""End to end through `python bot.py`: a resident reports with a photo through the private
form; staff acknowledge and resolve it from the staff chat; a second resident's duplicate
becomes a "me too" and hears every step; the reporter rates the work. An unacknowledged ticket
escalates (deadline set short for the test), and one whose deadline passes while the bot is
down escalates once, at start-up."""

from __future__ import annotations

import struct
import time
import zlib
from pathlib import Path

import pytest

from bot.roles.model import Role
from tests.e2e.conftest import READY
from tests.e2e.process import BotProcess
from tests.e2e.seed import register_csv, seed_community
from tests.fake_telegram import BotMessage, FakeChat, FakeTelegram, FakeUser

pytestmark = pytest.mark.e2e


def png(width: int = 4, height: int = 3) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def press(
    fake: FakeTelegram, chat: FakeChat | FakeUser, message: BotMessage, user: FakeUser, label: str
) -> str:
    answer = fake.wait_for_callback_answer(fake.press_button_by_text(chat, message, user, label))
    return answer.text or ""


def latest(fake: FakeTelegram, chat: FakeChat | FakeUser, message: BotMessage) -> BotMessage:
    return next(m for m in fake.bot_messages(chat) if m.message_id == message.message_id)


def report(
    fake: FakeTelegram,
    user: FakeUser,
    category: str,
    description: str,
    *,
    photo: bool,
    where: str,
    count: int = 1,
) -> BotMessage:
    """Fill in the private form with buttons (with ``photo``, ``count`` photos); returns the
    form message at its last state."""
    mark = fake.mark(user)
    fake.send_message(user, user, "/report")
    form = fake.wait_for_message(user, contains="What is broken?", after=mark)
    press(fake, user, form, user, category)
    fake.wait_for(lambda: "Describe the problem" in latest(fake, user, form).content or None)
    fake.send_message(user, user, description)
    photos = fake.wait_for_message(user, contains="Send up to 5 photos", after=mark)
    if photo:
        fake.send_document(user, user, "photo.png", png(), mime_type="image/png")
        fake.wait_for_message(user, contains="as a photo (not as a file)", after=mark)
        for n in range(1, count + 1):
            fake.send_photo(user, user, png(width=3 + n))
            added = fake.wait_for_message(
                user, contains=f"Photo {n} of at most 5 added", after=mark
            )
        press(fake, user, added, user, "Done")
        where_message = fake.wait_for_message(user, contains="Where is it?", after=mark)
    else:
        press(fake, user, photos, user, "Skip")
        where_message = photos
        fake.wait_for(lambda: "Where is it?" in latest(fake, user, photos).content or None)
    press(fake, user, latest(fake, user, where_message), user, where)
    return latest(fake, user, where_message)


def test_the_closed_loop_with_me_too_escalation_and_restart(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    admin = fake.add_user("Admin Ann", language_code="en")
    rep = fake.add_user("Rep Bob", language_code="en")
    alice = fake.add_user("Alice", language_code="en")
    dan = fake.add_user("Dan", language_code="en")
    group = fake.create_group("Maple Court", creator=admin, members=[rep, alice, dan])
    staff = fake.create_group("Maple staff", creator=admin, members=[rep])
    bot = BotProcess(tmp_path / "bot", token=fake.token, base_url=fake.base_url)
    seed_community(
        bot.database,
        chat_id=group.id,
        name="Maple Court",
        register=register_csv(40, per_building=20),
        owners=[(alice.id, "Alice", "2-101"), (dan.id, "Dan", "2-105")],
        roles=[(rep.id, Role.REP)],
    )
    bot.start()
    bot.wait_for_log(READY)
    try:
        fake.add_bot_to_group(group, by=admin, as_admin=True)
        fake.add_bot_to_group(staff, by=admin, as_admin=False)
        fake.send_message(group, admin, "/role rep 2", reply_to=fake.send_message(group, rep, "hi"))
        fake.wait_for_message(group, contains="Rep Bob is now building rep")
        fake.send_message(staff, admin, "/staffchat")
        fake.wait_for_message(staff, contains="This group is now the staff chat of Maple Court")
        for person in (alice, dan, admin):
            fake.open_private_chat(person)
            fake.wait_for_message(person, contains="Welcome")

        # Alice reports with a photo; the ticket reaches the staff chat with its photo
        form = report(
            fake,
            alice,
            "Elevator",
            "The elevator stops between floors 3 and 4",
            photo=True,
            where="My home",
        )
        assert "Please check and submit" in form.content and "Photos: 1" in form.content
        press(fake, alice, form, alice, "Submit")
        fake.wait_for_message(alice, contains="Ticket #1 filed")
        card = fake.wait_for_message(staff, contains="🛠 Ticket #1 · 🛗 Elevator")
        assert any(m.photo is not None for m in fake.bot_messages(staff))
        assert [b.text for b in card.buttons] == [
            "Acknowledge",
            "In progress",
            "Resolved",
            "Reject",
            "✉️ Note to reporter",
            "📅 Appointment",
        ]

        # Dan reports the same problem: offered "me too" instead of a new ticket
        form = report(fake, dan, "Elevator", "Elevator stuck again", photo=False, where="My home")
        press(fake, dan, form, dan, "Submit")
        duplicate = fake.wait_for(
            lambda: (
                m if "already an open ticket" in (m := latest(fake, dan, form)).content else None
            )
        )
        press(fake, dan, duplicate, dan, "Me too")
        fake.wait_for_message(dan, contains="Added you to ticket #1: 2 households are now affected")
        fake.wait_for(lambda: "Affected households: 2" in latest(fake, staff, card).content or None)

        # staff: the rep of building 2 acknowledges and resolves
        assert press(fake, staff, card, rep, "Acknowledge") == "Ticket #1: acknowledged."
        fake.wait_for_message(alice, contains="Your ticket #1 (🛗 Elevator): acknowledged")
        fake.wait_for_message(dan, contains="Your ticket #1 (🛗 Elevator): acknowledged")
        card = fake.wait_for(  # redrawn through the outbox, right after the press's answer
            lambda: (
                m if "Status: acknowledged" in (m := latest(fake, staff, card)).content else None
            )
        )
        assert [b.text for b in card.buttons] == [
            "In progress",
            "Resolved",
            "Reject",
            "✉️ Note to reporter",
            "📅 Appointment",
        ]
        press(fake, staff, card, rep, "Resolved")
        ask = fake.wait_for_message(alice, contains="Is it fixed?")
        fake.wait_for_message(dan, contains="Your ticket #1 (🛗 Elevator): resolved")
        press(fake, alice, ask, alice, "Yes")  # two steps: fixed? then the stars
        stars = fake.wait_for(
            lambda: m if "Choose 1 to 5 stars" in (m := latest(fake, alice, ask)).content else None
        )
        assert (
            press(fake, alice, stars, alice, "⭐⭐⭐⭐")
            == "Thank you! Ticket #1 is closed with 4 ⭐."
        )
        fake.wait_for_message(dan, contains="fixed and rated")
        final = fake.wait_for(
            lambda: m if "fixed and rated" in (m := latest(fake, staff, card)).content else None
        )
        assert final.buttons == [] and "confirmed fixed, rated — Alice: 4 ⭐" in final.content

        # a short response deadline: an unacknowledged ticket escalates
        fake.send_message(group, admin, "/settings response_time 1m")
        fake.wait_for_message(group, contains="respond within 1 min")
        fake.send_message(group, alice, "/report The gate lock is broken")
        fake.wait_for_message(group, contains="Ticket #2 filed")
        fake.wait_for_message(staff, contains="🛠 Ticket #2")
        time.sleep(20)
        fake.send_message(group, dan, "/report Lights out in the bike shed")
        fake.wait_for_message(group, contains="Ticket #3 filed")
        fake.wait_for_message(
            staff,
            contains="Ticket #2 (📝 Other, 2-101 (building 2)) in Maple Court has not been acknowledged within 1 min",
            timeout=70,
        )
        fake.wait_for_message(admin, contains="Ticket #2 (📝 Other")
    finally:
        assert bot.stop() == 0
    # ticket #3's deadline passes while the bot is down: it escalates once, at start-up
    time.sleep(45)
    bot.start()
    bot.wait_for_log(READY)
    try:
        fake.wait_for_message(staff, contains="Ticket #3 (📝 Other", timeout=20)
        time.sleep(3)
        escalations = [m for m in fake.bot_messages(staff) if m.content.startswith("⏰ Ticket #3")]
        assert len(escalations) == 1
    finally:
        assert bot.stop() == 0
    assert "Traceback" not in bot.log()


def test_a_report_with_several_photos_reaches_the_staff_chat_as_one_album(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    admin = fake.add_user("Admin Ann", language_code="en")
    alice = fake.add_user("Alice", language_code="en")
    group = fake.create_group("Maple Court", creator=admin, members=[alice])
    staff = fake.create_group("Maple staff", creator=admin)
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
        fake.open_private_chat(alice)
        fake.wait_for_message(alice, contains="Welcome")
        mark = fake.mark(staff)

        form = report(
            fake,
            alice,
            "Water",
            "Water drips from the ceiling in the stairwell",
            photo=True,
            count=3,
            where="My home",
        )
        assert "Please check and submit" in form.content and "Photos: 3" in form.content
        press(fake, alice, form, alice, "Submit")
        fake.wait_for_message(alice, contains="Ticket #1 filed")
        card = fake.wait_for_message(staff, contains="🛠 Ticket #1", after=mark)
        album = [m for m in fake.bot_messages(staff) if m.message_id > mark and m.photo]
        assert [m.photo.content for m in album if m.photo] == [png(4), png(5), png(6)]
        assert len({m.media_group_id for m in album}) == 1 and album[0].media_group_id
        assert [m.caption for m in album] == ["#1", None, None]
        assert all(m.message_id < card.message_id for m in album)
        assert "Acknowledge" in [b.text for b in card.buttons]
        assert len(fake.api_calls("sendMediaGroup")) == 1
        assert fake.stats.too_many_requests == 0
    finally:
        assert bot.stop() == 0
    assert "Traceback" not in bot.log()
