"""What must be told after a commit is never lost (issue 9, finding 2). Each flow commits its
change together with what it must tell; when Telegram fails or the process dies before the
send, the outbox delivers it later, once: a closed vote ends published and pinned, a join
request gets its review card, a deadline's escalation reaches the staff, a reporter hears of a
step. Sends are made to fail the way Telegram fails (500, 429 with retry_after, 403)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from telegram.request import RequestData

from bot.communities.cases import set_community_language
from bot.outbox import EntryStatus, OutboxEntry, Tell
from bot.reports.cases import fire_timer
from bot.votes.model import Vote, VoteStatus
from handlers.deliveries import start_outbox, stop_outbox
from tests.conftest import NOW
from tests.handlers import test_owners_handlers as owners
from tests.handlers.closing import close_by_hand
from tests.handlers.harness import HandlerHarness, private
from tests.handlers.test_reports_handlers import (
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
from tests.handlers.test_residents_handlers import ALICE, GROUP, REP, set_up
from tests.handlers.test_votes_handlers import COMMITTEE, PEOPLE, residents

SERVER_ERROR = (500, "Internal Server Error", None)
KICKED = (403, "Forbidden: bot was kicked from the supergroup chat", None)


def flood(seconds: int) -> tuple[int, str, dict[str, Any]]:
    return 429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}


class Faults:
    """Bot API calls answered with an error instead: queued per (method, chat), each answered
    once; `failed` records the calls that were refused."""

    def __init__(self, h: HandlerHarness, monkeypatch: pytest.MonkeyPatch) -> None:
        self._queued: dict[tuple[str, int], list[tuple[int, str, dict[str, Any] | None]]] = {}
        self.failed: list[tuple[str, int]] = []
        stock = h.request.do_request

        async def do_request(
            url: str, method: str, request_data: RequestData | None = None, **kwargs: Any
        ) -> tuple[int, bytes]:
            api = url.rsplit("/", 1)[1]
            params = dict(request_data.parameters) if request_data else {}
            chat = int(str(params.get("chat_id", 0) or 0))
            queue = self._queued.get((api, chat))
            if queue:
                status, description, extra = queue.pop(0)
                self.failed.append((api, chat))
                body: dict[str, Any] = {
                    "ok": False,
                    "error_code": status,
                    "description": description,
                }
                if extra:
                    body["parameters"] = extra
                return status, json.dumps(body).encode()
            return await stock(url, method, request_data, **kwargs)

        monkeypatch.setattr(h.request, "do_request", do_request)

    def fail(
        self, method: str, chat: int, fault: tuple[int, str, dict[str, Any] | None], times: int = 1
    ) -> None:
        self._queued.setdefault((method, chat), []).extend([fault] * times)


@pytest.fixture
def faults(harness: HandlerHarness, monkeypatch: pytest.MonkeyPatch) -> Faults:
    return Faults(harness, monkeypatch)


async def later(h: HandlerHarness, seconds: float) -> None:
    """The clock moves on and the sender delivers what fell due."""
    before = h.services.now()
    h.services.now = lambda: before + timedelta(seconds=seconds)
    await h.settle()


async def entries(h: HandlerHarness, kind: Tell, subject: int) -> list[OutboxEntry]:
    async with h.database.unit_of_work() as uow:
        return await uow.outbox.of_subject(kind, subject)


async def vote_one(h: HandlerHarness) -> Vote:
    async with h.database.unit_of_work() as uow:
        vote = await uow.votes.get(1)
    assert vote is not None
    return vote


def result_pins(h: HandlerHarness) -> list[dict[str, Any]]:
    """The pins but those of the group's "start here" message and of the open vote's card
    (issue 11), which every flow here makes."""
    others = {
        int(m["message_id"])
        for m in h.request.sent("sendMessage", GROUP["id"])
        if str(m["text"]).startswith(("🏠 Start here", "🗳 Vote #"))
    }
    return [p for p in h.request.sent("pinChatMessage") if int(p["message_id"]) not in others]


def results(h: HandlerHarness, start: str = "📢 Result of vote #1") -> list[dict[str, Any]]:
    return [p for p in h.request.sent("sendMessage", GROUP["id"]) if p["text"].startswith(start)]


async def open_and_vote(h: HandlerHarness) -> dict[str, Any]:
    await residents(h)
    await h.say(GROUP, COMMITTEE, "/vote Repaint the gate green? simple 30m")
    card = h.request.sent("sendMessage", GROUP["id"])[-1]
    assert card["text"].startswith("🗳 Vote #1: Repaint the gate green?")
    for_button = next(
        b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row
    )
    await h.press(GROUP, PEOPLE["A"], card["message_id"], for_button)
    return card


async def test_a_result_whose_send_fails_is_retried_and_published_and_pinned_once(
    harness: HandlerHarness, faults: Faults
) -> None:
    h = harness
    card = await open_and_vote(h)
    await close_by_hand(
        h, GROUP, COMMITTEE, 1, lambda: faults.fail("sendMessage", GROUP["id"], SERVER_ERROR)
    )
    assert ("sendMessage", GROUP["id"]) in faults.failed
    assert results(h) == []
    vote = await vote_one(h)
    assert vote.status is VoteStatus.CLOSED and vote.result_message_id is None
    # the card was redrawn without buttons; the ledger waits behind the result (one lane)
    closed_card = h.request.sent("editMessageText", GROUP["id"])[-1]
    assert closed_card["message_id"] == card["message_id"]
    assert "reply_markup" not in closed_card
    assert h.request.sent("sendDocument", GROUP["id"]) == []

    await close_by_hand(h, GROUP, COMMITTEE, 1)  # a second /close changes nothing
    assert h.request.texts(GROUP["id"])[-1] == "Vote #1 is already closed."

    await later(h, 2)  # the first backoff
    (posted,) = results(h)
    pins = result_pins(h)
    assert [int(p["message_id"]) for p in pins] == [posted["message_id"]]
    assert (await vote_one(h)).result_message_id == posted["message_id"]
    assert len(h.request.sent("sendDocument", GROUP["id"])) == 1  # the ledger, beside it

    await later(h, 3600)  # nothing is told twice
    assert len(results(h)) == 1
    assert len(result_pins(h)) == 1
    assert len(h.request.sent("sendDocument", GROUP["id"])) == 1
    (done,) = await entries(h, Tell.VOTE_RESULT, 1)
    assert (done.status, done.attempts) == (EntryStatus.DONE, 1)


async def test_a_death_between_the_commit_and_the_send_is_delivered_once_at_start_up(
    harness: HandlerHarness,
) -> None:
    h = harness
    await open_and_vote(h)
    await stop_outbox(h.services, drain=0)  # the process "dies": nothing is sent any more
    await close_by_hand(h, GROUP, COMMITTEE, 1)
    assert (await vote_one(h)).status is VoteStatus.CLOSED
    assert results(h) == []
    assert result_pins(h) == []

    counts = await start_outbox(h.app, h.services)  # the next process, at start-up
    assert counts.pending == 3  # the card redrawn, the result posted and pinned, the ledger
    await h.settle()
    (posted,) = results(h)
    assert [int(p["message_id"]) for p in result_pins(h)] == [posted["message_id"]]
    assert len(h.request.sent("sendDocument", GROUP["id"])) == 1

    again = await start_outbox(h.app, h.services)  # and once more: nothing is left to resend
    assert again.pending == 0
    await h.settle()
    assert len(results(h)) == 1


async def test_a_result_stored_but_not_marked_done_is_not_posted_again(
    harness: HandlerHarness,
) -> None:
    """The at-least-once edge: Telegram took the result, the process died before the entry was
    marked done. Drawn from state, the repeat sees the stored message and only pins it."""
    h = harness
    await open_and_vote(h)
    await close_by_hand(h, GROUP, COMMITTEE, 1)
    (posted,) = results(h)
    async with h.database.unit_of_work() as uow:  # as if "done" had never been written
        await uow.outbox.finish(
            (await uow.outbox.of_subject(Tell.VOTE_RESULT, 1))[0].id,
            EntryStatus.PENDING,
            now=NOW,
        )
        await uow.commit()
    await start_outbox(h.app, h.services)
    await h.settle()
    assert len(results(h)) == 1
    assert [int(p["message_id"]) for p in result_pins(h)] == [
        posted["message_id"]
    ] * 2  # pinning the same message again changes nothing in Telegram


async def test_a_429_on_the_result_waits_retry_after(
    harness: HandlerHarness, faults: Faults
) -> None:
    h = harness
    await open_and_vote(h)
    await close_by_hand(
        h, GROUP, COMMITTEE, 1, lambda: faults.fail("sendMessage", GROUP["id"], flood(7))
    )
    (waiting,) = await entries(h, Tell.VOTE_RESULT, 1)
    assert (waiting.due_at, waiting.attempts) == (NOW + timedelta(seconds=7), 0)
    await later(h, 6)
    assert results(h) == []
    await later(h, 7)
    assert len(results(h)) == 1


async def test_a_group_that_kicked_the_bot_is_given_up_on_and_its_lane_goes_on(
    harness: HandlerHarness, faults: Faults, caplog: pytest.LogCaptureFixture
) -> None:
    """(That another chat is never held up meanwhile: tests/handlers/test_outbox_sender.py.)"""
    h = harness
    await open_and_vote(h)
    # one more than the card's five: the confirmation's own edit meets the first
    await close_by_hand(
        h,
        GROUP,
        COMMITTEE,
        1,
        lambda: faults.fail("editMessageText", GROUP["id"], KICKED, times=6),
    )
    for step in range(1, 6):
        await later(h, 60 * step)
    opening, closing = await entries(h, Tell.VOTE_CARD, 1)
    assert (opening.status, closing.status) == (EntryStatus.DONE, EntryStatus.FAILED)
    assert "gave up on vote.card 1 to group:1 after 5 tries" in caplog.text
    # the result behind it in the lane still went out once the card was given up on
    assert len(results(h)) == 1


@pytest.mark.parametrize(
    ("language", "card_start", "approve"),
    [
        ("en", "Join request: Alice asks to join 2-101 (building 2) as owner.", "✅ Approve"),
        ("zh", "认证申请：Alice 申请认证为 2-101（2 号楼）的业主。", "✅ 通过"),
    ],
)
async def test_a_join_card_that_failed_is_posted_later_and_the_request_can_be_reviewed(
    harness: HandlerHarness, faults: Faults, language: str, card_start: str, approve: str
) -> None:
    h = harness
    await set_up(h)
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        await set_community_language(uow, community, language, is_admin=True)  # type: ignore[arg-type]
    h.request.private_open.add(REP["id"])  # the card goes to the building's rep privately
    faults.fail("sendMessage", REP["id"], (502, "Bad Gateway", None))
    await h.say(GROUP, ALICE, "/join 2-101 owner")
    assert not any(t.startswith(card_start) for t in h.request.texts(REP["id"]))
    assert not any("Sorry" in t or "抱歉" in t for t in h.request.texts(GROUP["id"]))

    await later(h, 2)
    (card,) = [
        p for p in h.request.sent("sendMessage", REP["id"]) if p["text"].startswith(card_start)
    ]
    buttons = {b["text"]: b["callback_data"] for b in card["reply_markup"]["inline_keyboard"][0]}
    h.request.private_open.add(ALICE["id"])
    await h.press(private(REP), REP, card["message_id"], buttons[approve])
    async with h.database.unit_of_work() as uow:
        (membership,) = await uow.residents.live_of_user(ALICE["id"])
    assert membership.status.value == "verified"


async def test_an_escalation_is_written_with_its_firing_and_reaches_the_staff_later(
    harness: HandlerHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    BotApiExtras(h, monkeypatch)
    faults = Faults(h, monkeypatch)
    await report_residents(h)
    await set_staff_chat(h)
    await quick_report(h, ALICE, "The stairwell light on floor 2 is out")
    async with h.database.unit_of_work() as uow:
        (timer,) = await uow.reports.pending_timers()
    faults.fail("sendMessage", STAFF_GROUP["id"], SERVER_ERROR)
    faults.fail("sendMessage", STAFF_GROUP["id"], SERVER_ERROR)
    late = NOW + timedelta(hours=25)
    h.services.now = lambda: late
    async with h.database.unit_of_work() as uow:  # what the deadline job does
        assert await fire_timer(uow, timer, late) is not None
    async with h.database.unit_of_work() as uow:
        assert await uow.reports.pending_timers() == []  # fired once, for good
    h.services.wake_outbox()
    await h.settle()
    escalations = [t for t in texts_to(h, STAFF_GROUP) if t.startswith("⏰ Ticket #1")]
    assert escalations == []
    await later(h, 2)
    await later(h, 6)
    escalations = [t for t in texts_to(h, STAFF_GROUP) if t.startswith("⏰ Ticket #1")]
    assert len(escalations) == 1
    (entry,) = await entries(h, Tell.TICKET_ESCALATION, (await only_ticket(h)).id)
    assert entry.status is EntryStatus.DONE


async def test_the_reporter_hears_of_a_step_even_when_the_first_send_fails(
    harness: HandlerHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    BotApiExtras(h, monkeypatch)
    faults = Faults(h, monkeypatch)
    await report_residents(h)
    await quick_report(h, ALICE, "Water drips from the ceiling of the lobby")
    faults.fail("sendMessage", ALICE["id"], (504, "Gateway Timeout", None))
    await h.press(private(REP), REP, FORM, button(card_in(h, REP["id"], 1), "Acknowledge"))
    assert not any(t.startswith("🛠 Your ticket #1") for t in texts_to(h, ALICE))
    await later(h, 2)
    assert texts_to(h, ALICE)[-1] == "🛠 Your ticket #1 (📝 Other): acknowledged."


@pytest.mark.parametrize(
    ("language", "card_start", "approve"),
    [
        ("en", "Owner check: Alice asks to be verified as owner of 2-101", "✅ Approve"),
        ("zh", "业主认证：Alice 申请认证为 2-101", "✅ 通过"),
    ],
)
async def test_an_ownership_card_that_failed_is_posted_later_once_and_can_be_decided(
    harness: HandlerHarness, faults: Faults, language: str, card_start: str, approve: str
) -> None:
    """Before, the card was sent after the commit: a 502 left a request no reviewer could see
    and the applicant unable to ask again ("already pending")."""
    h = harness
    community_id = await owners.set_up(h)
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.get(community_id)
        assert community is not None
        await set_community_language(uow, community, language, is_admin=True)  # type: ignore[arg-type]
    code = await owners.code_of(h, community_id, "2-101")
    h.request.private_open.update({ALICE["id"], REP["id"]})  # the rep reviews privately
    await h.say(private(ALICE), ALICE, f"/join 2-101 {code}")
    review = h.request.sent("sendMessage", ALICE["id"])[-1]
    faults.fail("sendMessage", REP["id"], (502, "Bad Gateway", None))
    await h.press(private(ALICE), ALICE, None, owners.keyboard_of(review)[0][1])
    assert not any(t.startswith(card_start) for t in h.request.texts(REP["id"]))

    await later(h, 2)
    await later(h, 2)  # a second pass: the card is not posted twice
    (card,) = [
        p for p in h.request.sent("sendMessage", REP["id"]) if p["text"].startswith(card_start)
    ]
    buttons = {b["text"]: b["callback_data"] for b in card["reply_markup"]["inline_keyboard"][0]}
    await h.press(private(REP), REP, card["message_id"], buttons[approve])
    assert await owners.owned(h, community_id, ALICE["id"]) == frozenset({"2-101"})


async def test_a_decision_whose_card_redraw_fails_is_redrawn_later(
    harness: HandlerHarness, faults: Faults
) -> None:
    """Before, the card was edited after the commit: a 502 left "Approve / Reject" buttons on
    a request already approved."""
    h = harness
    await set_up(h)
    h.request.private_open.add(REP["id"])
    await h.say(GROUP, ALICE, "/join 2-101 owner")
    (card,) = [
        p
        for p in h.request.sent("sendMessage", REP["id"])
        if p["text"].startswith("Join request: Alice")
    ]
    buttons = {b["text"]: b["callback_data"] for b in card["reply_markup"]["inline_keyboard"][0]}
    faults.fail("editMessageText", REP["id"], (502, "Bad Gateway", None))
    await h.press(private(REP), REP, card["message_id"], buttons["✅ Approve"])
    await later(h, 2)
    redrawn = [
        p
        for p in h.request.sent("editMessageText", REP["id"])
        if p["message_id"] == card["message_id"]
    ]
    assert redrawn and "✅ Approved by Rep Bob" in redrawn[-1]["text"]
    assert "reply_markup" not in redrawn[-1]
