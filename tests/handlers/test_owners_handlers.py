"""Owner verification through the handlers (issue 8), with real PTB updates: a letterbox code
joins as resident, the Share my phone number button verifies the owner in one tap, a review
request as owner, no reviewer decides their own request, and the register's owner keys are
confirmed before saving. Expected texts are the domain's, worked out by hand."""

from __future__ import annotations

from typing import Any

from bot.residents.cases import owned_units
from tests.handlers.harness import HandlerHarness, group, private, user
from tests.handlers.test_residents_handlers import keyboard_of

GROUP = group(-1001)
CREATOR = user(1, "Carol")
REP = user(7, "Rep Bob")
ADMIN_DAVE = user(8, "Dave")
DEV_AGENT = user(9, "Dev Li")
ALICE = user(42, "Alice")
ALICE_ZH = user(43, "王芳", "zh")
MALLORY = user(66, "Mallory")

# The worked example of ../shared/domain.md with the owners' phones: C (1-201, 1-202) one phone
REGISTER = (
    b"unit,building,area_m2,owner,owner_phone\n"
    b"1-101,1,90,A,\n"
    b"1-102,1,90,B,\n"
    b"1-201,1,120,C,138 0013 8000\n"
    b"1-202,1,60,C,13800138000\n"
    b"2-101,2,100,D,\n"
    b"2-102,2,100,E,\n"
    b"2-201,2,80,F,\n"
    b"2-202,2,80,G,13700137000\n"
    b"3-101,3,70,developer,\n"
    b"3-102,3,70,developer,\n"
)


async def upload(h: HandlerHarness, data: bytes, file_id: str) -> None:
    h.request.files[file_id] = data
    document = {"file_id": file_id, "file_unique_id": file_id, "file_name": "units.csv"}
    await h.feed({"message": h.message(GROUP, CREATOR, None, document=document, caption="/units")})


async def set_up(h: HandlerHarness) -> int:
    h.request.admins.add((GROUP["id"], CREATOR["id"]))
    await h.say(GROUP, CREATOR, "/setup Sunny Garden")
    await upload(h, REGISTER, "register")
    assert h.request.texts(GROUP["id"])[-1].startswith(
        "Unit register saved: 10 units in 3 buildings, 8 owners by headcount"
    )
    await h.say(GROUP, CREATOR, "/role rep 2", reply_to_message=h.message(GROUP, REP, "hi"))
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
    return community.id


async def code_of(h: HandlerHarness, community_id: int, unit: str) -> str:
    h.request.private_open.add(CREATOR["id"])
    await h.say(GROUP, CREATOR, "/codes")
    async with h.database.unit_of_work() as uow:
        return (await uow.codes.active(community_id))[unit]


def contact(h: HandlerHarness, who: dict[str, Any], owner_id: int | None, phone: str) -> dict:
    card: dict[str, Any] = {"phone_number": phone, "first_name": who["first_name"]}
    if owner_id is not None:
        card["user_id"] = owner_id
    return {"message": h.message(private(who), who, None, contact=card)}


async def owned(h: HandlerHarness, community_id: int, user_id: int) -> frozenset[str]:
    async with h.database.unit_of_work() as uow:
        return await owned_units(uow, community_id, user_id)


async def test_join_with_code_then_share_phone_makes_a_verified_owner(
    harness: HandlerHarness,
) -> None:
    h = harness
    community_id = await set_up(h)
    code = await code_of(h, community_id, "1-201")
    h.request.private_open.add(ALICE["id"])
    await h.say(private(ALICE), ALICE, f"/join 1-201 {code}")
    verified, offer, review = h.request.sent("sendMessage", ALICE["id"])[-3:]
    assert verified["text"] == "✅ Verified: you are now a resident of 1-201 in Sunny Garden."
    assert offer["text"].startswith("Are you the owner of 1-201?")
    assert offer["reply_markup"]["keyboard"] == [
        [{"text": "📱 Share my phone number", "request_contact": True}]
    ]
    assert keyboard_of(review)[0][0] == "🏠 Ask for a review as owner of 1-201"
    assert await owned(h, community_id, ALICE["id"]) == frozenset()  # a code: residence only

    await h.feed(contact(h, ALICE, ALICE["id"], "8613800138000"))
    done = h.request.sent("sendMessage", ALICE["id"])[-1]
    assert done["text"] == (
        "✅ Your phone number matches the register: you are now a verified owner of "
        "1-201 (Sunny Garden), 1-202 (Sunny Garden)."
    )
    # the phone keyboard gives way to the home keyboard, not to none at all
    assert done["reply_markup"]["keyboard"][0] == [{"text": "🏠 My home"}, {"text": "🗳 Open votes"}]
    assert await owned(h, community_id, ALICE["id"]) == frozenset({"1-201", "1-202"})
    await h.say(private(ALICE), ALICE, "/me")
    me = h.request.texts(ALICE["id"])[-1]
    assert "  1-201 — owner, verified" in me
    assert "  1-202 — verified owner (by phone)" in me


