"""A rep's panel (issue 11, item 4 and the residents part of item 8): join requests reach
their reviewers privately (the building's reps, else the admins, or the staff chat) and never
the whole group; Reject asks for a preset reason (or a typed one, kept across a restart);
/pending lists the waiting requests with their buttons; /members answers privately."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest

from bot.communities.cases import set_community_language
from bot.residents.model import MembershipStatus
from handlers import callbacks
from storage.database import Database
from tests.conftest import NOW
from tests.handlers.harness import HandlerHarness, group, private, user
from tests.handlers.scenes import (
    buttons,
    edit_of,
    group_never_names,
    make,
    review_cards_to,
)
from tests.handlers.test_residents_handlers import ALICE, CREATOR, GROUP, MALLORY, REP, set_up

ANN = user(8, "Rep Ann")  # a second rep of building 2
FRED = user(9, "Rep Fred")  # the rep of building 1
DAVE = user(11, "Dave")  # a stored admin
BERT = user(43, "Bert")
STAFF = group(-3003, "Staff")

WAITING = {
    "en": (
        "A join request waits for review. Reps and administrators: open /pending in a private "
        "chat with me."
    ),
    "zh": "有一条认证申请等待审核。请楼栋长和管理员私聊我，发送 /pending 查看。",
}
FILED = {
    "en": (
        "Your request has gone to the building's reviewers privately. You will hear from me in "
        "a private chat."
    ),
    "zh": "您的申请已私下发给本楼审核人，结果会私聊通知您。",
}


async def community_in(h: HandlerHarness, language: str) -> int:
    await set_up(h)
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        await set_community_language(uow, community, language, is_admin=True)  # type: ignore[arg-type]
        return community.id


def cards_to(h: HandlerHarness, chat_id: int) -> list[dict[str, Any]]:
    """The join review cards (Approve/Reject `v1:jr:…`) sent to one chat."""
    return review_cards_to(h, chat_id, callbacks.JOIN_REVIEW)


async def status_of(h: HandlerHarness, user_id: int) -> MembershipStatus:
    """The status of the user's one join request, decided or not."""
    async with h.database.unit_of_work() as uow:
        (request,) = await uow.residents.review_requests(1, user_id, since=NOW - timedelta(1))
    return request.status


@pytest.mark.parametrize(
    ("language", "card_text", "approved"),
    [
        (
            "en",
            "Join request: Alice asks to join 2-101 (building 2) as tenant.",
            "✅ Approved by Rep Bob",
        ),
        ("zh", "认证申请：Alice 申请认证为 2-101（2 号楼）的租户。", "✅ 已由 Rep Bob 通过"),
    ],
)
async def test_a_join_request_reaches_each_rep_of_the_building_privately_and_never_the_group(
    harness: HandlerHarness, language: str, card_text: str, approved: str
) -> None:
    h = harness
    await community_in(h, language)
    await make(h, "rep 2", ANN)
    await make(h, "rep 1", FRED)
    h.request.private_open.update({REP["id"], ANN["id"], FRED["id"], CREATOR["id"], ALICE["id"]})
    await h.say(GROUP, ALICE, "/join 2-101 tenant")
    assert h.request.texts(GROUP["id"])[-1] == FILED[language]
    (bob_card,) = cards_to(h, REP["id"])
    (ann_card,) = cards_to(h, ANN["id"])
    assert bob_card["text"].startswith(card_text) and ann_card["text"].startswith(card_text)
    assert cards_to(h, FRED["id"]) == [] and cards_to(h, CREATOR["id"]) == []  # not theirs
    assert cards_to(h, GROUP["id"]) == []

    h.redeliver_each = True  # the Approve press delivered twice changes nothing more
    await h.press(private(REP), REP, None, buttons(bob_card)[0][1])
    # both copies redrawn as decided, each without buttons
    for chat, card in ((REP["id"], bob_card), (ANN["id"], ann_card)):
        edited = edit_of(h, chat, card)
        assert approved in edited["text"] and "reply_markup" not in edited
    assert await status_of(h, ALICE["id"]) is MembershipStatus.VERIFIED
    group_never_names(h, "Alice", "2-101")


