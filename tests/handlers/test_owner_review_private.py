"""Owner checks reviewed privately (issue 11, item 8): a request to be verified as owner by
review reaches each reviewer of the building privately (the reps, else the admins, or the
staff chat) and never the whole group; every copy is redrawn after the decision; a reviewer
the bot cannot write to is skipped, and the group then hears only that a request waits;
/pending lists the waiting owner checks with their buttons. Also: a join by letterbox code
brings the home keyboard, and no group message of the ownership flow names the applicant or
the unit."""

from __future__ import annotations

from typing import Any

import pytest

from bot.communities.cases import set_community_language
from bot.residents.model import OwnershipStatus
from handlers import callbacks
from tests.handlers import test_owners_handlers as owners
from tests.handlers.harness import HandlerHarness, group, private, user
from tests.handlers.scenes import buttons, edit_of, group_never_names, make, review_cards_to
from tests.handlers.test_owners_handlers import ALICE, CREATOR, GROUP, MALLORY, REP

ANN = user(12, "Rep Ann")  # a second rep of building 2
FRED = user(13, "Rep Fred")  # the rep of building 1
STAFF = group(-3003, "Staff")

CARD = {
    "en": (
        "Owner check: Alice asks to be verified as owner of 2-101 (building 2).\n"
        "An administrator or a rep of building 2, other than the applicant, can approve it."
    ),
    "zh": (
        "业主认证：Alice 申请认证为 2-101（2 号楼）的业主。\n"
        "申请人以外的管理员或 2 号楼楼栋长可以审核。"
    ),
}
APPROVED = {
    "en": "✅ Verified owner, approved by Rep Bob",
    "zh": "✅ 已认证为业主，由 Rep Bob 通过",
}
TOLD = {
    "en": "✅ You are now a verified owner of 2-101 in Sunny Garden.",
    "zh": "✅ 您现在是Sunny Garden 2-101 的认证业主。",
}
WAITING = {
    "en": (
        "A request to be verified as owner waits for review. Reps and administrators: open "
        "/pending in a private chat with me."
    ),
    "zh": "有一条业主认证申请等待审核。请楼栋长和管理员私聊我，发送 /pending 查看。",
}


async def community_in(h: HandlerHarness, language: str) -> int:
    community_id = await owners.set_up(h)
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.get(community_id)
        assert community is not None
        await set_community_language(uow, community, language, is_admin=True)  # type: ignore[arg-type]
    return community_id


async def ask_as_owner(
    h: HandlerHarness, community_id: int, unit: str, who: dict[str, Any] = ALICE
) -> None:
    """`who` joins `unit` with its letterbox code privately, then presses "ask for a review
    as owner" (the only way to ask for an owner check by review)."""
    code = await owners.code_of(h, community_id, unit)
    h.request.private_open.add(who["id"])
    await h.say(private(who), who, f"/join {unit} {code}")
    review = h.request.sent("sendMessage", who["id"])[-1]
    await h.press(private(who), who, None, buttons(review)[0][1])


def owner_cards_to(h: HandlerHarness, chat_id: int) -> list[dict[str, Any]]:
    """The owner review cards (Approve/Reject `v1:or:…`) sent to one chat."""
    return review_cards_to(h, chat_id, callbacks.OWNER_REVIEW)


async def status_of(h: HandlerHarness, user_id: int) -> OwnershipStatus:
    async with h.database.unit_of_work() as uow:
        (claim,) = await uow.ownerships.live_of_user(user_id)
    return claim.status


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_an_owner_check_reaches_each_rep_privately_and_never_the_group(
    harness: HandlerHarness, language: str
) -> None:
    h = harness
    community_id = await community_in(h, language)
    await make(h, "rep 2", ANN)
    await make(h, "rep 1", FRED)
    h.request.private_open.update({REP["id"], ANN["id"], FRED["id"], CREATOR["id"]})
    await ask_as_owner(h, community_id, "2-101")
    (bob_card,) = owner_cards_to(h, REP["id"])
    (ann_card,) = owner_cards_to(h, ANN["id"])
    assert bob_card["text"] == CARD[language] and ann_card["text"] == CARD[language]
    assert owner_cards_to(h, FRED["id"]) == [] and owner_cards_to(h, CREATOR["id"]) == []
    assert owner_cards_to(h, GROUP["id"]) == []
    assert owner_cards_to(h, ALICE["id"]) == []  # the applicant never reviews their own

    h.redeliver_each = True  # the Approve press delivered twice changes nothing more
    await h.press(private(REP), REP, None, buttons(bob_card)[0][1])
    for chat, card in ((REP["id"], bob_card), (ANN["id"], ann_card)):
        edited = edit_of(h, chat, card)
        assert edited["text"].startswith(CARD[language].split("\n")[0] + "\n" + APPROVED[language])
        assert "reply_markup" not in edited
    assert h.request.texts(ALICE["id"]).count(TOLD[language]) == 1
    assert await status_of(h, ALICE["id"]) is OwnershipStatus.VERIFIED
    assert await owners.owned(h, community_id, ALICE["id"]) == frozenset({"2-101"})
    # Ann's copy pressed after the decision: already decided, by whom
    await h.press(
        private(ANN), ANN, ann_card["message_id"], buttons(ann_card)[0][1], ann_card["reply_markup"]
    )
    assert "Rep Bob" in h.request.answers()[-1]["text"]
    group_never_names(h, "Alice", "2-101")


