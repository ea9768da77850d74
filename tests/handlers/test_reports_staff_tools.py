"""Issue 11 on a ticket after filing, through the handlers in English and Chinese: the
reporter's answer in two steps (Fixed? then stars; an old one-step star button asks first),
reject reasons from presets, the typed reason's prompt across a restart, notes and appointment
times that reach the reporter, /ticket's picker, and a rep limited to their buildings."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from bot.reports.model import TicketStatus
from handlers.throttle import Throttle
from storage.database import Database
from tests.handlers.harness import HandlerHarness, group, user
from tests.handlers.test_reports_handlers import (
    ALICE,
    BEN,
    CREATOR,
    FORM,
    GROUP,
    NOT_YOURS,
    REP,
    REP_ONE,
    SENT_PRIVATELY,
    STALE,
    BotApiExtras,
    api,  # noqa: F401 (the fixture)
    button,
    card_in,
    keyboard,
    last_answer,
    only_ticket,
    private,
    quick_report,
    reply_to,
    residents,
    screen,
    tell,
    texts_to,
    tickets,
)

pytestmark = pytest.mark.usefixtures("api")
BEN_ZH = user(BEN["id"], "Ben", "zh")


def unhurried(h: HandlerHarness) -> None:
    """The throttle's clock moves two seconds between updates (see test_reports_form)."""
    ticks = itertools.count(0, 2)
    h.pipeline.throttle = Throttle(clock=lambda: float(next(ticks)))


@pytest.fixture(autouse=True)
def unhurried_harness(harness: HandlerHarness) -> None:
    unhurried(harness)


async def resolved_for_ben(h: HandlerHarness) -> int:
    """Ben's quick report (building 1), resolved from Rita's private card; the ticket id."""
    await quick_report(h, BEN, "The lift of building 1 stops between floors")
    await h.press(private(REP_ONE), REP_ONE, FORM, button(card_in(h, REP_ONE["id"], 1), "Resolved"))
    return (await only_ticket(h)).id


# --- the reporter's answer in two steps ------------------------------------------------------


async def test_in_chinese_not_fixed_reopens_and_yes_then_stars_confirms(
    harness: HandlerHarness,
) -> None:
    h = harness
    await residents(h)
    ticket_id = await resolved_for_ben(h)
    ask = h.request.sent("sendMessage", BEN["id"])[-1]
    assert list(keyboard(ask)) == ["✅ Yes, it is fixed", "❌ Not fixed"]  # asked in English
    await tell(h, BEN_ZH, "/lang zh")
    await h.press(private(BEN), BEN_ZH, FORM, f"v1:rf:{ticket_id}:n")
    assert last_answer(h)["text"] == "报修单 #1 已重新打开，已通知工作人员。"
    assert (await only_ticket(h)).status is TicketStatus.REOPENED

    # resolved again: this time Yes, then three stars
    await h.press(private(REP_ONE), REP_ONE, FORM, button(card_in(h, REP_ONE["id"], 1), "Resolved"))
    ask = h.request.sent("sendMessage", BEN["id"])[-1]
    assert ask["text"] == "🛠 报修单 #1（📝 其他）已标记为解决。修好了吗？"
    assert list(keyboard(ask)) == ["✅ 修好了", "❌ 没修好"]
    await h.press(private(BEN), BEN_ZH, FORM, button(ask, "✅ 修好了"))
    stars = screen(h, BEN["id"])
    assert stars["text"] == "修好了就好！请给报修单 #1 的服务打分：1 到 5 星。"
    assert list(keyboard(stars))[-1] == "◀ 返回"
    await h.press(private(BEN), BEN_ZH, FORM, button(stars, "◀ 返回"))  # back to "fixed?"
    assert list(keyboard(screen(h, BEN["id"]))) == ["✅ 修好了", "❌ 没修好"]
    await h.press(private(BEN), BEN_ZH, FORM, button(screen(h, BEN["id"]), "✅ 修好了"))
    await h.press(private(BEN), BEN_ZH, FORM, button(screen(h, BEN["id"]), "⭐⭐⭐"))
    assert last_answer(h)["text"] == "谢谢！报修单 #1 已关闭，评价 3 ⭐。"
    closed = await only_ticket(h)
    assert closed.status is TicketStatus.CLOSED and closed.rating == 3


async def test_an_old_one_step_star_button_asks_first_and_closes_nothing(
    harness: HandlerHarness,
) -> None:
    """Before: `v1:rf:<id>:1` closed the ticket rated 1, so a press meant "still broken" closed
    a broken lift. Now such a button already out there asks "Fixed?" in its place."""
    h = harness
    await residents(h)
    ticket_id = await resolved_for_ben(h)
    old_message = h.request.sent("sendMessage", BEN["id"])[-1]["message_id"]
    await h.press(private(BEN), BEN, old_message, f"v1:rf:{ticket_id}:1")
    assert last_answer(h)["text"] == "Please first answer whether it is fixed."
    redrawn = screen(h, BEN["id"])
    assert redrawn["message_id"] == old_message
    assert list(keyboard(redrawn)) == ["✅ Yes, it is fixed", "❌ Not fixed"]
    ticket = await only_ticket(h)
    assert ticket.status is TicketStatus.RESOLVED and ticket.rating is None


