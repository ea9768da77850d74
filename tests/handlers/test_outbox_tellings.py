"""The sends that followed a commit outside the outbox, now written with their change (issue 9,
finding 2): a new ticket's staff card and its fallbacks, ticket card redraws and the
"reopened" notice. Each is made to fail the way Telegram fails, or the process "dies" between
the commit and the send, and it is delivered later, once, drawn from the database."""

from __future__ import annotations

import pytest

from bot.communities.cases import set_community_language
from bot.outbox import EntryStatus, Tell
from handlers.deliveries import start_outbox, stop_outbox
from tests.handlers.closing import close_by_hand
from tests.handlers.harness import HandlerHarness, private, user
from tests.handlers.test_outbox_handlers import (
    KICKED,
    SERVER_ERROR,
    Faults,
    entries,
    flood,
    later,
)
from tests.handlers.test_reports_handlers import (
    BEN,
    FORM,
    STAFF_GROUP,
    BotApiExtras,
    button,
    card_in,
    only_ticket,
    quick_report,
    set_staff_chat,
    texts_to,
)
from tests.handlers.test_reports_handlers import residents as report_residents
from tests.handlers.test_residents_handlers import ALICE, CREATOR, GROUP, REP, set_up

DAVE = user(8, "Dave")  # a stored admin, told privately


@pytest.fixture
def api(harness: HandlerHarness, monkeypatch: pytest.MonkeyPatch) -> BotApiExtras:
    return BotApiExtras(harness, monkeypatch)


@pytest.fixture
def faults(harness: HandlerHarness, api: BotApiExtras, monkeypatch: pytest.MonkeyPatch) -> Faults:
    return Faults(harness, monkeypatch)  # over the extras: photos and admins answer too


async def in_language(h: HandlerHarness, language: str) -> None:
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        await set_community_language(uow, community, language, is_admin=True)  # type: ignore[arg-type]


def cards_to(h: HandlerHarness, chat_id: int, start: str) -> list[str]:
    return [t for t in h.request.texts(chat_id) if t.startswith(start)]


# --- 1. the new ticket's staff card, its fallbacks, card redraws ----------------------------


@pytest.mark.parametrize(
    ("language", "card_start"),
    [("en", "🛠 Ticket #1 · 📝 Other"), ("zh", "🛠 报修单 #1 · 📝 其他")],
)
async def test_a_staff_card_whose_send_fails_reaches_the_staff_chat_later_once(
    harness: HandlerHarness, faults: Faults, language: str, card_start: str
) -> None:
    h = harness
    await report_residents(h)
    await in_language(h, language)
    await set_staff_chat(h) if language == "en" else await h.say(STAFF_GROUP, CREATOR, "/staffchat")
    faults.fail("sendMessage", STAFF_GROUP["id"], SERVER_ERROR)
    await quick_report(h, ALICE, "The stairwell light on floor 2 is out")
    assert ("sendMessage", STAFF_GROUP["id"]) in faults.failed
    assert cards_to(h, STAFF_GROUP["id"], card_start) == []
    # a timeout or 5xx is not "unreachable": nobody is told privately, the group is not told
    assert cards_to(h, REP["id"], card_start) == []
    assert not any("/staffchat" in t for t in h.request.texts(GROUP["id"]))

    await later(h, 2)
    assert len(cards_to(h, STAFF_GROUP["id"], card_start)) == 1
    await later(h, 3600)
    assert len(cards_to(h, STAFF_GROUP["id"], card_start)) == 1
    ticket = await only_ticket(h)
    async with h.database.unit_of_work() as uow:
        (card,) = await uow.reports.cards(ticket.id)
    assert card[0] == STAFF_GROUP["id"]
    (entry,) = await entries(h, Tell.TICKET_NEW, ticket.id)
    assert (entry.status, entry.attempts) == (EntryStatus.DONE, 1)