async def test_without_a_rep_the_stored_admins_review_else_the_groups_administrators(
    harness: HandlerHarness,
) -> None:
    h = harness
    await community_in(h, "en")
    h.request.private_open.update({CREATOR["id"], DAVE["id"]})
    await h.say(GROUP, ALICE, "/join 1-101")  # building 1 has no rep; no stored admin yet
    assert len(cards_to(h, CREATOR["id"])) == 1  # the group's creator, as Telegram says
    await make(h, "admin", DAVE)
    await h.say(GROUP, BERT, "/join 1-102")
    assert len(cards_to(h, DAVE["id"])) == 1
    assert len(cards_to(h, CREATOR["id"])) == 1  # the stored admin reviews, not the creator
    group_never_names(h, "Alice", "Bert", "1-101", "1-102")


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_when_no_reviewer_can_be_reached_the_group_hears_only_that_one_waits(
    harness: HandlerHarness, language: str
) -> None:
    h = harness
    await community_in(h, language)
    await make(h, "rep 2", ANN)  # neither Bob nor Ann ever started a chat with the bot
    await h.say(GROUP, ALICE, "/join 2-101 owner")
    assert h.request.texts(GROUP["id"]).count(WAITING[language]) == 1
    group_never_names(h, "Alice", "2-101")
    async with h.database.unit_of_work() as uow:
        reachable = await uow.notices.reachable([REP["id"], ANN["id"]])
        (membership,) = await uow.residents.live_of_user(ALICE["id"])
        assert await uow.residents.cards(membership.id) == []
    assert reachable == frozenset()
    # Bob starts the bot and opens /pending: the request is there with its buttons
    h.request.private_open.add(REP["id"])
    await h.say(private(REP), REP, "/pending")
    listing = h.request.sent("sendMessage", REP["id"])[-1]
    assert "2-101" in listing["text"]
    h.redeliver_each = True
    await h.press(private(REP), REP, None, buttons(listing)[0][1])
    assert await status_of(h, ALICE["id"]) is MembershipStatus.VERIFIED
    group_never_names(h, "Alice", "2-101")


async def test_with_a_staff_chat_the_card_goes_there_and_is_decided_there(
    harness: HandlerHarness,
) -> None:
    h = harness
    community_id = await community_in(h, "en")
    async with h.database.unit_of_work() as uow:
        await uow.communities.set_staff_chat(community_id, STAFF["id"])
        await uow.commit()
    h.request.private_open.add(REP["id"])
    await h.say(GROUP, ALICE, "/join 2-101 tenant")
    (card,) = cards_to(h, STAFF["id"])
    assert cards_to(h, REP["id"]) == []
    await h.press(STAFF, MALLORY, None, buttons(card)[0][1])
    assert "Only administrators and the reps of building 2" in h.request.answers()[-1]["text"]
    await h.press(STAFF, REP, None, buttons(card)[0][1])
    assert h.request.answers()[-1]["text"] == "Approved: 2-101"
    assert "✅ Approved by Rep Bob" in h.request.sent("editMessageText", STAFF["id"])[-1]["text"]
    group_never_names(h, "Alice", "2-101")


async def test_a_forged_approve_by_the_rep_of_another_building_is_refused(
    harness: HandlerHarness,
) -> None:
    h = harness
    await community_in(h, "en")
    await make(h, "rep 1", FRED)
    h.request.private_open.update({REP["id"], FRED["id"]})
    await h.say(GROUP, ALICE, "/join 2-101 tenant")
    (card,) = cards_to(h, REP["id"])
    approve = buttons(card)[0][1]
    # on the message id of Bob's card, in Fred's own chat, with the keyboard copied
    await h.press(private(FRED), FRED, card["message_id"], approve, card["reply_markup"])
    assert h.request.answers()[-1]["text"] == (
        "Only administrators and the reps of building 2 can decide this."
    )
    # on a message that does not carry the button at all: stale
    await h.press(private(FRED), FRED, 5, approve)
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    assert await status_of(h, ALICE["id"]) is MembershipStatus.PENDING
    assert h.request.sent("editMessageText") == []