async def test_the_key_flow_in_chinese(harness: HandlerHarness) -> None:
    h = harness
    community_id = await set_up(h)
    code = await code_of(h, community_id, "1-201")
    h.request.private_open.add(ALICE_ZH["id"])
    await h.say(private(ALICE_ZH), ALICE_ZH, f"/join 1-201 {code}")
    verified, offer, review = h.request.sent("sendMessage", ALICE_ZH["id"])[-3:]
    assert verified["text"] == "✅ 认证成功：您现在是Sunny Garden 1-201 的居民。"
    assert offer["text"].startswith("您是 1-201 的业主吗？")
    assert offer["reply_markup"]["keyboard"][0][0]["text"] == "📱 分享我的手机号"
    assert keyboard_of(review)[0][0] == "🏠 申请审核 1-201 的业主身份"

    await h.feed(contact(h, ALICE_ZH, ALICE_ZH["id"], "+86 138 0013 8000"))
    assert h.request.texts(ALICE_ZH["id"])[-1] == (
        "✅ 您的手机号与登记表一致：您现在是 1-201 (Sunny Garden), 1-202 (Sunny Garden) 的认证业主。"
    )
    assert await owned(h, community_id, ALICE_ZH["id"]) == frozenset({"1-201", "1-202"})
    await h.say(private(ALICE_ZH), ALICE_ZH, "/me")
    me = h.request.texts(ALICE_ZH["id"])[-1]
    assert "  1-201 — 业主，已认证" in me
    assert "  1-202 — 认证业主（手机号认证）" in me


async def test_someone_elses_contact_or_an_unknown_phone_changes_nothing(
    harness: HandlerHarness,
) -> None:
    h = harness
    community_id = await set_up(h)
    code = await code_of(h, community_id, "1-201")
    h.request.private_open.update({ALICE["id"], ALICE_ZH["id"]})
    await h.say(private(ALICE), ALICE, f"/join 1-201 {code}")
    await h.feed(contact(h, ALICE, MALLORY["id"], "8613800138000"))  # C's contact card
    assert h.request.texts(ALICE["id"])[-1] == (
        "This is someone else's contact. Nothing was changed. Press “📱 Share my phone number” "
        "to share your own."
    )
    await h.feed(contact(h, ALICE, None, "8613800138000"))  # typed in, no Telegram account
    assert h.request.texts(ALICE["id"])[-1].startswith("This is someone else's contact.")
    await h.feed(contact(h, ALICE, ALICE["id"], "8613600136000"))
    assert h.request.texts(ALICE["id"])[-1].startswith(
        "This phone number is not an owner's phone in the unit register. Nothing was changed."
    )
    await h.feed(contact(h, ALICE_ZH, ALICE_ZH["id"], "8613600136000"))
    assert h.request.texts(ALICE_ZH["id"])[-1].startswith(
        "登记表中没有这个业主手机号，未做任何更改。"
    )
    assert await owned(h, community_id, ALICE["id"]) == frozenset()
    async with h.database.unit_of_work() as uow:
        assert await uow.ownerships.live_of_user(ALICE["id"]) == []