async def test_a_forged_owner_approve_by_the_rep_of_another_building_is_refused(
    harness: HandlerHarness,
) -> None:
    h = harness
    community_id = await community_in(h, "en")
    await make(h, "rep 1", FRED)
    h.request.private_open.update({REP["id"], FRED["id"]})
    await ask_as_owner(h, community_id, "2-101")
    (card,) = owner_cards_to(h, REP["id"])
    approve = buttons(card)[0][1]
    # on the message id of Bob's card, in Fred's own chat, with the keyboard copied
    await h.press(private(FRED), FRED, card["message_id"], approve, card["reply_markup"])
    assert h.request.answers()[-1]["text"] == (
        "Only administrators and the reps of building 2 can decide this."
    )
    # on a message that does not carry the button: stale; in the group: stale
    await h.press(private(FRED), FRED, 5, approve)
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    await h.press(GROUP, FRED, 5, approve, card["reply_markup"])
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    await h.press(GROUP, REP, card["message_id"], approve, card["reply_markup"])
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    assert await status_of(h, ALICE["id"]) is OwnershipStatus.PENDING
    assert [p for p in h.request.sent("editMessageText") if p["chat_id"] != ALICE["id"]] == []


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_when_no_reviewer_can_be_reached_the_group_hears_only_that_one_waits(
    harness: HandlerHarness, language: str
) -> None:
    h = harness
    community_id = await community_in(h, language)
    await ask_as_owner(h, community_id, "2-101")  # Bob never started a chat with the bot
    assert h.request.texts(GROUP["id"]).count(WAITING[language]) == 1
    group_never_names(h, "Alice", "2-101")
    async with h.database.unit_of_work() as uow:
        (claim,) = await uow.ownerships.live_of_user(ALICE["id"])
        assert await uow.ownerships.cards(claim.id) == []
        assert await uow.notices.reachable([REP["id"]]) == frozenset()
    # Bob starts the bot and opens /pending: the owner check is there with its buttons
    h.request.private_open.add(REP["id"])
    rep = {**REP, "language_code": language}
    await h.say(private(rep), rep, "/pending")
    listing = h.request.sent("sendMessage", REP["id"])[-1]
    header, line = listing["text"].split("\n")
    if language == "en":
        assert header == "Sunny Garden: 1 owner check waiting:"
        assert line.startswith("• 2-101: Alice asks to be verified as owner, ")
        assert [t for t, _ in buttons(listing)] == ["✅ 2-101", "❌ 2-101"]
    else:
        assert header == "Sunny Garden：有 1 条业主认证申请等待审核："
        assert line.startswith("• 2-101：Alice 申请认证为业主，")
        assert [t for t, _ in buttons(listing)] == ["✅ 通过 2-101", "❌ 拒绝 2-101"]
    h.redeliver_each = True
    await h.press(private(rep), rep, None, buttons(listing)[0][1])
    assert await status_of(h, ALICE["id"]) is OwnershipStatus.VERIFIED
    assert h.request.texts(ALICE["id"]).count(TOLD[language]) == 1
    group_never_names(h, "Alice", "2-101")


async def test_with_a_staff_chat_the_owner_card_goes_there_and_is_decided_there(
    harness: HandlerHarness,
) -> None:
    h = harness
    community_id = await community_in(h, "en")
    async with h.database.unit_of_work() as uow:
        await uow.communities.set_staff_chat(community_id, STAFF["id"])
        await uow.commit()
    h.request.private_open.add(REP["id"])
    await ask_as_owner(h, community_id, "2-101")
    (card,) = owner_cards_to(h, STAFF["id"])
    assert owner_cards_to(h, REP["id"]) == []
    await h.press(STAFF, MALLORY, None, buttons(card)[0][1])
    assert h.request.answers()[-1]["text"] == (
        "Only administrators and the reps of building 2 can decide this."
    )
    await h.press(STAFF, REP, None, buttons(card)[1][1])  # ❌ Reject
    assert h.request.answers()[-1]["text"] == "Rejected: 2-101"
    assert "❌ Rejected by Rep Bob" in h.request.sent("editMessageText", STAFF["id"])[-1]["text"]
    assert h.request.texts(ALICE["id"])[-1].startswith(
        "Your request to be verified as owner of 2-101 in Sunny Garden was rejected."
    )
    group_never_names(h, "Alice", "2-101")