@pytest.mark.parametrize(
    ("language", "labels", "told", "card_line"),
    [
        (
            "en",
            ["Not a resident", "Wrong unit", "Other reason (type it)"],
            "❌ Your request to join 2-101 in Sunny Garden was not approved. Please talk to your "
            "building rep.\nReason: the unit does not seem right; please check the number and "
            "ask again",
            "❌ Rejected by Rep Bob",
        ),
        (
            "zh",
            ["不是本户居民", "房号不对", "其他原因（自己写）"],
            "❌ 您认证Sunny Garden 2-101 的申请没有通过，请联系您的楼栋长。\n"
            "原因：房号好像不对，请核对房号后重新申请",
            "❌ 已由 Rep Bob 拒绝",
        ),
    ],
)
async def test_reject_asks_privately_for_a_preset_reason_told_to_the_applicant(
    harness: HandlerHarness, language: str, labels: list[str], told: str, card_line: str
) -> None:
    h = harness
    await community_in(h, language)
    h.request.private_open.update({REP["id"], ALICE["id"]})
    await h.say(GROUP, ALICE, "/join 2-101 owner")
    (card,) = cards_to(h, REP["id"])
    rep = {**REP, "language_code": language}  # the question is in the presser's language
    h.redeliver_each = True  # every press below is also delivered twice
    await h.press(private(rep), rep, None, buttons(card)[1][1])  # ❌ Reject
    assert await status_of(h, ALICE["id"]) is MembershipStatus.PENDING  # nothing decided yet
    question = h.request.sent("sendMessage", REP["id"])[-1]
    assert [text for text, _ in buttons(question)] == labels
    await h.press(private(rep), rep, None, buttons(question)[1][1])  # wrong unit
    assert await status_of(h, ALICE["id"]) is MembershipStatus.REJECTED
    assert h.request.texts(ALICE["id"])[-1] == told
    edited = h.request.sent("editMessageText", REP["id"])[-1]
    assert edited["message_id"] == card["message_id"] and card_line in edited["text"]
    group_never_names(h, "Alice", "2-101")


async def test_a_typed_reason_is_asked_for_and_taken_after_a_restart(db: Database) -> None:
    h = await HandlerHarness.start(db)
    try:
        await community_in(h, "en")
        h.request.private_open.update({REP["id"], ALICE["id"]})
        await h.say(GROUP, ALICE, "/join 2-101 owner")
        (card,) = cards_to(h, REP["id"])
        await h.press(private(REP), REP, None, buttons(card)[1][1])
        question = h.request.sent("sendMessage", REP["id"])[-1]
        await h.press(private(REP), REP, None, buttons(question)[2][1])  # other reason
        assert h.request.texts(REP["id"])[-1] == (
            "Type the reason for rejecting 2-101 in one message."
        )
    finally:
        await h.stop()
    h = await HandlerHarness.start(db)  # the process was restarted: the prompt is in SQLite
    h._update_ids = itertools.count(10_000)  # Telegram's update ids go on from where they were
    try:
        h.request.private_open.update({REP["id"], ALICE["id"]})
        h.redeliver_each = True
        await h.say(private(REP), REP, "Nobody of that name lives at 2-101, says the caretaker")
        assert h.request.texts(REP["id"])[-1] == "Rejected: 2-101"
        assert h.request.texts(ALICE["id"])[-1].endswith(
            "\nReason: Nobody of that name lives at 2-101, says the caretaker"
        )
        assert await status_of(h, ALICE["id"]) is MembershipStatus.REJECTED
        edited = h.request.sent("editMessageText", REP["id"])[-1]
        assert edited["message_id"] == card["message_id"]
        assert "Reason: Nobody of that name" in edited["text"]
        async with h.database.unit_of_work() as uow:
            assert await uow.residents.reason_prompt(REP["id"]) is None
        # the next private text is no reason any more: the usual answer, nothing rejected
        await h.say(private(REP), REP, "thanks")
        assert h.request.texts(REP["id"])[-1] != "Rejected: 2-101"
    finally:
        await h.stop()