async def test_review_request_as_owner_decided_by_another_reviewer(
    harness: HandlerHarness,
) -> None:
    h = harness
    community_id = await set_up(h)
    code = await code_of(h, community_id, "2-101")
    h.request.private_open.update({ALICE["id"], REP["id"]})
    await h.say(private(ALICE), ALICE, f"/join 2-101 {code}")
    review = h.request.sent("sendMessage", ALICE["id"])[-1]
    await h.press(private(ALICE), ALICE, None, keyboard_of(review)[0][1])
    assert h.request.sent("editMessageText")[-1]["text"] == (
        "Your request to be verified as owner of 2-101 in Sunny Garden went to the reviewers. "
        "I will tell you here."
    )
    # the card goes to the rep of building 2 privately, never to the group (issue 11)
    card = h.request.sent("sendMessage", REP["id"])[-1]
    assert card["text"] == (
        "Owner check: Alice asks to be verified as owner of 2-101 (building 2).\n"
        "An administrator or a rep of building 2, other than the applicant, can approve it."
    )
    assert not any("Alice" in text or "2-101" in text for text in h.request.texts(GROUP["id"]))
    approve = keyboard_of(card)[0][1]
    # forged: Mallory and Alice press it on their own chats' messages carrying the keyboard
    await h.press(private(MALLORY), MALLORY, 5, approve, card["reply_markup"])
    assert h.request.answers()[-1]["text"] == (
        "Only administrators and the reps of building 2 can decide this."
    )
    await h.press(private(ALICE), ALICE, 5, approve, card["reply_markup"])
    assert h.request.answers()[-1]["text"] == (
        "Only administrators and the reps of building 2 can decide this."
    )
    assert await owned(h, community_id, ALICE["id"]) == frozenset()
    await h.press(private(REP), REP, card["message_id"], approve, card["reply_markup"])
    assert h.request.answers()[-1]["text"] == "Verified owner: 2-101"
    assert h.request.sent("editMessageText", REP["id"])[-1]["text"].startswith(
        "Owner check: Alice asks to be verified as owner of 2-101 (building 2).\n"
        "✅ Verified owner, approved by Rep Bob"
    )
    assert h.request.texts(ALICE["id"])[-1] == (
        "✅ You are now a verified owner of 2-101 in Sunny Garden."
    )
    assert await owned(h, community_id, ALICE["id"]) == frozenset({"2-101"})


async def test_a_reviewer_cannot_approve_their_own_request_and_admins_are_told(
    harness: HandlerHarness,
) -> None:
    h = harness
    community_id = await set_up(h)
    await h.say(GROUP, CREATOR, "/role admin", reply_to_message=h.message(GROUP, ADMIN_DAVE, "x"))
    h.request.private_open.update({ADMIN_DAVE["id"], REP["id"]})
    await h.say(GROUP, REP, "/join 2-101 owner")
    # the card goes to the other reviewers privately (issue 11): here the stored admin, Dave
    (card,) = [p for p in h.request.sent("sendMessage", ADMIN_DAVE["id"]) if "reply_markup" in p]
    assert "Rep Bob asks to join 2-101 (building 2) as owner" in card["text"]
    assert h.request.texts(ADMIN_DAVE["id"])[-1] == (
        "Rep Bob asks to join 2-101 (building 2) in Sunny Garden as owner. As a reviewer they "
        "may not approve their own request: please review it with /pending."
    )
    assert not any("reply_markup" in p for p in h.request.sent("sendMessage", REP["id"]))
    approve = keyboard_of(card)[0][1]
    edits = len(h.request.sent("editMessageText"))
    await h.press(private(REP), REP, 1, approve, card["reply_markup"])  # forged in his chat
    answer = h.request.answers()[-1]
    assert answer["show_alert"] is True
    assert answer["text"] == (
        "You cannot decide your own request. Another administrator or the building's rep will."
    )
    assert len(h.request.sent("editMessageText")) == edits
    async with h.database.unit_of_work() as uow:
        (pending,) = await uow.residents.live_of_user(REP["id"])
    assert pending.status.value == "pending"
    assert await owned(h, community_id, REP["id"]) == frozenset()
    await h.press(private(ADMIN_DAVE), ADMIN_DAVE, None, approve)
    assert h.request.answers()[-1]["text"] == "Approved: 2-101"
    assert await owned(h, community_id, REP["id"]) == frozenset({"2-101"})


