"""Issue 11, items 1–3: the home keyboard in private, the group's pinned "start here" message
and the first private screen, and voting from the private chat (the open-votes list and the
reminders, with the same ballot buttons as the group card), the card pinned while open, and
every ballot confirmed by an alert naming the household, the choice and what it replaced."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.communities.cases import set_vote_periods
from bot.votes.tally import Choice
from handlers.votes.private import card_link
from storage.database import Database
from tests.conftest import WORKED_EXAMPLE_CSV
from tests.handlers.closing import close_by_hand
from tests.handlers.harness import HandlerHarness, group, private, user
from tests.handlers.test_outbox_handlers import Faults, later

SUPER = group(-1001234567890)  # a real supergroup's id: its messages have t.me/c/ links
CREATOR = user(1, "Carol")
CHAIR = user(9, "Chair Wu")
ANNA = user(501, "Anna")  # 1-101
BEN = user(502, "Ben")  # 1-102
MALLORY = user(66, "Mallory")

HOME_EN = [
    ["🏠 My home", "🗳 Open votes"],
    ["🛠 Report a repair", "📋 My reports"],
    ["📢 Notices", "❓ Help"],
]
HOME_ZH = [["🏠 我的房屋", "🗳 正在表决"], ["🛠 报修", "📋 我的报修"], ["📢 通知", "❓ 帮助"]]


@pytest.fixture
async def zh_harness(db: Database) -> AsyncIterator[HandlerHarness]:
    started = await HandlerHarness.start(db, "zh")
    try:
        yield started
    finally:
        await started.stop()


def as_lang(person: dict[str, Any], lang: str) -> dict[str, Any]:
    return {**person, "language_code": lang}


def home_rows(params: dict[str, Any]) -> list[list[str]]:
    markup = params["reply_markup"]
    assert markup["is_persistent"] is True and markup["resize_keyboard"] is True
    return [[b["text"] for b in row] for row in markup["keyboard"]]


def buttons(params: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (b["text"], b.get("callback_data") or b.get("url", ""))
        for row in params["reply_markup"]["inline_keyboard"]
        for b in row
    ]


def last_private(h: HandlerHarness, person: dict[str, Any]) -> dict[str, Any]:
    return h.request.sent("sendMessage", person["id"])[-1]


async def community_id(h: HandlerHarness, chat: dict[str, Any]) -> int:
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(chat["id"])
    assert community is not None
    return community.id


async def set_up(h: HandlerHarness, chat: dict[str, Any], lang: str = "en") -> None:
    """A community on `chat` with the worked example's register, votes opening at once, Anna
    and Ben verified residents of 1-101 and 1-102 by letterbox code, Chair Wu committee."""
    h.request.admins.add((chat["id"], CREATOR["id"]))
    await h.say(chat, CREATOR, "/setup Sunny Garden")
    h.request.files["units-file"] = WORKED_EXAMPLE_CSV
    document = {"file_id": "units-file", "file_unique_id": "uf", "file_name": "units.csv"}
    await h.feed({"message": h.message(chat, CREATOR, None, document=document, caption="/units")})
    cid = await community_id(h, chat)
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.get(cid)
        assert community is not None
        await set_vote_periods(uow, community, notice_days=0, is_admin=True)
    h.request.private_open.add(CREATOR["id"])
    await h.say(chat, CREATOR, "/codes")
    async with h.database.unit_of_work() as uow:
        codes = await uow.codes.active(cid)
    for person, unit in ((ANNA, "1-101"), (BEN, "1-102")):
        h.request.private_open.add(person["id"])
        speaker = as_lang(person, lang)
        await h.say(private(speaker), speaker, f"/join {unit} {codes[unit]}")
    await h.say(chat, CREATOR, "/role committee", reply_to_message=h.message(chat, CHAIR, "hi"))


# --- item 1: the home keyboard ---------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_start_in_private_shows_the_home_keyboard_and_each_label_routes(
    harness: HandlerHarness, lang: str
) -> None:
    h = harness
    await set_up(h, SUPER, lang)
    anna = as_lang(ANNA, lang)
    h.request.private_open.add(MALLORY["id"])
    newcomer = as_lang(MALLORY, lang)

    await h.say(private(newcomer), newcomer, "/start")
    first = last_private(h, newcomer)
    assert home_rows(first) == (HOME_EN if lang == "en" else HOME_ZH)
    assert first["text"] == (
        "Welcome! To verify your home, press “Join my home” in the message pinned in your "
        "community group. The buttons at the bottom of the screen do the rest."
        if lang == "en"
        else "欢迎！认证我家房屋：请在社区群里的置顶消息中点“认证我家房屋”。其他事点屏幕下方的按钮。"
    )

    await h.say(private(anna), anna, "/start")
    assert last_private(h, anna)["text"] == (
        "Welcome back! Press a button at the bottom of the screen."
        if lang == "en"
        else "欢迎回来！请点屏幕下方的按钮。"
    )
    labels = dict(
        zip(
            ["me", "votes", "report", "reports", "notices", "help"],
            [label for row in (HOME_EN if lang == "en" else HOME_ZH) for label in row],
            strict=True,
        )
    )
    # each label answers as its command does (before: "I work with commands and buttons")
    for name, command in {"me": "/me", "reports": "/reports", "notices": "/notices"}.items():
        await h.say(private(anna), anna, command)
        typed = last_private(h, anna)["text"]
        await h.say(private(anna), anna, labels[name])
        assert last_private(h, anna)["text"] == typed, name
    await h.say(private(anna), anna, labels["me"])
    assert ("1-101" in last_private(h, anna)["text"]) and "Sunny Garden" in last_private(h, anna)[
        "text"
    ]

    await h.say(private(anna), anna, labels["help"])
    helped = last_private(h, anna)
    assert helped["text"].startswith("What you can do:" if lang == "en" else "您可以：")
    # the typed ways to join live in /help now
    assert "/join 3-2-501 ABCD-EFGH" in helped["text"]
    assert home_rows(helped) == (HOME_EN if lang == "en" else HOME_ZH)

    await h.say(private(anna), anna, labels["votes"])
    assert last_private(h, anna)["text"] == (
        "There is no open vote you can vote in right now."
        if lang == "en"
        else "目前没有您可以参加的表决。"
    )

    await h.say(private(anna), anna, "/report")
    form = last_private(h, anna)["text"]
    await h.say(private(anna), anna, "/cancel")
    await h.say(private(anna), anna, labels["report"])
    assert last_private(h, anna)["text"] == form

    # a label of the other language routes too; a near miss is plain text
    other = HOME_ZH if lang == "en" else HOME_EN
    await h.say(private(anna), anna, other[2][1])
    assert last_private(h, anna)["text"] == helped["text"]
    await h.say(private(anna), anna, "/cancel")  # the report form the label opened
    await h.say(private(anna), anna, "Help")
    assert last_private(h, anna)["text"] == (
        "I work with commands and buttons. Send /help to see what you can do."
        if lang == "en"
        else "请使用命令和按钮与我交流。发送 /help 查看可用的功能。"
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_staff_get_a_second_row_that_opens_pending_joins_and_vote_progress(
    harness: HandlerHarness, lang: str
) -> None:
    """Item 1: admins and reps (here the committee chair and the community's creator) have
    🧾 Pending joins · 📊 Vote progress under the resident's rows; residents do not."""
    h = harness
    await set_up(h, SUPER, lang)
    staff_row = (
        ["🧾 Pending joins", "📊 Vote progress"]
        if lang == "en"
        else ["🧾 待审核申请", "📊 表决进度"]
    )
    resident_rows = HOME_EN if lang == "en" else HOME_ZH
    for person in (CHAIR, CREATOR):
        h.request.private_open.add(person["id"])
        speaker = as_lang(person, lang)
        await h.say(private(speaker), speaker, "/start")
        assert home_rows(last_private(h, speaker)) == [*resident_rows, staff_row]
        # each label answers as its command does
        for label, command in zip(staff_row, ("/pending", "/progress"), strict=True):
            await h.say(private(speaker), speaker, command)
            typed = last_private(h, speaker)["text"]
            await h.say(private(speaker), speaker, label)
            assert last_private(h, speaker)["text"] == typed, label
    anna = as_lang(ANNA, lang)
    await h.say(private(anna), anna, "/start")
    assert home_rows(last_private(h, anna)) == resident_rows


# --- item 2: the front door --------------------------------------------------------------------


async def test_setup_posts_and_pins_the_start_here_message(harness: HandlerHarness) -> None:
    h = harness
    h.request.admins.add((SUPER["id"], CREATOR["id"]))
    await h.say(SUPER, CREATOR, "/setup Sunny Garden")
    cid = await community_id(h, SUPER)
    done, door = h.request.sent("sendMessage", SUPER["id"])
    assert done["text"].startswith("This group is now the community “Sunny Garden”")
    assert door["text"] == (
        "🏠 Start here, residents of Sunny Garden:\n"
        "• Join my home: once, by buttons (building → unit).\n"
        "• Report a repair: a broken lift, a leak, a light…\n"
        "• Open votes: vote in your private chat with me.\n"
        "Each button opens a private chat with me."
    )
    link = "https://t.me/community_test_bot?start="
    assert buttons(door) == [
        ("🏠 Join my home", f"{link}join-{cid}"),
        ("🛠 Report a repair", f"{link}report-{cid}"),
        ("🗳 Open votes", f"{link}votes-{cid}"),
    ]
    assert h.request.sent("pinChatMessage") == [
        {"chat_id": SUPER["id"], "message_id": door["message_id"], "disable_notification": True}
    ]

    # a rename redraws the same message (no second one in the group) and pins it again; the bot
    # may not pin: told, and the rename stands
    h.request.pin_fails = True
    await h.say(SUPER, CREATOR, "/setup Sunny Garden Estate")
    renamed, told = h.request.texts(SUPER["id"])[-2:]
    assert renamed == "The community “Sunny Garden” is now called “Sunny Garden Estate”."
    (redrawn,) = h.request.sent("editMessageText", SUPER["id"])
    assert redrawn["message_id"] == door["message_id"]
    assert redrawn["text"].startswith("🏠 Start here, residents of Sunny Garden Estate:")
    assert buttons(redrawn) == buttons(door)
    assert told == (
        "I could not pin the “start here” message. Please make me an administrator who may pin "
        "messages, then pin it yourself or send /setup again."
    )
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.get(cid)
    assert community is not None and community.name == "Sunny Garden Estate"


async def test_the_start_here_message_is_not_lost_nor_posted_twice(
    harness: HandlerHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, the start-here message was a plain reply after the commit: a 502 lost it, and
    a 502 on the pin lost the pin. Now it goes through the outbox with its message stored: the
    failed send is made later, and the entry tried again after the post only pins."""
    h = harness
    faults = Faults(h, monkeypatch)
    h.request.admins.add((SUPER["id"], CREATOR["id"]))
    # the reply, the apology for it and the door all fail
    faults.fail("sendMessage", SUPER["id"], (502, "Bad Gateway", None), times=3)
    await h.say(SUPER, CREATOR, "/setup Sunny Garden")
    assert faults.failed == [("sendMessage", SUPER["id"])] * 3
    assert not any(t.startswith("🏠 Start here") for t in h.request.texts(SUPER["id"]))
    faults.fail("pinChatMessage", SUPER["id"], (502, "Bad Gateway", None))
    await later(h, 5)  # posted, then its pin fails
    await later(h, 10)  # tried again: the stored message is only pinned
    doors = [
        p
        for p in h.request.sent("sendMessage", SUPER["id"])
        if p["text"].startswith("🏠 Start here")
    ]
    assert len(doors) == 1
    assert h.request.sent("pinChatMessage") == [
        {"chat_id": SUPER["id"], "message_id": doors[0]["message_id"], "disable_notification": True}
    ]
    assert not any("could not pin" in t for t in h.request.texts(SUPER["id"]))


async def test_setup_in_chinese_posts_the_start_here_message_in_chinese(
    zh_harness: HandlerHarness,
) -> None:
    h = zh_harness
    h.request.admins.add((SUPER["id"], CREATOR["id"]))
    h.request.pin_fails = True
    await h.say(SUPER, CREATOR, "/setup 阳光花园")
    _, door, told = h.request.sent("sendMessage", SUPER["id"])
    assert door["text"] == (
        "🏠 阳光花园的住户，请从这里开始：\n"
        "・认证我家房屋：只需一次，点按钮选楼栋和房号。\n"
        "・报修：电梯坏了、漏水、灯不亮等。\n"
        "・正在表决：在和我的私聊里投票。\n"
        "点按钮会打开和我的私聊。"
    )
    assert [text for text, _ in buttons(door)] == ["🏠 认证我家房屋", "🛠 报修", "🗳 正在表决"]
    assert told["text"] == (
        "我没能置顶“从这里开始”这条消息。请把我设为可以置顶消息的管理员，然后您自己置顶，或再发一次 /setup。"
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_join_link_says_what_to_press_and_joining_brings_the_home_keyboard(
    harness: HandlerHarness, lang: str
) -> None:
    h = harness
    await set_up(h, SUPER)
    cid = await community_id(h, SUPER)
    newcomer = as_lang(MALLORY, lang)
    h.request.private_open.add(newcomer["id"])
    await h.say(private(newcomer), newcomer, f"/start join-{cid}")
    screen = last_private(h, newcomer)
    assert screen["text"] == (
        "You are joining Sunny Garden: press your building below."
        if lang == "en"
        else "您正在认证Sunny Garden的房屋：请点下面您住的楼栋。"
    )
    building = buttons(screen)[1][1]  # building 2
    # came back later without joining: /start shows the same building buttons
    await h.say(private(newcomer), newcomer, "/start")
    assert buttons(last_private(h, newcomer)) == buttons(screen)

    await h.press(private(newcomer), newcomer, screen["message_id"], building)
    unit = buttons(h.request.sent("editMessageText")[-1])[0][1]  # 2-101
    await h.press(private(newcomer), newcomer, screen["message_id"], unit)
    tenant = buttons(h.request.sent("editMessageText")[-1])[1][1]
    await h.press(private(newcomer), newcomer, screen["message_id"], tenant)
    ready = last_private(h, newcomer)
    assert ready["text"] == (
        "From now on, the buttons at the bottom of the screen do everything: press one."
        if lang == "en"
        else "以后点屏幕下方的按钮就能办事，请点一个。"
    )
    assert home_rows(ready) == (HOME_EN if lang == "en" else HOME_ZH)


# --- item 3: voting from anywhere ----------------------------------------------------------


def test_a_card_link_for_a_supergroup_and_none_for_a_basic_group() -> None:
    assert card_link((-1001234567890, 77)) == "https://t.me/c/1234567890/77"
    assert card_link((-4567, 77)) is None  # a basic group: no message links
    assert card_link((-1001, 77)) is None  # not a supergroup's id
    assert card_link(None) is None


async def ballots(h: HandlerHarness) -> dict[str, Choice]:
    async with h.database.unit_of_work() as uow:
        return await uow.votes.ballots(1)


async def test_voting_from_the_private_list_and_a_reminder_in_english(
    harness: HandlerHarness,
) -> None:
    h = harness
    await set_up(h, SUPER)
    await h.say(SUPER, CHAIR, "/vote Paint the gate? simple 1d")
    card = h.request.sent("sendMessage", SUPER["id"])[-1]
    assert card["text"].startswith("🗳 Vote #1: Paint the gate?")
    # the open card is pinned
    assert h.request.sent("pinChatMessage")[-1]["message_id"] == card["message_id"]

    # a reminder carries the buttons and the link to the card
    h.request.private_open.add(CHAIR["id"])
    await h.say(SUPER, CHAIR, "/remind 1")
    reminder = last_private(h, BEN)
    assert reminder["text"] == (
        "⏰ Reminder: vote #1 “Paint the gate?” in Sunny Garden closes 23 Nov 2026 17:30. "
        "Your household has not voted yet: press a button below."
    )
    link = f"https://t.me/c/1234567890/{card['message_id']}"
    assert buttons(reminder) == [
        ("👍 For", "v1:vb:1:f"),
        ("👎 Against", "v1:vb:1:a"),
        ("✋ Abstain", "v1:vb:1:x"),
        ("📌 The vote card in the group", link),
    ]
    await h.press(private(BEN), BEN, reminder["message_id"], "v1:vb:1:f", reminder["reply_markup"])
    answer = h.request.answers()[-1]
    assert answer["show_alert"] is True
    assert answer["text"].startswith(
        "Recorded: For — 1-102. You can change it until 23 Nov 2026 17:30. Receipt: "
    )
    # the reminder now shows the household's ballot
    redrawn = h.request.sent("editMessageText")[-1]
    assert redrawn["message_id"] == reminder["message_id"]
    assert redrawn["text"].endswith("\n1-102: For")

    # 🗳 Open votes: the vote, the household's standing ballot, the buttons
    await h.say(private(ANNA), ANNA, "🗳 Open votes")
    listed = last_private(h, ANNA)
    assert listed["text"] == (
        "🗳 Vote #1: Paint the gate?\nSunny Garden · closes 23 Nov 2026 17:30\n1-101: not voted yet"
    )
    assert buttons(listed) == buttons(reminder)

    # a forged press: Mallory's press on Anna's list message, and one on a message without it
    await h.press(private(ANNA), MALLORY, listed["message_id"], "v1:vb:1:a", listed["reply_markup"])
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    await h.press(private(ANNA), ANNA, 1, "v1:vb:1:a")  # no keyboard carries it
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    assert await ballots(h) == {"1-102": Choice.FOR}

    # Anna votes Against, every update delivered twice: recorded once, answered the same
    h.redeliver_each = True
    await h.press(private(ANNA), ANNA, listed["message_id"], "v1:vb:1:a", listed["reply_markup"])
    assert h.request.answers()[-1]["text"].startswith("Recorded: Against — 1-101. You can change")
    edited = h.request.sent("editMessageText")[-1]
    assert edited["text"].endswith("\n1-101: Against")
    assert [text for text, _ in buttons(edited)][:3] == ["👍 For", "✅ 👎 Against", "✋ Abstain"]
    # and changes her mind from the same message
    await h.press(private(ANNA), ANNA, listed["message_id"], "v1:vb:1:f", edited["reply_markup"])
    h.redeliver_each = False
    assert h.request.answers()[-1]["text"].startswith(
        "Recorded: For — 1-101 (changed from Against). You can change it until 23 Nov 2026 17:30."
    )
    assert await ballots(h) == {"1-101": Choice.FOR, "1-102": Choice.FOR}

    # in the group the card's buttons name the change too
    await h.press(SUPER, BEN, None, "v1:vb:1:x")
    assert h.request.answers()[-1]["text"].startswith(
        "Recorded: Abstain — 1-102 (changed from For). "
    )

    # closed: the result pinned, the card unpinned
    await close_by_hand(h, SUPER, CHAIR, 1)
    result = next(
        m for m in h.request.sent("sendMessage", SUPER["id"]) if m["text"].startswith("📢 Result")
    )
    assert h.request.sent("pinChatMessage")[-1]["message_id"] == result["message_id"]
    assert h.request.sent("unpinChatMessage") == [
        {"chat_id": SUPER["id"], "message_id": card["message_id"]}
    ]
    await h.say(private(ANNA), ANNA, "🗳 Open votes")
    assert last_private(h, ANNA)["text"] == "There is no open vote you can vote in right now."
    # a press on the old list after the close is refused like the group card's
    await h.press(private(ANNA), ANNA, listed["message_id"], "v1:vb:1:a", listed["reply_markup"])
    assert h.request.answers()[-1]["text"] == (
        "Vote #1 is closed; ballots can no longer be cast or changed."
    )


async def test_voting_from_the_votes_link_in_chinese(zh_harness: HandlerHarness) -> None:
    h = zh_harness
    await set_up(h, SUPER, "zh")
    cid = await community_id(h, SUPER)
    await h.say(SUPER, CHAIR, "/vote 粉刷大门？ simple 1d")
    anna = as_lang(ANNA, "zh")
    await h.say(private(anna), anna, f"/start votes-{cid}")
    head, listed = h.request.sent("sendMessage", anna["id"])[-2:]
    assert head["text"] == "Sunny Garden正在表决、您可以参加的事项："
    assert home_rows(head) == HOME_ZH
    assert listed["text"] == (
        "🗳 表决 #1：粉刷大门？\nSunny Garden・2026年11月23日 17:30 截止\n1-101：还没投票"
    )
    assert [text for text, _ in buttons(listed)] == [
        "👍 赞成",
        "👎 反对",
        "✋ 弃权",
        "📌 群里的表决卡片",
    ]
    await h.press(private(anna), anna, listed["message_id"], "v1:vb:1:a", listed["reply_markup"])
    assert h.request.answers()[-1]["text"].startswith(
        "已记录：反对 — 1-101。截止 2026年11月23日 17:30 前可以改票。回执："
    )
    edited = h.request.sent("editMessageText")[-1]
    await h.press(private(anna), anna, listed["message_id"], "v1:vb:1:f", edited["reply_markup"])
    assert h.request.answers()[-1]["text"].startswith(
        "已记录：赞成 — 1-101（原为反对）。截止 2026年11月23日 17:30 前可以改票。回执："
    )
    assert h.request.sent("editMessageText")[-1]["text"].endswith("\n1-101：赞成")

    # a reminder in Chinese, with the buttons
    h.request.private_open.add(CHAIR["id"])
    await h.say(SUPER, CHAIR, "/remind 1")
    reminder = last_private(h, BEN)
    assert reminder["text"] == (
        "⏰ 提醒：Sunny Garden的表决 #1“粉刷大门？”将于 2026年11月23日 17:30 截止。"
        "您家尚未投票，请点下面的按钮投票。"
    )
    assert [text for text, _ in buttons(reminder)][:3] == ["👍 赞成", "👎 反对", "✋ 弃权"]

    # an unknown community in the link
    await h.say(private(anna), anna, f"/start votes-{cid + 5}")
    assert last_private(h, anna)["text"] == "这个链接已失效，请在社区群里重新获取。"


async def test_a_card_the_bot_may_not_pin_still_opens_the_vote(harness: HandlerHarness) -> None:
    h = harness
    await set_up(h, SUPER)
    h.request.pin_fails = True
    await h.say(SUPER, CHAIR, "/vote Paint the gate? simple 1d")
    assert h.request.sent("sendMessage", SUPER["id"])[-1]["text"].startswith("🗳 Vote #1")
    await h.press(SUPER, ANNA, None, "v1:vb:1:f")
    assert h.request.answers()[-1]["text"].startswith("Recorded: For — 1-101. ")
    await close_by_hand(h, SUPER, CHAIR, 1)
    assert h.request.texts(SUPER["id"])[-1].startswith("📢 Result of vote #1") or any(
        t.startswith("📢 Result of vote #1") for t in h.request.texts(SUPER["id"])
    )