async def test_a_death_between_filing_and_the_staff_card_is_delivered_once_at_start_up(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    h = harness
    await report_residents(h)
    await set_staff_chat(h)
    await stop_outbox(h.services, drain=0)  # the process "dies" after the commit
    await quick_report(h, ALICE, "The stairwell light on floor 2 is out")
    assert texts_to(h, GROUP)[-1] == "✅ Ticket #1 filed; staff will follow up."
    assert cards_to(h, STAFF_GROUP["id"], "🛠 Ticket #1 ·") == []

    counts = await start_outbox(h.app, h.services)  # the next process
    assert counts.pending == 1
    await h.settle()
    assert len(cards_to(h, STAFF_GROUP["id"], "🛠 Ticket #1 ·")) == 1
    again = await start_outbox(h.app, h.services)
    assert again.pending == 0
    await h.settle()
    assert len(cards_to(h, STAFF_GROUP["id"], "🛠 Ticket #1 ·")) == 1


async def test_a_card_stored_but_not_marked_done_is_not_posted_again(
    harness: HandlerHarness, api: BotApiExtras
) -> None:
    """The at-least-once edge: the card went out and was stored, the entry not marked done.
    Drawn from the stored cards, the repeat posts nothing."""
    h = harness
    await report_residents(h)
    await set_staff_chat(h)
    await quick_report(h, ALICE, "The stairwell light on floor 2 is out")
    ticket = await only_ticket(h)
    async with h.database.unit_of_work() as uow:
        (entry,) = await uow.outbox.of_subject(Tell.TICKET_NEW, ticket.id)
        await uow.outbox.finish(entry.id, EntryStatus.PENDING, now=h.services.now())
        await uow.commit()
    await start_outbox(h.app, h.services)
    await h.settle()
    assert len(cards_to(h, STAFF_GROUP["id"], "🛠 Ticket #1 ·")) == 1


async def test_private_cards_that_partly_fail_are_completed_without_duplicates(
    harness: HandlerHarness, faults: Faults
) -> None:
    """Without a staff chat: Carol (a group admin) gets hers at once, Bob's send times out and
    is tried again; Carol's is not sent twice, and the group is never told "nobody"."""
    h = harness
    await report_residents(h)
    faults.fail("sendMessage", REP["id"], (504, "Gateway Timeout", None))
    await quick_report(h, ALICE, "Water drips from the ceiling of the lobby")
    assert len(cards_to(h, CREATOR["id"], "🛠 Ticket #1 ·")) == 1
    assert cards_to(h, REP["id"], "🛠 Ticket #1 ·") == []
    await later(h, 2)
    assert len(cards_to(h, CREATOR["id"], "🛠 Ticket #1 ·")) == 1
    assert len(cards_to(h, REP["id"], "🛠 Ticket #1 ·")) == 1
    assert not any(t.startswith("🛠 New repair ticket") for t in h.request.texts(GROUP["id"]))


async def test_a_staff_chat_that_kicked_the_bot_routes_the_card_privately(
    harness: HandlerHarness, faults: Faults
) -> None:
    h = harness
    await report_residents(h)
    await set_staff_chat(h)
    faults.fail("sendMessage", STAFF_GROUP["id"], KICKED)
    await quick_report(h, ALICE, "Water drips from the ceiling of the lobby")
    assert len(cards_to(h, REP["id"], "🛠 Ticket #1 ·")) == 1
    (entry,) = await entries(h, Tell.TICKET_NEW, (await only_ticket(h)).id)
    assert entry.status is EntryStatus.DONE


@pytest.mark.parametrize(
    ("language", "card_start", "acknowledge", "status_line"),
    [
        ("en", "🛠 Ticket #1 ·", "Acknowledge", "Status: acknowledged"),
        ("zh", "🛠 报修单 #1 ·", "受理", "状态：已受理"),
    ],
)
async def test_a_card_redraw_that_fails_is_drawn_later(
    harness: HandlerHarness,
    faults: Faults,
    language: str,
    card_start: str,
    acknowledge: str,
    status_line: str,
) -> None:
    h = harness
    await report_residents(h)
    await in_language(h, language)
    await quick_report(h, ALICE, "Water drips from the ceiling of the lobby")
    (card,) = [
        p for p in h.request.sent("sendMessage", REP["id"]) if p["text"].startswith(card_start)
    ]
    faults.fail("editMessageText", REP["id"], flood(9))
    await h.press(private(REP), REP, card["message_id"], button(card, acknowledge))
    redraws = [p for p in h.request.sent("editMessageText", REP["id"]) if status_line in p["text"]]
    assert redraws == []
    await later(h, 10)
    redraws = [p for p in h.request.sent("editMessageText", REP["id"]) if status_line in p["text"]]
    assert [p["message_id"] for p in redraws] == [card["message_id"]]
    # the other copy (Carol's) was redrawn with it, each once more at most
    assert any(status_line in p["text"] for p in h.request.sent("editMessageText", CREATOR["id"]))


async def test_the_reopened_notice_reaches_the_staff_after_a_failure(
    harness: HandlerHarness, faults: Faults
) -> None:
    h = harness
    await report_residents(h)
    await set_staff_chat(h)
    await quick_report(h, BEN, "The bench by the pond is broken")
    ticket = await only_ticket(h)
    card = card_in(h, STAFF_GROUP["id"], 1)
    await h.press(STAFF_GROUP, CREATOR, card["message_id"], button(card, "Resolved"))
    faults.fail("sendMessage", STAFF_GROUP["id"], SERVER_ERROR)
    await h.press(private(BEN), BEN, FORM, f"v1:rf:{ticket.id}:n")
    reopened = "⚠️ Ticket #1 was reopened by the reporter: not fixed."
    assert reopened not in texts_to(h, STAFF_GROUP)
    await later(h, 2)
    assert texts_to(h, STAFF_GROUP).count(reopened) == 1
    await later(h, 3600)
    assert texts_to(h, STAFF_GROUP).count(reopened) == 1


# --- 2. decisions told to applicants, the self-review notice --------------------------------


def join_card_buttons(
    h: HandlerHarness, start: str, chat_id: int = REP["id"]
) -> tuple[int, dict[str, str]]:
    """The review card the reviewer (the rep of building 2) got privately."""
    (card,) = [p for p in h.request.sent("sendMessage", chat_id) if p["text"].startswith(start)]
    buttons = {b["text"]: b["callback_data"] for b in card["reply_markup"]["inline_keyboard"][0]}
    return int(card["message_id"]), buttons


@pytest.mark.parametrize(
    ("language", "card_start", "approve", "told"),
    [
        (
            "en",
            "Join request: Alice",
            "✅ Approve",
            "✅ Your request to join 2-101 in Sunny Garden was approved. Welcome!",
        ),
        ("zh", "认证申请：Alice", "✅ 通过", "✅ 您认证Sunny Garden 2-101 的申请已通过。欢迎！"),
    ],
)
async def test_a_join_decision_whose_send_fails_reaches_the_applicant_later_once(
    harness: HandlerHarness,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    card_start: str,
    approve: str,
    told: str,
) -> None:
    h = harness
    await set_up(h)
    await in_language(h, language)
    faults = Faults(h, monkeypatch)
    h.request.private_open.update({ALICE["id"], REP["id"]})
    await h.say(GROUP, ALICE, "/join 2-101 owner")
    card_id, buttons = join_card_buttons(h, card_start)
    faults.fail("sendMessage", ALICE["id"], SERVER_ERROR)
    await h.press(private(REP), REP, card_id, buttons[approve])
    assert told not in texts_to(h, ALICE)
    await later(h, 2)
    assert texts_to(h, ALICE).count(told) == 1
    await later(h, 3600)
    assert texts_to(h, ALICE).count(told) == 1
    (entry,) = await entries(h, Tell.JOIN_OUTCOME, 1)
    assert (entry.status, entry.attempts) == (EntryStatus.DONE, 1)


async def test_a_death_after_a_rejection_tells_the_applicant_under_the_card_at_start_up(
    harness: HandlerHarness,
) -> None:
    """Alice has no private chat: the decision is a reply to her own request in the group,
    once, after restart, naming neither her nor the unit (issue 11)."""
    h = harness
    await set_up(h)
    h.request.private_open.add(REP["id"])
    await h.say(GROUP, ALICE, "/join 2-101 owner")
    assert h.last_payload is not None
    asked = h.last_payload["message"]["message_id"]  # Alice's own /join in the group
    card_id, buttons = join_card_buttons(h, "Join request: Alice")
    await h.press(private(REP), REP, card_id, buttons["❌ Reject"])
    reasons = h.request.sent("sendMessage", REP["id"])[-1]
    not_resident = reasons["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await stop_outbox(h.services, drain=0)
    await h.press(private(REP), REP, None, not_resident)
    answered = "Your join request has been answered."
    told = [p for p in h.request.sent("sendMessage", GROUP["id"]) if answered in p["text"]]
    assert told == []
    assert (await start_outbox(h.app, h.services)).pending == 1
    await h.settle()
    (told_once,) = [p for p in h.request.sent("sendMessage", GROUP["id"]) if answered in p["text"]]
    assert told_once["text"] == (
        "Your join request has been answered. Open a private chat with me and send /me to see it."
    )
    assert told_once["reply_parameters"]["message_id"] == asked
    assert not any("Alice" in t or "2-101" in t for t in h.request.texts(GROUP["id"]))


async def test_an_ownership_decision_whose_send_fails_reaches_the_applicant_later(
    harness: HandlerHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.handlers.test_owners_handlers import ALICE as OWNER_ALICE
    from tests.handlers.test_owners_handlers import REP as OWNERS_REP
    from tests.handlers.test_owners_handlers import code_of, keyboard_of
    from tests.handlers.test_owners_handlers import set_up as owners_set_up

    h = harness
    community_id = await owners_set_up(h)
    code = await code_of(h, community_id, "2-101")
    h.request.private_open.update({OWNER_ALICE["id"], OWNERS_REP["id"]})
    await h.say(private(OWNER_ALICE), OWNER_ALICE, f"/join 2-101 {code}")
    review = h.request.sent("sendMessage", OWNER_ALICE["id"])[-1]
    await h.press(private(OWNER_ALICE), OWNER_ALICE, None, keyboard_of(review)[0][1])
    card = h.request.sent("sendMessage", OWNERS_REP["id"])[-1]  # the rep's, privately
    faults = Faults(h, monkeypatch)
    faults.fail("sendMessage", OWNER_ALICE["id"], flood(5))
    await h.press(private(OWNERS_REP), OWNERS_REP, None, keyboard_of(card)[0][1])
    told = "✅ You are now a verified owner of 2-101 in Sunny Garden."
    assert told not in texts_to(h, OWNER_ALICE)
    await later(h, 5)
    assert texts_to(h, OWNER_ALICE).count(told) == 1


@pytest.mark.parametrize(
    ("language", "notice"),
    [
        (
            "en",
            "Rep Bob asks to join 2-101 (building 2) in Sunny Garden as owner. As a reviewer they "
            "may not approve their own request: please review it with /pending.",
        ),
        (
            "zh",
            "Rep Bob 申请认证为Sunny Garden 2-101（2 号楼）的业主。审核人不能审核自己的申请，请私聊我发送 /pending 审核。",
        ),
    ],
)
async def test_the_self_review_notice_reaches_the_admins_after_a_failure(
    harness: HandlerHarness, monkeypatch: pytest.MonkeyPatch, language: str, notice: str
) -> None:
    h = harness
    await set_up(h)
    await h.say(GROUP, CREATOR, "/role admin", reply_to_message=h.message(GROUP, DAVE, "x"))
    await in_language(h, language)
    faults = Faults(h, monkeypatch)
    h.request.private_open.update({DAVE["id"], REP["id"]})
    # Dave (the stored admin) reviews it: its card and the notice each fail once
    faults.fail("sendMessage", DAVE["id"], SERVER_ERROR, times=2)
    await h.say(GROUP, REP, "/join 2-101 owner")
    assert notice not in texts_to(h, DAVE)
    await later(h, 2)
    assert texts_to(h, DAVE).count(notice) == 1
    assert notice not in texts_to(h, REP)  # never the applicant
    (entry,) = await entries(h, Tell.SELF_REVIEW, 1)
    assert entry.status is EntryStatus.DONE


# --- 3. notes after a ballot, objections and their answers ----------------------------------


async def test_a_paper_note_whose_send_fails_reaches_the_household_later_once(
    harness: HandlerHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.handlers.test_votes_trust_handlers import CHAIR, PEOPLE, open_vote, prepare

    h = harness
    await prepare(h)
    card, buttons = await open_vote(h, "Install an elevator? double-majority 7d")
    await h.press(GROUP, PEOPLE["C"], card, buttons["👍 For"])
    faults = Faults(h, monkeypatch)
    faults.fail("sendMessage", PEOPLE["C"]["id"], SERVER_ERROR)
    await h.say(GROUP, CHAIR, "/paper 1 1-202 against")
    note = "paper ballot for 1-201, 1-202: Against"
    assert not any(note in t for t in texts_to(h, PEOPLE["C"]))
    await later(h, 2)
    assert len([t for t in texts_to(h, PEOPLE["C"]) if note in t]) == 1
    (entry,) = await entries(h, Tell.VOTE_PAPER_NOTE, 1)
    assert (entry.status, entry.attempts) == (EntryStatus.DONE, 1)


async def test_an_objection_and_its_answer_in_chinese_reach_their_readers_after_failures(
    harness: HandlerHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.handlers.test_votes_trust_handlers import CHAIR, PEOPLE
    from tests.handlers.test_votes_trust_handlers import prepare as notice_prepare

    h = harness
    await notice_prepare(h, "zh")
    owner_b = {**PEOPLE["B"], "language_code": "zh"}
    chair = {**CHAIR, "language_code": "zh"}
    h.request.private_open.add(CHAIR["id"])
    await h.say(GROUP, chair, "/vote 是否加装电梯 双过半 7天")
    await close_by_hand(h, GROUP, chair, 1)
    faults = Faults(h, monkeypatch)
    faults.fail("sendMessage", CHAIR["id"], SERVER_ERROR)
    await h.say(private(owner_b), owner_b, "/object 1 我的书面票没有计入")
    told = "⚖️ Owner B 对表决 #1「是否加装电梯」提出异议 #1：\n我的书面票没有计入"
    assert not any(t.startswith(told) for t in texts_to(h, CHAIR))
    await later(h, 2)
    assert len([t for t in texts_to(h, CHAIR) if t.startswith(told)]) == 1

    faults.fail("sendMessage", owner_b["id"], SERVER_ERROR)
    await h.say(private(chair), chair, "/answer 1 1 已核实。")
    assert texts_to(h, CHAIR)[-1] == "您对异议 #1 的答复已随表决 #1 保存，并将私聊通知该业主。"
    answer = "⚖️ 业委会对您就表决 #1「是否加装电梯」提出的异议 #1 的答复：\n已核实。"
    assert answer not in texts_to(h, owner_b)
    await later(h, 4)
    assert texts_to(h, owner_b).count(answer) == 1


async def test_an_answer_to_an_owner_without_a_private_chat_is_reported_to_the_answerer(
    harness: HandlerHarness,
) -> None:
    from tests.handlers.test_votes_trust_handlers import CHAIR, PEOPLE
    from tests.handlers.test_votes_trust_handlers import prepare as notice_prepare

    h = harness
    await notice_prepare(h)
    owner_b = PEOPLE["B"]
    h.request.private_open.add(CHAIR["id"])
    await h.say(GROUP, CHAIR, "/vote Install an elevator? double-majority 7d")
    await close_by_hand(h, GROUP, CHAIR, 1)
    await h.say(private(owner_b), owner_b, "/object 1 My paper ballot is missing")
    h.request.private_open.discard(owner_b["id"])
    await h.say(private(CHAIR), CHAIR, "/answer 1 1 Checked: it was entered on 24 Nov.")
    assert texts_to(h, CHAIR)[-2:] == [
        "Your answer to objection #1 is kept with vote #1; the owner is told privately.",
        "Your answer to objection #1 is kept with vote #1; the owner has no private chat with "
        "me, so please tell them.",
    ]


# --- 4. /remind's private reminders ---------------------------------------------------------


async def test_reminders_written_with_their_record_survive_a_death_and_go_out_once(
    harness: HandlerHarness,
) -> None:
    from tests.handlers.test_votes_trust_handlers import PEOPLE, open_vote, prepare

    h = harness
    await prepare(h)
    h.request.private_open.discard(PEOPLE["D"]["id"])
    h.request.private_open.add(REP["id"])
    await open_vote(h, "Install an elevator? double-majority 7d")
    await stop_outbox(h.services, drain=0)  # the process "dies" after the record's commit
    await h.say(GROUP, REP, "/remind 1")  # the rep of building 2: only D, who has no chat
    assert not any(t.startswith("Reminded") for t in h.request.texts(GROUP["id"]))

    counts = await start_outbox(h.app, h.services)  # the next process
    assert counts.pending == 3  # D's reminder, the counts, the rep's list
    await h.settle()
    assert [t for t in h.request.texts(GROUP["id"]) if t.startswith("Reminded")] == [
        "Reminded 0 residents privately; 1 have not started a chat with me and were skipped."
    ]
    assert texts_to(h, REP) == [
        "Vote #1: these units have not voted and could not be reached privately (no chat with "
        "me, or nobody verified). Please knock on their doors: 2-101, 2-102, 2-201, 2-202"
    ]
    assert (await start_outbox(h.app, h.services)).pending == 0
    await h.settle()
    assert len([t for t in h.request.texts(GROUP["id"]) if t.startswith("Reminded")]) == 1
    await h.say(GROUP, REP, "/remind 1")  # recorded with them: not again within 6 hours
    assert h.request.texts(GROUP["id"])[-1] == (
        "Reminders for vote #1 were sent less than 6 hours ago; please wait a little."
    )


@pytest.mark.parametrize(
    ("language", "reminder", "done"),
    [
        ("en", "⏰ Reminder: vote #1", "Reminded 4 residents privately; 0 have not started"),
        ("zh", "⏰ 提醒", "已私聊提醒 4 位居民；0 位从未与我私聊，已跳过。"),
    ],
)
async def test_a_reminder_that_fails_is_retried_and_the_report_waits_for_it(
    harness: HandlerHarness,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    reminder: str,
    done: str,
) -> None:
    from tests.handlers.test_votes_trust_handlers import CHAIR, PEOPLE, open_vote, prepare

    h = harness
    await prepare(h, language)
    words = (
        "Install an elevator? double-majority 7d" if language == "en" else "是否加装电梯 双过半 7天"
    )
    await open_vote(h, words)
    faults = Faults(h, monkeypatch)
    faults.fail("sendMessage", PEOPLE["B"]["id"], SERVER_ERROR)
    await h.say(GROUP, CHAIR, "/remind 1")
    assert [t for t in texts_to(h, PEOPLE["A"]) if t.startswith(reminder)] != []
    assert [t for t in texts_to(h, PEOPLE["B"]) if t.startswith(reminder)] == []
    assert not any(t.startswith(done) for t in h.request.texts(GROUP["id"]))  # waits behind B's
    await later(h, 2)
    for name in "ABCD":
        assert len([t for t in texts_to(h, PEOPLE[name]) if t.startswith(reminder)]) == 1, name
    assert len([t for t in h.request.texts(GROUP["id"]) if t.startswith(done)]) == 1