async def test_pending_lists_owner_checks_of_a_reps_buildings_after_the_joins(
    harness: HandlerHarness,
) -> None:
    h = harness
    community_id = await community_in(h, "en")
    bert = user(44, "Bert")
    h.request.private_open.update({REP["id"], CREATOR["id"]})
    await ask_as_owner(h, community_id, "2-101")
    await ask_as_owner(h, community_id, "1-101", bert)
    await h.say(GROUP, user(45, "Cleo"), "/join 2-102 tenant")
    await h.say(private(REP), REP, "/pending")
    listing = h.request.sent("sendMessage", REP["id"])[-1]
    lines = listing["text"].split("\n")
    assert lines[0] == "Sunny Garden: 1 join request waiting:"
    assert lines[1].startswith("• 2-102: Cleo (tenant), ")
    assert lines[2] == "Sunny Garden: 1 owner check waiting:"
    assert lines[3].startswith("• 2-101: Alice asks to be verified as owner, ")
    assert len(lines) == 4  # Bert's 1-101 is not in Bob's buildings
    assert [t for t, _ in buttons(listing)] == ["✅ 2-102", "❌ 2-102", "✅ 2-101", "❌ 2-101"]
    await h.say(private(CREATOR), CREATOR, "/pending")
    full = h.request.sent("sendMessage", CREATOR["id"])[-1]
    assert "1-101: Bert" in full["text"] and "2-101: Alice" in full["text"]
    approve_1101 = next(d for t, d in buttons(full) if t == "✅ 1-101")
    # Bob's list does not carry 1-101's buttons: forged there, it is refused
    await h.press(private(REP), REP, listing["message_id"], approve_1101, listing["reply_markup"])
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    await h.press(private(CREATOR), CREATOR, None, approve_1101)
    assert await status_of(h, bert["id"]) is OwnershipStatus.VERIFIED
    assert await status_of(h, ALICE["id"]) is OwnershipStatus.PENDING
    group_never_names(h, "Alice", "Bert", "2-101", "1-101")


async def test_an_applicant_who_blocked_the_bot_is_not_answered_in_the_group(
    harness: HandlerHarness,
) -> None:
    """Before, the answer went to the group as "Alice: ✅ You are now a verified owner of 2-101"."""
    h = harness
    community_id = await community_in(h, "en")
    h.request.private_open.add(REP["id"])
    await ask_as_owner(h, community_id, "2-101")
    (card,) = owner_cards_to(h, REP["id"])
    h.request.private_open.discard(ALICE["id"])  # Alice blocked the bot since
    await h.press(private(REP), REP, None, buttons(card)[0][1])
    assert await status_of(h, ALICE["id"]) is OwnershipStatus.VERIFIED
    group_never_names(h, "Alice", "2-101")


async def test_a_rep_asking_for_their_own_unit_never_gets_the_card_and_admins_are_told(
    harness: HandlerHarness,
) -> None:
    h = harness
    community_id = await community_in(h, "en")
    h.request.private_open.update({REP["id"], CREATOR["id"]})
    await ask_as_owner(h, community_id, "2-102", REP)
    assert owner_cards_to(h, REP["id"]) == []
    (card,) = owner_cards_to(h, CREATOR["id"])  # no other rep, no stored admin: the creator
    assert card["text"].startswith("Owner check: Rep Bob asks to be verified as owner of 2-102")
    assert h.request.texts(CREATOR["id"])[-1] == (
        "Rep Bob asks to be verified as owner of 2-102 (building 2) in Sunny Garden. As a "
        "reviewer they may not approve their own request: please review it with /pending."
    )
    await h.press(private(REP), REP, 5, buttons(card)[0][1], card["reply_markup"])
    assert h.request.answers()[-1]["text"] == (
        "You cannot decide your own request. Another administrator or the building's rep will."
    )
    assert await status_of(h, REP["id"]) is OwnershipStatus.PENDING
    group_never_names(h, "2-102")


