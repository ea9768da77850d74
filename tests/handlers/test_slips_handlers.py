"""Letterbox slips and the privacy of codes and registers (issue 11, items 7 and 8), through the
handlers with real PTB updates: `/codes` also sends the printable slips, one per unit, whose QR
codes decode to the `c-<code>` deep link; the link verifies in one tap and asks owner or
tenant; a used-up or replaced code says so and offers the review; a code typed in the group is
deleted and replaced; `/units` works privately with a community picker, and the group's file
is deleted once imported. Expected texts are the domain's, worked out by hand."""

from __future__ import annotations

import pytest

from bot.codes.model import MAX_FAILURES, MAX_USES
from bot.residents.model import Relation
from handlers.codes import commands as codes_commands
from handlers.codes.fonts import FontMissing
from tests.handlers.harness import HandlerHarness, group, private, user
from tests.handlers.scenes import (
    CREATOR,
    GROUP,
    active_codes,
    community_with_codes,
    community_with_register,
    document,
    issue_codes,
)
from tests.handlers.test_owners_handlers import REGISTER
from tests.handlers.test_residents_handlers import keyboard_of
from tests.slips_pdf import read_slips

ALICE = user(42, "Alice")
ALICE_ZH = user(43, "王芳", "zh")
BOB = user(44, "Bob")
MALLORY = user(66, "Mallory")
LINK = "https://t.me/community_test_bot?start=c-"
UNITS = ["1-101", "1-102", "1-201", "1-202", "2-101", "2-102", "2-201", "2-202", "3-101", "3-102"]


async def memberships(h: HandlerHarness, user_id: int) -> list[tuple[str, Relation, str]]:
    async with h.database.unit_of_work() as uow:
        live = await uow.residents.live_of_user(user_id)
    return [(m.unit_code, m.relation, m.status.value) for m in live]


async def failures(h: HandlerHarness, user_id: int) -> int:
    async with h.database.unit_of_work() as uow:
        return await uow.codes.failures_since(user_id, h.services.now().replace(year=2000))


def dashed(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


# -- the slips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_codes_sends_one_slip_per_unit_whose_qr_is_the_deep_link(
    harness: HandlerHarness, lang: str
) -> None:
    h = harness
    _, codes = await community_with_codes(h, lang)
    csv_sent, pdf_sent = h.request.sent("sendDocument", CREATOR["id"])
    assert csv_sent["caption"].startswith("10")
    caption = {
        "en": "10 letterbox slips for Sunny Garden, 8 to an A4 page: print them, cut along the dashed lines and put each into its unit's letterbox.",
        "zh": "Sunny Garden的 10 张住户认证单，每张 A4 纸 8 张：请打印出来，沿虚线剪开，投入对应的信箱。",
    }
    assert pdf_sent["caption"] == caption["en"]  # Carol's own language is English
    read = read_slips(h.request.uploaded("sendDocument", CREATOR["id"]))
    assert read.pages == 2  # 8 slips on the first page, 2 on the second
    unit_word, code_word, heading = {
        "en": ("Unit:", "Code:", "SunnyGarden·Homeverificationslip"),
        "zh": ("房号：", "验证码：", "SunnyGarden·住户认证单"),
    }[lang]
    assert read.text.count(heading) == 10
    for unit in UNITS:
        code = dashed(codes[unit])
        assert read.text.count(f"{unit_word}{unit}{code_word}{code}") == 1
        assert f"/join{unit}{code}" in read.text
    if lang == "zh":
        assert "①用手机相机扫右边的二维码，在Telegram里点“开始”，就认证好了。" in read.text
        assert "验证码只给本户使用，请勿外传，也不要发到群里。" in read.text
    else:
        assert "1.ScantheQRcodewithyourphone'scameraandpressStartinTelegram." in read.text
    assert read.fonts and all("NotoSansCJKSC" in font for font in read.fonts)
    assert sorted(read.links) == sorted(LINK + code for code in codes.values())


