"""End to end: `python bot.py` against the fake Bot API. A group becomes a community, gets its
unit register, residents join (reviewed by a rep, or with a letterbox code), and everything is
still there after the process restarts."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.conftest import WORKED_EXAMPLE_CSV
from tests.e2e.conftest import READY
from tests.e2e.process import BotProcess
from tests.fake_telegram import FakeTelegram, FloodLimits

pytestmark = pytest.mark.e2e


REFUSALS_QUOTING_THE_ASKER = ("You have already asked to join", "There is no unit")


def test_group_to_verified_households_and_restart(fake: FakeTelegram, bot: BotProcess) -> None:
    carol = fake.add_user("Carol", language_code="en")  # the group's creator
    rob = fake.add_user("Rob", language_code="en")  # becomes rep of building 2
    alice = fake.add_user("Alice", language_code="en")
    bert = fake.add_user("Bert", language_code="en")
    dave = fake.add_user("Dave", language_code="en")
    mallory = fake.add_user("Mallory", language_code="en")
    erin = fake.add_user("Erin", language_code="en")
    group = fake.create_group(
        "Sunny Garden", creator=carol, members=[rob, alice, bert, dave, mallory, erin]
    )

    # the command menus: per scope, in both languages and a default
    menus = fake.commands
    assert ("all_private_chats", "zh") in menus and ("all_private_chats", "en") in menus
    admin_menu = dict(menus[("all_chat_administrators", "en")])
    assert {"setup", "units", "codes", "role", "join"} <= set(admin_menu)
    assert "setup" not in dict(menus[("all_group_chats", "")])
    assert dict(menus[("all_private_chats", "zh")])["me"] == "我的社区、房屋和角色"

    # added to the group: the greeting says how to set it up, in both languages
    fake.add_bot_to_group(group, by=carol, as_admin=True)
    greeting = fake.wait_for_message(group, contains="/setup")
    assert "管理员" in greeting.content

    # /setup by a non-admin is refused; by the creator it binds the group
    fake.send_message(group, mallory, "/setup Evil Corp")
    fake.wait_for_message(group, contains="Only the group's creator or an administrator")
    fake.send_message(group, carol, "/setup Sunny Garden")
    fake.wait_for_message(group, contains="is now the community “Sunny Garden”")

    # a bad register changes nothing and says where; a good one is summarised
    bad = b"unit,building,area_m2,owner\n1-101,1,90,A\n1-102,1,-5,B\n1-101,1,80,C\n"
    fake.send_document(group, carol, "bad.csv", bad, caption="/units")
    report = fake.wait_for_message(group, contains="2 bad rows")
    assert "line 3" in report.content and "line 4" in report.content
    fake.send_document(group, mallory, "units.csv", WORKED_EXAMPLE_CSV, caption="/units")
    fake.wait_for_message(group, contains="Only an administrator can import")
    fake.send_document(group, carol, "units.csv", WORKED_EXAMPLE_CSV, caption="/units")
    summary = fake.wait_for_message(group, contains="Unit register saved")
    assert "10 units in 3 buildings, 8 owners by headcount" in summary.content
    assert "860 m²" in summary.content

    # Carol makes Rob the rep of building 2 by replying to his message
    hello = fake.send_message(group, rob, "Hello neighbours")
    fake.send_message(group, carol, "/role rep 2", reply_to=hello)
    fake.wait_for_message(group, contains="Rob is now building rep of building 2")

    # several joins: each card with Approve / Reject goes to its reviewers privately (the rep
    # of building 2; for building 1, without a rep, the group's creator), never to the group
    fake.open_private_chat(rob)
    fake.wait_for_message(rob, contains="Welcome")
    fake.open_private_chat(carol)
    fake.wait_for_message(carol, contains="Welcome")
    before_joins = max(m.message_id for m in fake.bot_messages(group))
    fake.send_message(group, alice, "/join 2-101 tenant")
    alice_card = fake.wait_for_message(rob, contains="Alice asks to join 2-101")
    fake.send_message(group, bert, "/join 2-102")
    bert_card = fake.wait_for_message(rob, contains="Bert asks to join 2-102")
    fake.send_message(group, dave, "/join 1-101 owner")
    dave_card = fake.wait_for_message(carol, contains="Dave asks to join 1-101")
    fake.send_message(group, dave, "/join 1-101 owner")
    fake.wait_for_message(group, contains="You have already asked to join 1-101")
    fake.send_message(group, mallory, "/join 9-999")
    fake.wait_for_message(group, contains="There is no unit 9-999")
    assert [b.text for b in alice_card.buttons] == ["✅ Approve", "❌ Reject"]

    # the rep of building 2 cannot decide building 1: the payload forged on his own card
    dave_approve = dave_card.buttons[0].data or ""
    wrong_building = fake.press_button(rob, alice_card, rob, dave_approve, forge=True)
    answer = fake.wait_for_callback_answer(wrong_building)
    assert answer.show_alert and answer.text == "This button is no longer valid."

    # Alice opened a private chat: she hears by DM; Bert did not: he hears in the group
    fake.open_private_chat(alice)
    fake.wait_for_message(alice, contains="Welcome")
    approved = fake.press_button_by_text(rob, alice_card, rob, "Approve")
    assert fake.wait_for_callback_answer(approved).text == "Approved: 2-101"
    fake.wait_for_message(alice, contains="approved. Welcome!")
    card = fake.wait_for(
        lambda: next(
            (
                m
                for m in fake.bot_messages(rob)
                if m.message_id == alice_card.message_id and m.edit_count
            ),
            None,
        )
    )
    assert "✅ Approved by Rob" in card.content and card.buttons == []
    again = fake.press_button(rob, alice_card, rob, alice_card.buttons[0].data or "", forge=True)
    assert fake.wait_for_callback_answer(again).text == "Already approved by Rob."

    # Reject asks the reason privately; Bert never started the bot: he hears under his own
    # request in the group, which names neither him nor the unit
    rejected = fake.press_button_by_text(rob, bert_card, rob, "Reject")
    assert fake.wait_for_callback_answer(rejected).text == "Choose the reason in our private chat."
    reasons = fake.wait_for_message(rob, contains="Why do you reject the request for 2-102?")
    chosen = fake.press_button_by_text(rob, reasons, rob, "Wrong unit")
    assert fake.wait_for_callback_answer(chosen).text == "Rejected: 2-102"
    fake.wait_for_message(group, contains="Your join request has been answered.")
    fake.press_button_by_text(carol, dave_card, carol, "Approve")  # admin: any building
    fake.wait_for(
        lambda: (
            len(
                [
                    m
                    for m in fake.bot_messages(group)
                    if "join request has been answered" in m.content
                ]
            )
            == 2
        )
    )
    for m in fake.bot_messages(group):
        if m.message_id <= before_joins or m.content.startswith(REFUSALS_QUOTING_THE_ASKER):
            continue  # (a refusal answers the unit the asker typed in the group themselves)
        for word in ("Alice", "Bert", "Dave", "2-101", "2-102", "1-101"):
            assert word not in m.content, m.content

    # forged button data: unknown id, garbage
    forged = fake.press_button(carol, dave_card, carol, "v1:jr:99999:a", forge=True)
    assert fake.wait_for_callback_answer(forged).text == "This button is no longer valid."
    garbage = fake.press_button(carol, dave_card, carol, "v1:zz", forge=True)
    assert fake.wait_for_callback_answer(garbage).text == "This button is no longer valid."

    # /codes: privately only; Carol must open a private chat first
    fake.send_message(group, carol, "/codes")
    fake.wait_for_message(group, contains="I have sent the codes to you")
    codes_file = fake.wait_for_message(carol, predicate=lambda m: m.document is not None)
    assert codes_file.document is not None
    rows = list(csv.DictReader(io.StringIO(codes_file.document.content.decode("utf-8-sig"))))
    assert len(rows) == 10 and set(rows[0]) == {"unit", "building", "code"}
    code_3101 = next(r["code"] for r in rows if r["unit"] == "3-101")

    # Erin verifies with the letterbox code in a private chat, no rep needed
    fake.open_private_chat(erin)
    fake.wait_for_message(erin, contains="Welcome")
    fake.send_message(erin, erin, "/join 3-101 WRONGCDE")
    fake.wait_for_message(erin, contains="not right for this unit")
    fake.send_message(erin, erin, f"/join 3-101 {code_3101} tenant")
    fake.wait_for_message(
        erin, contains="Verified: you are now a resident of 3-101 in Sunny Garden"
    )

    # a request still pending when the bot restarts
    fake.send_message(group, mallory, "/join 1-102")
    pending_card = fake.wait_for_message(carol, contains="Mallory asks to join 1-102")

    fake.send_message(alice, alice, "/me")
    me = fake.wait_for_message(alice, contains="Your communities:")
    assert "🏘 Sunny Garden" in me.content and "2-101 — tenant, verified" in me.content

    # the bot kept within Telegram's limits by itself (a restarted process cannot know what
    # its predecessor sent a moment ago, so after a restart a 429 is possible, and retried)
    floods = [c for c in fake.api_calls() if c.status == 429]
    assert floods == [], floods

    # restart: everything is still there, and old buttons still work
    assert bot.stop() == 0
    bot.start()
    bot.wait_for_log(READY)
    mark = fake.mark(alice)
    fake.send_message(alice, alice, "/me")
    me_again = fake.wait_for_message(alice, contains="Your communities:", after=mark)
    assert "Sunny Garden" in me_again.content and "2-101 — tenant, verified" in me_again.content
    after_restart = fake.press_button_by_text(carol, pending_card, carol, "Approve")
    assert fake.wait_for_callback_answer(after_restart).text == "Approved: 1-102"
    fake.send_message(group, carol, "/members")  # privately; the group hears only that
    fake.wait_for_message(group, contains="I have sent it to you in a private chat.")
    members = fake.wait_for_message(carol, contains="Verified households of Sunny Garden")
    for expected in (
        "1-101: Dave (owner)",
        "1-102: Mallory (owner)",
        "2-101: Alice (tenant)",
        "3-101: Erin (tenant)",
    ):
        assert expected in members.content
    assert "Bert" not in members.content
    fake.send_message(erin, erin, f"/join 3-101 {code_3101}")
    fake.wait_for_message(erin, contains="already a verified resident of 3-101")


def test_flood_limits_are_waited_out_not_lost(tmp_path: Path, fake: FakeTelegram) -> None:
    fake.limits = FloodLimits(group_per_minute=3, group_window=2.0)
    carol = fake.add_user("Carol", language_code="en")
    group = fake.create_group("Busy", creator=carol)
    process = BotProcess(tmp_path / "flood", token=fake.token, base_url=fake.base_url)
    process.start()
    try:
        process.wait_for_log(READY)
        fake.add_bot_to_group(group, by=carol, as_admin=True)
        fake.wait_for_message(group, contains="/setup")
        for _ in range(8):
            fake.send_message(group, carol, "/help")
        fake.wait_for(
            lambda: (
                len([m for m in fake.bot_messages(group) if "What you can do" in m.content]) == 8
                or None
            ),
            timeout=30,
        )
        assert fake.stats.too_many_requests >= 1
    finally:
        assert process.stop() == 0
    assert "Traceback" not in process.log()