@pytest.mark.parametrize(
    ("language", "home"),
    [
        (
            "en",
            [
                ["🏠 My home", "🗳 Open votes"],
                ["🛠 Report a repair", "📋 My reports"],
                ["📢 Notices", "❓ Help"],
            ],
        ),
        ("zh", [["🏠 我的房屋", "🗳 正在表决"], ["🛠 报修", "📋 我的报修"], ["📢 通知", "❓ 帮助"]]),
    ],
)
async def test_a_join_by_letterbox_code_brings_the_home_keyboard(
    harness: HandlerHarness, language: str, home: list[list[str]]
) -> None:
    h = harness
    community_id = await community_in(h, language)
    code = await owners.code_of(h, community_id, "1-101")
    erin = user(46, "Erin", language)
    h.request.private_open.add(erin["id"])
    await h.say(private(erin), erin, f"/join 1-101 {code} tenant")
    (verified,) = [p for p in h.request.sent("sendMessage", erin["id"]) if "1-101" in p["text"]]
    assert (
        verified["text"]
        == {
            "en": "✅ Verified: you are now a resident of 1-101 in Sunny Garden.",
            "zh": "✅ 认证成功：您现在是Sunny Garden 1-101 的居民。",
        }[language]
    )
    keyboard = verified["reply_markup"]["keyboard"]
    assert [[b["text"] for b in row] for row in keyboard] == home
    assert verified["reply_markup"]["is_persistent"] is True
    group_never_names(h, "Erin", "1-101")


@pytest.mark.parametrize(
    ("language", "too_many", "sent_privately", "still_waiting"),
    [
        (
            "en",
            "You already have 3 join requests waiting for review. Please wait until a building "
            "rep or an administrator has answered them, or withdraw one with /leave in a private "
            "chat with me.",
            "I have sent it to you in a private chat.",
            "Your join request is still waiting for a building rep or an administrator. Once it "
            "is approved you can vote, support topics and report repairs.",
        ),
        (
            "zh",
            "您已有 3 个认证申请在等待审核。请等楼栋长或管理员处理，或私聊我发送 /leave 撤回其中一个。",
            "已私聊发给您。",
            "您的认证申请还在等待楼栋长或管理员审核。通过后就可以投票、附议议题和报修。",
        ),
    ],
)
async def test_the_groups_answers_to_join_me_and_leave_name_no_unit_the_user_did_not_type(
    harness: HandlerHarness, language: str, too_many: str, sent_privately: str, still_waiting: str
) -> None:
    """Before, the group saw "(1-101, 1-102, 1-201)" on a fourth /join, "your request to join
    1-101 is still waiting" on /propose, the households of /me, and /leave's buttons. The unit one typed oneself may be answered ("no unit 9-999")."""
    h = harness
    await community_in(h, language)
    h.request.private_open.update({ALICE["id"], REP["id"]})
    for unit in ("1-101", "1-102", "1-201"):
        await h.say(GROUP, ALICE, f"/join {unit}")
    await h.say(GROUP, ALICE, "/join 1-202")
    assert h.request.texts(GROUP["id"])[-1] == too_many
    await h.say(GROUP, ALICE, "/propose Fix the gate")  # not verified yet
    assert h.request.texts(GROUP["id"])[-1] == still_waiting
    for command in ("/me", "/leave"):
        await h.say(GROUP, ALICE, command)
        assert h.request.texts(GROUP["id"])[-1] == sent_privately
    me, leave = h.request.sent("sendMessage", ALICE["id"])[-2:]
    assert "1-101" in me["text"] and "1-201" in me["text"]
    assert "1-101" in buttons(leave)[0][0]
    group_never_names(h, "1-101", "1-102", "1-201")


@pytest.mark.parametrize(
    ("language", "by_phone"),
    [
        ("en", "✅ Verified owner by the phone number in the register, 22 Nov 2026 17:30."),
        ("zh", "✅ 已通过登记表中的手机号认证为业主，"),
    ],
)
async def test_a_shared_phone_settles_every_private_copy_and_the_group_hears_nothing(
    harness: HandlerHarness, language: str, by_phone: str
) -> None:
    h = harness
    community_id = await community_in(h, language)
    await make(h, "rep 2", ANN)
    h.request.private_open.update({REP["id"], ANN["id"]})
    await ask_as_owner(h, community_id, "2-202")
    cards = [
        (REP["id"], owner_cards_to(h, REP["id"])[0]),
        (ANN["id"], owner_cards_to(h, ANN["id"])[0]),
    ]
    h.redeliver_each = True
    await h.feed(owners.contact(h, ALICE, ALICE["id"], "+86 137 0013 7000"))
    assert await status_of(h, ALICE["id"]) is OwnershipStatus.VERIFIED
    for chat_id, card in cards:
        (edited, *_) = [
            p
            for p in h.request.sent("editMessageText", chat_id)
            if p["message_id"] == card["message_id"]
        ]
        assert by_phone in edited["text"] and "reply_markup" not in edited
    group_never_names(h, "Alice", "2-202")