# --- reject reasons, the prompt across a restart ---------------------------------------------


async def test_a_preset_reject_reason_in_two_taps_reaches_the_reporter(
    harness: HandlerHarness,
) -> None:
    h = harness
    await residents(h)
    await quick_report(h, BEN, "Someone parked in front of the gate")
    card = card_in(h, REP_ONE["id"], 1)
    await h.press(private(REP_ONE), REP_ONE, FORM, button(card, "Reject"))
    menu = screen(h, REP_ONE["id"])
    assert menu["message_id"] == card["message_id"]  # in place of the card's buttons
    assert list(keyboard(menu)) == [
        "Duplicate of another ticket",
        "Not our responsibility",
        "Could not find the problem",
        "Other (type it)",
        "◀ Back",
    ]
    await h.press(private(REP_ONE), REP_ONE, FORM, button(menu, "◀ Back"))
    assert "Reject" in keyboard(screen(h, REP_ONE["id"]))
    assert (await only_ticket(h)).status is TicketStatus.REPORTED
    await h.press(private(REP_ONE), REP_ONE, FORM, button(card, "Reject"))
    for forged in ("x4", "x9", "t5", "xx", "m1"):  # reasons and times that do not exist
        await h.press(private(REP_ONE), REP_ONE, card["message_id"], f"v1:rs:1:{forged}")
        assert last_answer(h)["text"] == STALE, forged
    await h.press(private(REP_ONE), REP_ONE, FORM, button(screen(h, REP_ONE["id"]), "Not our resp"))
    assert last_answer(h)["text"] == "Ticket #1: rejected."
    assert texts_to(h, BEN)[-1] == (
        "🛠 Your ticket #1 (📝 Other): rejected. Note: Not our responsibility"
    )
    assert (await only_ticket(h)).status is TicketStatus.REJECTED