async def test_colliding_owner_keys_wait_for_confirm(harness: HandlerHarness) -> None:
    h = harness
    h.request.admins.add((GROUP["id"], CREATOR["id"]))
    await h.say(GROUP, CREATOR, "/setup Sunny Garden")
    variant = REGISTER.replace(b"1-202,1,60,C,", "1-202,1,60,Ｃ ,".encode()).replace(
        b"1-102,1,90,B,", b"1-102,1,90,a,"
    )
    await upload(h, variant, "variant")
    asked = h.request.sent("sendMessage", GROUP["id"])[-1]
    assert asked["text"] == (
        "Please check the owners first; nothing is saved yet:\n"
        "• C / Ｃ: written differently, counted as one owner “C”\n"
        "• A / a: differ only in upper/lower case, counted as different owners\n"
        "\n"
        "The file has 10 units in 3 buildings, 8 owners by headcount (the developer's "
        "2 unsold units count as one), total area 860 m².\n"
        "Save the register like this?"
    )
    assert [text for text, _ in keyboard_of(asked)] == ["✅ Confirm", "✖ Cancel"]
    confirm, cancel = (data for _, data in keyboard_of(asked))
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        assert await uow.units.in_register(community.id) == []  # nothing saved yet

    await h.press(GROUP, MALLORY, None, confirm)
    assert h.request.answers()[-1]["text"] == "Only an administrator can import the unit register."
    await h.press(GROUP, CREATOR, None, cancel)
    assert h.request.sent("editMessageText")[-1]["text"] == (
        "Cancelled: the unit register was not changed."
    )
    await h.press(GROUP, CREATOR, None, confirm)
    assert h.request.answers()[-1]["text"] == (
        "This file is no longer waiting. Please send it again with /units."
    )
    async with h.database.unit_of_work() as uow:
        assert await uow.units.in_register(community.id) == []

    await upload(h, variant, "again")
    confirm = keyboard_of(h.request.sent("sendMessage", GROUP["id"])[-1])[0][1]
    await h.press(GROUP, CREATOR, None, confirm)
    assert h.request.sent("editMessageText")[-1]["text"].startswith(
        "Unit register saved: 10 units in 3 buildings, 8 owners by headcount"
    )
    async with h.database.unit_of_work() as uow:
        assert [u.code for u in await uow.units.of_owner(community.id, "C")] == [
            "1-201",
            "1-202",
        ]


async def test_an_admin_names_the_developers_agent(harness: HandlerHarness) -> None:
    h = harness
    await set_up(h)
    await h.say(
        GROUP, CREATOR, "/role developer-agent", reply_to_message=h.message(GROUP, DEV_AGENT, "x")
    )
    assert h.request.texts(GROUP["id"])[-1] == (
        "Dev Li is now developer's agent (votes the unsold units)."
    )
    await h.say(GROUP, CREATOR, "/role 9 开发商代表 3")
    assert h.request.texts(GROUP["id"])[-1] == (
        "Only reps have buildings. Leave them out for this role."
    )
    await h.say(
        GROUP, MALLORY, "/role developer-agent", reply_to_message=h.message(GROUP, MALLORY, "me")
    )
    assert h.request.texts(GROUP["id"])[-1] == "Only an administrator can give roles."
    h.request.private_open.add(DEV_AGENT["id"])
    await h.say(private(DEV_AGENT), DEV_AGENT, "/me")
    assert (
        "Role: developer's agent (votes the unsold units)" in h.request.texts(DEV_AGENT["id"])[-1]
    )
    await h.say(GROUP, CREATOR, "/role")
    assert "developer-agent" in h.request.texts(GROUP["id"])[-1]


async def test_sharing_the_phone_settles_a_waiting_review_card(harness: HandlerHarness) -> None:
    h = harness
    community_id = await set_up(h)
    code = await code_of(h, community_id, "2-202")
    h.request.private_open.update({ALICE["id"], REP["id"]})
    await h.say(private(ALICE), ALICE, f"/join 2-202 {code}")
    review = h.request.sent("sendMessage", ALICE["id"])[-1]
    await h.press(private(ALICE), ALICE, None, keyboard_of(review)[0][1])
    card = h.request.sent("sendMessage", REP["id"])[-1]
    assert card["text"].startswith("Owner check: Alice asks to be verified as owner of 2-202")
    await h.feed(contact(h, ALICE, ALICE["id"], "+86 137 0013 7000"))
    assert h.request.texts(ALICE["id"])[-1] == (
        "✅ Your phone number matches the register: you are now a verified owner of "
        "2-202 (Sunny Garden)."
    )
    edited = h.request.sent("editMessageText")[-1]
    async with h.database.unit_of_work() as uow:
        (claim,) = await uow.ownerships.live_of_user(ALICE["id"])
        stored_cards = await uow.ownerships.cards(claim.id)
    assert stored_cards == [(int(edited["chat_id"]), int(edited["message_id"]))]
    assert stored_cards == [(REP["id"], card["message_id"])]
    assert edited["text"] == (  # 09:30 UTC is 17:30 in Asia/Shanghai
        "Owner check: Alice asks to be verified as owner of 2-202 (building 2).\n"
        "✅ Verified owner by the phone number in the register, 22 Nov 2026 17:30."
    )
    assert "reply_markup" not in edited
    approve = keyboard_of(card)[0][1]
    await h.press(private(REP), REP, card["message_id"], approve, card["reply_markup"])
    assert h.request.answers()[-1]["text"] == "Already approved by -."
    assert await owned(h, community_id, ALICE["id"]) == frozenset({"2-202"})