async def test_a_typed_reason_for_a_request_decided_meanwhile_changes_nothing(
    harness: HandlerHarness,
) -> None:
    h = harness
    await community_in(h, "en")
    await make(h, "rep 2", ANN)
    h.request.private_open.update({REP["id"], ANN["id"], ALICE["id"]})
    await h.say(GROUP, ALICE, "/join 2-101 owner")
    (bob_card,) = cards_to(h, REP["id"])
    (ann_card,) = cards_to(h, ANN["id"])
    await h.press(private(REP), REP, None, buttons(bob_card)[1][1])
    question = h.request.sent("sendMessage", REP["id"])[-1]
    await h.press(private(REP), REP, None, buttons(question)[2][1])
    await h.press(private(ANN), ANN, None, buttons(ann_card)[0][1])  # Ann approves first
    await h.say(private(REP), REP, "not known here")
    assert h.request.texts(REP["id"])[-1] == "Already approved by Rep Ann."
    assert await status_of(h, ALICE["id"]) is MembershipStatus.VERIFIED
    async with h.database.unit_of_work() as uow:
        assert await uow.residents.reason_prompt(REP["id"]) is None


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_pending_lists_a_reps_buildings_and_everything_for_an_admin(
    harness: HandlerHarness, language: str
) -> None:
    h = harness
    await community_in(h, language)
    h.request.private_open.update({REP["id"], CREATOR["id"]})
    await h.say(GROUP, ALICE, "/join 2-101 tenant")
    await h.say(GROUP, BERT, "/join 1-101 owner")
    rep = {**REP, "language_code": language}
    await h.say(private(rep), rep, "/pending")
    listing = h.request.sent("sendMessage", REP["id"])[-1]
    if language == "en":
        assert listing["text"].startswith("Sunny Garden: 1 join request waiting:\n• 2-101: Alice")
        assert [t for t, _ in buttons(listing)] == ["✅ 2-101", "❌ 2-101"]
    else:
        assert listing["text"].startswith("Sunny Garden：有 1 条认证申请等待审核：\n• 2-101：Alice")
        assert [t for t, _ in buttons(listing)] == ["✅ 通过 2-101", "❌ 拒绝 2-101"]
    admin = {**CREATOR, "language_code": language}
    await h.say(private(admin), admin, "/pending")
    full = h.request.sent("sendMessage", CREATOR["id"])[-1]
    assert "2-101" in full["text"] and "1-101" in full["text"]
    assert len(buttons(full)) == 4
    # Bob's list does not carry 1-101's buttons: forged there, it is refused
    approve_1101 = next(d for t, d in buttons(full) if "1-101" in t and t.startswith("✅"))
    await h.press(private(REP), REP, None, approve_1101, listing["reply_markup"])
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    await h.press(private(admin), admin, None, approve_1101)
    assert await status_of(h, BERT["id"]) is MembershipStatus.VERIFIED
    assert await status_of(h, ALICE["id"]) is MembershipStatus.PENDING
    # in the group, the list goes privately and the group only hears so
    await h.say(GROUP, REP, "/pending")
    assert (
        h.request.texts(GROUP["id"])[-1]
        == {
            "en": "I have sent it to you in a private chat.",
            "zh": "已私聊发给您。",
        }[language]
    )
    group_never_names(h, "Alice", "Bert", "2-101", "1-101")
    await h.say(private(ALICE), ALICE, "/pending")
    assert "Only administrators and building reps" in h.request.texts(ALICE["id"])[-1] or (
        "只有管理员和楼栋长" in h.request.texts(ALICE["id"])[-1]
    )


async def test_members_answers_privately_or_offers_the_private_chat(
    harness: HandlerHarness,
) -> None:
    h = harness
    await community_in(h, "en")
    await h.say(GROUP, REP, "/members")  # Bob never started the bot: the deep link
    offer = h.request.sent("sendMessage", GROUP["id"])[-1]
    assert offer["text"].startswith("I cannot write to you privately yet.")
    assert offer["reply_markup"]["inline_keyboard"][0][0]["url"].startswith("https://t.me/")
    h.request.private_open.add(REP["id"])
    await h.say(GROUP, REP, "/members")
    assert h.request.texts(GROUP["id"])[-1] == "I have sent it to you in a private chat."
    assert h.request.texts(REP["id"])[-1].startswith("Verified households of Sunny Garden:")
    await h.say(private(REP), REP, "/members")
    assert h.request.texts(REP["id"])[-1].startswith("Verified households of Sunny Garden:")
    assert not any("Verified households" in t for t in h.request.texts(GROUP["id"]))


async def test_reject_in_the_staff_chat_by_a_reviewer_without_a_private_chat_says_how(
    harness: HandlerHarness,
) -> None:
    h = harness
    community_id = await community_in(h, "en")
    async with h.database.unit_of_work() as uow:
        await uow.communities.set_staff_chat(community_id, STAFF["id"])
        await uow.commit()
    await h.say(GROUP, ALICE, "/join 2-101 tenant")
    (card,) = cards_to(h, STAFF["id"])
    await h.press(STAFF, REP, None, buttons(card)[1][1])  # Bob never started the bot
    assert h.request.answers()[-1]["text"] == (
        "I ask for the reason in a private chat: open one with me (press Start), then press "
        "Reject again."
    )
    assert await status_of(h, ALICE["id"]) is MembershipStatus.PENDING