async def test_the_reject_prompt_survives_a_restart(
    harness: HandlerHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, the prompt lived in `bot_data`: after a restart the typed reason was ignored."""
    # this test runs its own two processes over one database file
    path = tmp_path / "restart" / "bot.db"
    database = await Database.open(path)
    first = await HandlerHarness.start(database)
    BotApiExtras(first, monkeypatch)
    unhurried(first)
    await residents(first)
    await quick_report(first, BEN, "Graffiti on the wall of building 1")
    card = card_in(first, REP_ONE["id"], 1)
    await first.press(private(REP_ONE), REP_ONE, FORM, button(card, "Reject"))
    other = button(screen(first, REP_ONE["id"]), "Other (type it)")
    await first.press(private(REP_ONE), REP_ONE, FORM, other)
    prompt = first.request.sent("sendMessage", REP_ONE["id"])[-1]
    assert prompt["text"] == "Reason for rejecting ticket #1? Reply to this message."
    await first.stop()
    await database.close()

    database = await Database.open(path)  # a new process: new Application, same file
    try:
        second = await HandlerHarness.start(database)
        BotApiExtras(second, monkeypatch)
        unhurried(second)
        second._update_ids = itertools.count(10_000)  # Telegram's ids go on
        second.request.private_open.update(p["id"] for p in (REP_ONE, BEN, CREATOR, REP))
        try:
            reply = reply_to(private(REP_ONE), int(prompt["message_id"]))
            await tell(second, BEN, "Not a real problem", reply_to_message=reply)  # not hers
            assert (await only_ticket(second)).status is TicketStatus.REPORTED
            await tell(second, REP_ONE, "Already painted over", reply_to_message=reply)
            assert texts_to(second, REP_ONE)[-1] == "Ticket #1: rejected."
            assert texts_to(second, BEN)[-1] == (
                "🛠 Your ticket #1 (📝 Other): rejected. Note: Already painted over"
            )
            assert (await only_ticket(second)).status is TicketStatus.REJECTED
        finally:
            await second.stop()
    finally:
        await database.close()


# --- notes and appointments ------------------------------------------------------------------


async def test_a_note_and_an_appointment_reach_the_reporter(harness: HandlerHarness) -> None:
    h = harness
    await residents(h)
    await quick_report(h, ALICE, "The lobby light flickers")
    card = card_in(h, REP["id"], 1)
    await h.press(private(REP), REP, FORM, button(card, "📅 Appointment"))
    assert list(keyboard(screen(h, REP["id"]))) == [
        "Today morning",
        "Today afternoon",
        "Tomorrow morning",
        "Tomorrow afternoon",
        "Type a time",
        "◀ Back",
    ]
    await h.press(private(REP), REP, FORM, button(screen(h, REP["id"]), "Tomorrow morning"))
    assert last_answer(h)["text"] == "Sent to the reporter of ticket #1."
    # 22 Nov 2026 09:30 UTC is the same day in the community's zone: tomorrow is 23 Nov
    assert texts_to(h, ALICE)[-1] == (
        "🛠 Staff will come for your ticket #1 (📝 Other):\nTomorrow morning (Nov 23)"
    )
    redrawn = h.request.sent("editMessageText", REP["id"])[-1]["text"]
    assert "appointment — Rep Bob: Tomorrow morning (Nov 23)" in redrawn

    await h.press(private(REP), REP, FORM, button(card, "✉️ Note to reporter"))
    assert last_answer(h)["text"] == "Reply to my message with your text."
    prompt = h.request.sent("sendMessage", REP["id"])[-1]
    assert prompt["text"] == "Your note to the reporter of ticket #1? Reply to this message."
    reply = reply_to(private(REP), int(prompt["message_id"]))
    await tell(h, REP, "We need to order a new lamp first.", reply_to_message=reply)
    assert texts_to(h, REP)[-1] == "Sent to the reporter of ticket #1."
    assert texts_to(h, ALICE)[-1] == (
        "🛠 A note from staff about your ticket #1 (📝 Other):\nWe need to order a new lamp first."
    )
    assert (await only_ticket(h)).status is TicketStatus.REPORTED  # a note changes no status

    # the rep of another building may not write to Alice about it
    await h.press(private(REP_ONE), REP_ONE, card["message_id"], "v1:rs:1:t3")
    assert last_answer(h)["text"] == STALE  # not one of the ticket's cards in her chat


# --- /ticket's picker, privately; a rep sees their buildings' tickets ------------------------


async def test_ticket_alone_offers_a_picker_privately_and_a_rep_sees_their_buildings_only(
    harness: HandlerHarness,
) -> None:
    h = harness
    await residents(h)
    await tell(h, ALICE, "/ticket")
    assert texts_to(h, ALICE)[-1] == "There are no open tickets for you in Sunny Garden."
    await quick_report(h, ALICE, "The lobby light flickers")  # #1, building 2
    await quick_report(h, BEN, "The bench by the pond is broken")  # #2, building 1

    await h.say(GROUP, REP, "/ticket")
    assert texts_to(h, GROUP)[-1] == SENT_PRIVATELY
    picker = h.request.sent("sendMessage", REP["id"])[-1]
    assert picker["text"] == "Which ticket of Sunny Garden? Open tickets:"
    assert list(keyboard(picker)) == ["#1 📝 Other · 2-101 (building 2)"]
    await h.press(private(REP), REP, FORM, "v1:rv:2")  # forged: building 1's ticket
    assert last_answer(h)["text"] == NOT_YOURS
    await h.press(private(REP), REP, FORM, button(picker, "#1"))
    shown = h.request.sent("sendMessage", REP["id"])[-1]
    assert shown["text"].startswith("🛠 Ticket #1 · 📝 Other")
    await h.press(private(REP), REP, shown["message_id"], button(shown, "Acknowledge"))
    assert last_answer(h)["text"] == "Ticket #1: acknowledged."  # the card's buttons work

    await tell(h, BEN, "/ticket")
    assert list(keyboard(h.request.sent("sendMessage", BEN["id"])[-1])) == [
        "#2 📝 Other · 1-101 (building 1)"
    ]
    await h.say(GROUP, REP, "/reports")
    assert "#2" not in texts_to(h, REP)[-1] and "#1 📝 Other" in texts_to(h, REP)[-1]


async def test_in_chinese_a_picker_with_nothing_open_and_the_staff_chat_sees_all(
    harness: HandlerHarness,
) -> None:
    h = harness
    await residents(h)
    rep_zh = user(REP["id"], "Rep Bob", "zh")
    await tell(h, rep_zh, "/ticket")
    assert texts_to(h, REP)[-1] == "Sunny Garden 目前没有您可查看的未完成报修单。"
    staff = group(-2001, "staff")
    await h.say(staff, CREATOR, "/staffchat")
    await quick_report(h, BEN, "The bench by the pond is broken")  # building 1
    await h.say(staff, REP, "/ticket")  # in the staff chat: every open ticket, shown there
    picker = h.request.sent("sendMessage", staff["id"])[-1]
    assert list(keyboard(picker)) == ["#1 📝 Other · 1-101 (building 1)"]
    await h.press(staff, REP, FORM, button(picker, "#1"))
    assert texts_to(h, staff)[-1].startswith("🛠 Ticket #1 · 📝 Other\nWhere: 1-101 (building 1)")
    before = len(texts_to(h, GROUP))
    await h.press(GROUP, REP, 1, "v1:rv:1")  # forged in the main group: nothing shown there
    assert last_answer(h)["text"] == STALE
    assert len(texts_to(h, GROUP)) == before
    assert len(await tickets(h)) == 1


async def test_staff_tools_with_every_update_delivered_twice(harness: HandlerHarness) -> None:
    harness.redeliver_each = True
    await test_a_note_and_an_appointment_reach_the_reporter(harness)


async def test_the_two_step_rating_with_every_update_delivered_twice(
    harness: HandlerHarness,
) -> None:
    harness.redeliver_each = True
    await test_in_chinese_not_fixed_reopens_and_yes_then_stars_confirms(harness)