async def test_one_regenerated_code_gets_its_own_slip(harness: HandlerHarness) -> None:
    h = harness
    community_id, codes = await community_with_codes(h)
    old = codes["2-101"]
    await h.say(GROUP, CREATOR, "/codes 2-101")
    new = (await active_codes(h, community_id))["2-101"]
    assert new != old
    assert h.request.texts(CREATOR["id"])[-1] == (
        f"New code for 2-101 in Sunny Garden: {dashed(new)}. The old code no longer works."
    )
    read = read_slips(h.request.uploaded("sendDocument", CREATOR["id"]))
    assert read.pages == 1 and read.links == [LINK + new]


async def test_without_the_font_the_codes_still_go_out_and_the_admin_is_told(
    harness: HandlerHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    community_id = await community_with_register(h)

    def no_font(*args: object, **kwargs: object) -> bytes:
        raise FontMissing("the font is missing: run `pip install -e .`")

    monkeypatch.setattr(codes_commands, "slips_pdf", no_font)
    await issue_codes(h, community_id)
    assert len(h.request.sent("sendDocument", CREATOR["id"])) == 1  # the CSV
    assert h.request.texts(CREATOR["id"])[-1] == (
        "The printable slips (PDF) could not be made just now; the list of codes still works. "
        "The problem was logged for the technician."
    )


# -- the deep link -----------------------------------------------------------------------------


async def test_the_slips_link_verifies_in_one_tap_then_asks_owner_or_tenant(
    harness: HandlerHarness,
) -> None:
    h = harness
    h.redeliver_each = True  # every update of the flow delivered twice changes nothing more
    _, codes = await community_with_codes(h)
    h.request.private_open.update({ALICE["id"], BOB["id"]})

    await h.say(private(ALICE), ALICE, f"/start c-{codes['1-101']}")
    asked = h.request.sent("sendMessage", ALICE["id"])[-1]
    assert asked["text"] == (
        "✅ Verified: you are now a resident of 1-101 in Sunny Garden.\n\n"
        "Are you the owner of 1-101, or a tenant?"
    )
    buttons = keyboard_of(asked)
    assert [text for text, _ in buttons] == ["🏠 I am the owner", "🔑 I am a tenant"]
    assert await memberships(h, ALICE["id"]) == [("1-101", Relation.RESIDENT, "verified")]

    await h.press(private(ALICE), ALICE, None, buttons[1][1])  # tenant
    assert h.request.sent("editMessageText")[-1]["text"] == (
        "Done: you are verified as a tenant of 1-101 in Sunny Garden."
    )
    assert await memberships(h, ALICE["id"]) == [("1-101", Relation.TENANT, "verified")]

    await h.say(private(BOB), BOB, f"/start c-{codes['1-201']}")
    owner = keyboard_of(h.request.sent("sendMessage", BOB["id"])[-1])[0][1]
    await h.press(private(BOB), BOB, None, owner)
    assert h.request.sent("editMessageText")[-1]["text"] == (
        "You are the owner of 1-201: verify it in one of the ways below."
    )
    offer, review = h.request.sent("sendMessage", BOB["id"])[-2:]
    assert offer["text"].startswith("Are you the owner of 1-201?")
    assert keyboard_of(review)[0][0] == "🏠 Ask for a review as owner of 1-201"
    # saying "owner" records nothing until it is verified
    assert await memberships(h, BOB["id"]) == [("1-201", Relation.RESIDENT, "verified")]


async def test_the_key_flow_in_chinese(harness: HandlerHarness) -> None:
    h = harness
    _, codes = await community_with_codes(h, "zh")
    h.request.private_open.add(ALICE_ZH["id"])
    await h.say(private(ALICE_ZH), ALICE_ZH, f"/start c-{codes['2-202']}")
    asked = h.request.sent("sendMessage", ALICE_ZH["id"])[-1]
    assert asked["text"] == (
        "✅ 认证成功：您现在是Sunny Garden 2-202 的居民。\n\n您是 2-202 的业主，还是租户？"
    )
    buttons = keyboard_of(asked)
    assert [text for text, _ in buttons] == ["🏠 我是业主", "🔑 我是租户"]
    await h.press(private(ALICE_ZH), ALICE_ZH, None, buttons[1][1])
    assert h.request.sent("editMessageText")[-1]["text"] == (
        "好了：您已认证为Sunny Garden 2-202 的租户。"
    )


async def test_scanning_again_asks_again_and_uses_nothing(harness: HandlerHarness) -> None:
    h = harness
    _, codes = await community_with_codes(h)
    h.request.private_open.add(ALICE["id"])
    await h.say(private(ALICE), ALICE, f"/start c-{codes['1-101']}")
    await h.say(private(ALICE), ALICE, f"/start c-{codes['1-101']}")
    assert h.request.texts(ALICE["id"])[-1] == (
        "You are already a verified resident of 1-101.\n\nAre you the owner of 1-101, or a tenant?"
    )
    async with h.database.unit_of_work() as uow:
        record = await uow.codes.find(codes["1-101"])
    assert record is not None and record.uses == 1


async def test_a_used_up_slip_offers_the_review_instead(harness: HandlerHarness) -> None:
    h = harness
    _, codes = await community_with_codes(h)
    for n in range(MAX_USES):
        resident = user(100 + n, f"R{n}")
        h.request.private_open.add(resident["id"])
        await h.say(private(resident), resident, f"/start c-{codes['2-102']}")
    h.request.private_open.add(MALLORY["id"])
    await h.say(private(MALLORY), MALLORY, f"/start c-{codes['2-102']}")
    answer = h.request.sent("sendMessage", MALLORY["id"])[-1]
    assert answer["text"] == (
        "This code has been used 4 times already. Ask your building rep to approve you instead.\n"
        "Or pick your building below and ask for a review:"
    )
    assert [text for text, _ in keyboard_of(answer)] == ["Building 1", "Building 2", "Building 3"]
    assert await memberships(h, MALLORY["id"]) == []
    assert await failures(h, MALLORY["id"]) == 0  # a real code: no guess


async def test_a_replaced_slip_says_so_and_counts_as_a_wrong_guess(
    harness: HandlerHarness,
) -> None:
    h = harness
    _, codes = await community_with_codes(h)
    old = codes["1-102"]
    await h.say(GROUP, CREATOR, "/codes 1-102")
    h.request.private_open.add(ALICE["id"])
    await h.say(private(ALICE), ALICE, f"/start c-{old}")
    answer = h.request.sent("sendMessage", ALICE["id"])[-1]
    assert answer["text"] == (
        "This code has been replaced by a new one and no longer works. Please ask your "
        "administrator for a new slip.\nOr pick your building below and ask for a review:"
    )
    assert keyboard_of(answer)[0][1].startswith("v1:jp:")
    assert await memberships(h, ALICE["id"]) == []
    assert await failures(h, ALICE["id"]) == 1


async def test_wrong_codes_in_the_link_are_throttled(harness: HandlerHarness) -> None:
    h = harness
    _, codes = await community_with_codes(h)
    h.request.private_open.add(MALLORY["id"])
    for left in range(MAX_FAILURES - 1, -1, -1):
        await h.say(private(MALLORY), MALLORY, "/start c-ZZZZZZZZ")
        assert h.request.texts(MALLORY["id"])[-1] == (
            f"That code is not right for this unit. Attempts left: {left}."
        )
    await h.say(private(MALLORY), MALLORY, f"/start c-{codes['1-101']}")  # even a right one
    assert h.request.texts(MALLORY["id"])[-1] == (
        "Too many wrong codes. Please try again in 15 minutes."
    )
    assert await memberships(h, MALLORY["id"]) == []


async def test_someone_elses_or_a_forged_relation_button_is_refused(
    harness: HandlerHarness,
) -> None:
    h = harness
    _, codes = await community_with_codes(h)
    h.request.private_open.update({ALICE["id"], MALLORY["id"]})
    await h.say(private(ALICE), ALICE, f"/start c-{codes['1-101']}")
    tenant = keyboard_of(h.request.sent("sendMessage", ALICE["id"])[-1])[1][1]
    await h.press(private(MALLORY), MALLORY, 5, tenant)
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    await h.press(GROUP, ALICE, 5, tenant)
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    await h.press(private(ALICE), ALICE, 5, "v1:cq:1:z")
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    assert await memberships(h, ALICE["id"]) == [("1-101", Relation.RESIDENT, "verified")]


# -- a code typed in the group -----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_code_typed_in_the_group_is_deleted_and_replaced(
    harness: HandlerHarness, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness

    async def the_admins(context: object, community: object) -> list[int]:
        return [CREATOR["id"]]  # as getChatAdministrators would answer (not modelled here)

    monkeypatch.setattr(codes_commands, "admins_of", the_admins)
    community_id, codes = await community_with_codes(h, lang)
    who = ALICE if lang == "en" else ALICE_ZH
    h.request.private_open.add(who["id"])
    typed = h.message(GROUP, who, f"/join 2-201 {dashed(codes['2-201'])}")
    await h.feed({"message": typed})
    deleted = h.request.sent("deleteMessage", GROUP["id"])
    assert [int(d["message_id"]) for d in deleted][-1] == typed["message_id"]
    fresh = (await active_codes(h, community_id))["2-201"]
    assert fresh != codes["2-201"]
    told = h.request.sent("sendMessage", who["id"])[-1]
    assert (
        told["text"]
        == {
            "en": "You posted the code of 2-201 in the group, where everyone can read it. I deleted that message and replaced the code, so the old one no longer works. Ask your administrator for a new slip, and send codes only here, in our private chat. Or pick your building below and ask for a review:",
            "zh": "您把 2-201 的验证码发到了群里，群里每个人都能看到。我已经删除了那条消息，并给这户换了新的验证码，旧码不能再用了。请向管理员要一张新的认证单，以后验证码只在这里私聊发给我。也可以点下面的楼栋，申请人工审核：",
        }[lang]
    )
    assert keyboard_of(told)[0][1].startswith("v1:jp:")
    for text in h.request.texts(GROUP["id"]) + h.request.texts(who["id"]):
        assert codes["2-201"][:4] not in text and fresh[:4] not in text
    assert await memberships(h, who["id"]) == []
    # the admin is told privately (no language chosen: the community's), with the new slip
    assert (
        h.request.texts(CREATOR["id"])[-1]
        == {
            "en": "The code of 2-201 in Sunny Garden was posted in the group, so I deleted the message and replaced the code. Here is the unit's new slip: please put it in its letterbox.",
            "zh": "有人把Sunny Garden 2-201 的验证码发到了群里，我已删除那条消息并换了新码。这是这户新的认证单，请打印后投入信箱。",
        }[lang]
    )
    slip = read_slips(h.request.uploaded("sendDocument", CREATOR["id"]))
    assert slip.pages == 1 and slip.links == [LINK + fresh]
    assert f"/join2-201{dashed(fresh)}" in slip.text
    # the old code is dead; the sender is told so if they try it privately
    await h.say(private(who), who, f"/join 2-201 {codes['2-201']}")
    assert await memberships(h, who["id"]) == []


async def test_a_sender_the_bot_cannot_write_to_gets_the_link_in_the_group(
    harness: HandlerHarness,
) -> None:
    h = harness
    community_id, codes = await community_with_codes(h)
    h.request.delete_fails = True  # the bot may not delete: logged, the code replaced anyway
    await h.say(GROUP, BOB, f"/join 2-201 {codes['2-201']} tenant")
    assert (await active_codes(h, community_id))["2-201"] != codes["2-201"]
    fallback = h.request.sent("sendMessage", GROUP["id"])[-1]
    assert fallback["text"] == (
        "Bob: I deleted a message with a letterbox code, which everyone here could read. "
        "Codes go only to me in a private chat: open it with the button below."
    )
    url = fallback["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert url == f"https://t.me/community_test_bot?start=join-{community_id}"


async def test_a_mistyped_code_in_the_group_is_deleted_and_nothing_replaced(
    harness: HandlerHarness,
) -> None:
    h = harness
    community_id, codes = await community_with_codes(h)
    h.request.private_open.add(ALICE["id"])
    await h.say(GROUP, ALICE, "/join 1-101 ABCD-EFGX")
    assert h.request.sent("deleteMessage", GROUP["id"])
    assert await active_codes(h, community_id) == codes
    assert h.request.texts(ALICE["id"])[-1] == (
        "I deleted your message in the group: letterbox codes go only here, in our private "
        "chat, never in the group."
    )
    await h.say(GROUP, ALICE, "/join 1-101 owner extra words")  # a usage error, not a code
    assert h.request.texts(GROUP["id"])[-1].startswith("Usage: /join <unit>")


# -- /units: privately, and the group's file deleted -------------------------------------------


async def test_the_register_file_is_deleted_from_the_group_once_imported(
    harness: HandlerHarness,
) -> None:
    h = harness
    h.request.admins.add((GROUP["id"], CREATOR["id"]))
    await h.say(GROUP, CREATOR, "/setup Sunny Garden")
    h.request.files["register"] = REGISTER
    sent = h.message(GROUP, CREATOR, None, document=document("register"), caption="/units")
    await h.feed({"message": sent})
    assert h.request.texts(GROUP["id"])[-1].startswith("Unit register saved: 10 units")
    assert [int(d["message_id"]) for d in h.request.sent("deleteMessage", GROUP["id"])] == [
        sent["message_id"]
    ]
    # `/units` as a reply to the file: both messages go
    file_message = h.message(GROUP, CREATOR, None, document=document("register"))
    command = h.message(GROUP, CREATOR, "/units", reply_to_message=file_message)
    await h.feed({"message": command})
    assert [int(d["message_id"]) for d in h.request.sent("deleteMessage", GROUP["id"])][1:] == [
        file_message["message_id"],
        command["message_id"],
    ]


async def test_a_register_waiting_for_confirm_is_deleted_once_saved(
    harness: HandlerHarness,
) -> None:
    h = harness
    h.request.admins.add((GROUP["id"], CREATOR["id"]))
    await h.say(GROUP, CREATOR, "/setup Sunny Garden")
    variant = REGISTER.replace(b"1-202,1,60,C,", "1-202,1,60,Ｃ ,".encode())
    h.request.files["variant"] = variant
    sent = h.message(GROUP, CREATOR, None, document=document("variant"), caption="/units")
    await h.feed({"message": sent})
    assert h.request.sent("deleteMessage") == []  # not imported yet
    confirm = keyboard_of(h.request.sent("sendMessage", GROUP["id"])[-1])[0][1]
    await h.press(GROUP, CREATOR, None, confirm)
    assert h.request.sent("editMessageText")[-1]["text"].startswith("Unit register saved")
    assert [int(d["message_id"]) for d in h.request.sent("deleteMessage", GROUP["id"])] == [
        sent["message_id"]
    ]


async def test_units_in_private_for_the_one_community_administered(
    harness: HandlerHarness,
) -> None:
    h = harness
    h.request.admins.add((GROUP["id"], CREATOR["id"]))
    await h.say(GROUP, CREATOR, "/setup Sunny Garden")
    h.request.files["register"] = REGISTER
    h.request.private_open.add(CREATOR["id"])
    group_texts = len(h.request.texts(GROUP["id"]))
    await h.feed(
        {
            "message": h.message(
                private(CREATOR), CREATOR, None, document=document("register"), caption="/units"
            )
        }
    )
    assert h.request.texts(CREATOR["id"])[-1].startswith(
        "🏘 Sunny Garden\nUnit register saved: 10 units in 3 buildings"
    )
    assert h.request.sent("deleteMessage") == []  # a private chat keeps its file
    assert len(h.request.texts(GROUP["id"])) == group_texts  # the group saw nothing


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_units_in_private_picks_the_community_with_a_button(
    harness: HandlerHarness, lang: str
) -> None:
    h = harness
    admin = user(1, "Carol", lang)
    other = group(-2002, "Other")
    for chat in (GROUP, other):
        h.request.admins.add((chat["id"], admin["id"]))
    await h.say(GROUP, admin, "/setup Sunny Garden")
    await h.say(other, admin, "/setup Moon Court")
    h.request.files["register"] = REGISTER
    h.request.private_open.add(admin["id"])
    await h.feed(
        {
            "message": h.message(
                private(admin), admin, None, document=document("register"), caption="/units"
            )
        }
    )
    picker = h.request.sent("sendMessage", admin["id"])[-1]
    assert (
        picker["text"]
        == {
            "en": "Which community is this unit register for?",
            "zh": "这份房屋登记表要导入哪个社区？",
        }[lang]
    )
    buttons = keyboard_of(picker)
    assert [text for text, _ in buttons] == ["Sunny Garden", "Moon Court"]
    async with h.database.unit_of_work() as uow:
        moon = await uow.communities.by_chat(other["id"])
        assert moon is not None
    # someone else's press, or a payload naming a community the presser does not administer
    h.request.admins.discard((other["id"], admin["id"]))
    h.services.admin_cache.clear()
    await h.press(private(admin), admin, None, buttons[1][1])
    assert (
        h.request.answers()[-1]["text"]
        == {
            "en": "Only an administrator can import the unit register.",
            "zh": "只有管理员可以导入房屋登记表。",
        }[lang]
    )
    h.request.admins.add((other["id"], admin["id"]))
    h.services.admin_cache.clear()
    await h.press(private(admin), admin, None, buttons[1][1])
    saved = h.request.sent("editMessageText")[-1]["text"]
    assert saved.startswith("🏘 Moon Court\n")
    async with h.database.unit_of_work() as uow:
        assert len(await uow.units.in_register(moon.id)) == 10
        sunny = await uow.communities.by_chat(GROUP["id"])
        assert sunny is not None and await uow.units.in_register(sunny.id) == []
    await h.press(private(admin), admin, None, buttons[1][1])  # the file was used
    assert (
        h.request.answers()[-1]["text"]
        == {
            "en": "This file is no longer waiting. Please send it again with /units.",
            "zh": "这个文件已不在等待确认，请用 /units 重新发送。",
        }[lang]
    )


async def test_units_in_private_by_someone_who_administers_nothing(
    harness: HandlerHarness,
) -> None:
    h = harness
    h.request.admins.add((GROUP["id"], CREATOR["id"]))
    await h.say(GROUP, CREATOR, "/setup Sunny Garden")
    h.request.files["register"] = REGISTER
    h.request.private_open.update({MALLORY["id"], ALICE_ZH["id"]})
    await h.feed(
        {
            "message": h.message(
                private(MALLORY), MALLORY, None, document=document("register"), caption="/units"
            )
        }
    )
    assert h.request.texts(MALLORY["id"])[-1] == (
        "You are not an administrator of any community, so you cannot import a unit register."
    )
    await h.say(private(ALICE_ZH), ALICE_ZH, "/units")
    assert h.request.texts(ALICE_ZH["id"])[-1] == "您不是任何社区的管理员，不能导入房屋登记表。"
    async with h.database.unit_of_work() as uow:
        sunny = await uow.communities.by_chat(GROUP["id"])
        assert sunny is not None and await uow.units.in_register(sunny.id) == []


async def test_a_working_code_in_a_plain_group_message_is_deleted_and_replaced(
    harness: HandlerHarness,
) -> None:
    h = harness
    community_id, codes = await community_with_codes(h)
    h.request.private_open.add(ALICE_ZH["id"])
    # full-width letters, as a Chinese keyboard may type them
    code = codes["1-202"]
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in dashed(code))
    posted = h.message(GROUP, ALICE_ZH, f"我家的验证码是{wide}，怎么用？")
    await h.feed({"message": posted})
    assert [int(d["message_id"]) for d in h.request.sent("deleteMessage", GROUP["id"])][-1] == (
        posted["message_id"]
    )
    assert (await active_codes(h, community_id))["1-202"] != code
    assert h.request.texts(ALICE_ZH["id"])[-1].startswith("您把 1-202 的验证码发到了群里")


async def test_code_like_words_that_are_no_working_code_change_nothing(
    harness: HandlerHarness,
) -> None:
    h = harness
    community_id, codes = await community_with_codes(h)
    deleted = len(h.request.sent("deleteMessage"))
    calls = len(h.request.calls)
    await h.say(GROUP, ALICE, "STRENGTH and ABCD-EFGH are just words here")
    await h.say(
        group(-3003, "Elsewhere"), ALICE, f"a code in a chat of no community: {codes['1-101']}"
    )
    assert len(h.request.sent("deleteMessage")) == deleted
    assert len(h.request.calls) == calls  # nothing sent, nothing deleted
    assert await active_codes(h, community_id) == codes
