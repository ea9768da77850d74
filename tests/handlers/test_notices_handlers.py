"""Notices through the handlers, in English and in Chinese: a rep's notice for building 2, the
Read presses of its households (one per household, a press twice, a refusal for building 1),
the card's count once LiveCards draws it, and every bad input with nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.app import repair_live_cards
from storage.database import Database
from tests.handlers.harness import HandlerHarness, group, private, user
from tests.handlers.test_residents_handlers import GROUP, REP, keyboard_of
from tests.handlers.test_startup_repairs import wait_for_edit
from tests.handlers.test_votes_handlers import COMMITTEE, PEOPLE, residents

# D (2-101) and E (2-102) are of building 2, A (1-101) of building 1; 2-101 has a second resident
SPOUSE = user(600, "Spouse of D")
STRANGER = user(77, "Stranger")

EXPECTED: dict[str, dict[str, str]] = {
    "en": {
        "card": "📢 Notice #1 · building 2\nWater is off on Friday 9–12\n— Building rep\n"
        "Read by {read} of 4 households ({percent} %)",
        "confirmed_d": "Thank you: read confirmed for household 2-101.",
        "confirmed_e": "Thank you: read confirmed for household 2-102.",
        "already_d": "Already confirmed for household 2-101: nothing changed.",
        "outside": "This notice is for building 2; your household is not in it.",
        "stranger": "Only verified residents can confirm notices. Join first with /join.",
        "read": "✅ Read",
        "needs_building": "As a building rep, name one of your buildings (2):"
        " /notice building <b> <text>",
        "not_yours": "You are the rep of building 2, not of building 1:"
        " you can post notices only for your buildings.",
        "unknown": "Building 9 is not in the register.",
        "empty": "Usage: /notice <text>, or /notice building 3 <text> for one building",
        "too_long": "Too long: the notice card would have 4,097 characters, and Telegram allows"
        " at most 4,096. Please shorten the notice.",
        "private": "Please send this in your community group.",
        "not_allowed": "Only building reps, committee members and administrators can post notices.",
    },
    "zh": {
        "card": "📢 通知 #1 · 2号楼\nWater is off on Friday 9–12\n—— 楼栋长\n"
        "已读 {read}/4 户（{percent}%）",
        "confirmed_d": "谢谢，2-101 户已确认已读。",
        "confirmed_e": "谢谢，2-102 户已确认已读。",
        "already_d": "2-101 户已经确认过了，无需重复确认。",
        "outside": "这条通知只发给 2 号楼，您的住户不在其中。",
        "stranger": "只有已认证的住户才能确认已读。请先认证我家房屋（/join）。",
        "read": "✅ 已读",
        "needs_building": "楼栋长发通知请注明您负责的楼栋（2）：/notice 楼栋 <楼号> <内容>",
        "not_yours": "您是 2 号楼的楼栋长，不负责 1 号楼：只能给自己负责的楼栋发通知。",
        "unknown": "登记表中没有 9 号楼。",
        "empty": "用法：/notice <内容>；只发给一栋楼：/notice 3号楼 <内容>",
        "too_long": "通知太长：通知卡片共 4,097 个字符，Telegram 最多允许 4,096 个。请缩短后再发。",
        "private": "请在社区群里发送此命令。",
        "not_allowed": "只有楼栋长、业委会成员和管理员可以发布通知。",
    },
}


def speaking(person: dict[str, Any], lang: str) -> dict[str, Any]:
    return {**person, "language_code": lang}


async def stored(h: HandlerHarness) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    rows = await h.snapshot()
    return rows["notices"], rows["notice_reads"]


async def with_spouse(h: HandlerHarness) -> None:
    """The residents of the vote tests, and a second verified resident of 2-101."""
    await residents(h)
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        codes = await uow.codes.active(community.id)
    h.request.private_open.add(SPOUSE["id"])
    await h.say(private(SPOUSE), SPOUSE, f"/join 2-101 {codes['2-101']}")


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_reps_notice_for_building_2_counts_its_households(db: Database, lang: str) -> None:
    h = await HandlerHarness.start(db, lang)
    expected = EXPECTED[lang]
    try:
        await with_spouse(h)
        scope = "building 2" if lang == "en" else "2号楼"
        await h.say(GROUP, speaking(REP, lang), f"/notice {scope} Water is off on Friday 9–12")
        card = h.request.sent("sendMessage", GROUP["id"])[-1]
        assert card["text"] == expected["card"].format(read=0, percent=0)
        [(label, read)] = keyboard_of(card)
        assert label == expected["read"]
        assert len(read.encode()) <= 64

        presses = [
            ("D", expected["confirmed_d"]),
            ("E", expected["confirmed_e"]),
            ("D", expected["already_d"]),  # pressed twice
            ("A", expected["outside"]),  # building 1
        ]
        for name, answer in presses:
            await h.press(GROUP, speaking(PEOPLE[name], lang), None, read)
            assert h.request.answers()[-1]["text"] == answer
        await h.press(GROUP, speaking(SPOUSE, lang), None, read)  # the household counts once
        assert h.request.answers()[-1]["text"] == expected["already_d"]
        await h.press(GROUP, speaking(STRANGER, lang), None, read)
        assert h.request.answers()[-1]["text"] == expected["stranger"]

        notices, reads = await stored(h)
        assert len(notices) == 1
        assert sorted((r[1], r[2]) for r in reads) == [
            ("2-101", PEOPLE["D"]["id"]),
            ("2-102", PEOPLE["E"]["id"]),
        ]
        # the presses only touched the card; LiveCards draws it at its pace
        notice_id = notices[0][0]
        edits = h.request.sent("editMessageText", GROUP["id"])
        assert not [e for e in edits if e["message_id"] == card["message_id"]]
        assert notice_id in h.services.notice_cards.pending
        await h.services.notice_cards.draw_now(notice_id)
        drawn = h.request.sent("editMessageText", GROUP["id"])[-1]
        assert drawn["message_id"] == card["message_id"]
        assert drawn["text"] == expected["card"].format(read=2, percent=50)
        assert keyboard_of(drawn) == [(expected["read"], read)]
    finally:
        await h.stop()


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_bad_notices_are_refused_and_nothing_is_stored(db: Database, lang: str) -> None:
    h = await HandlerHarness.start(db, lang)
    expected = EXPECTED[lang]
    try:
        await residents(h)
        rep, committee = speaking(REP, lang), speaking(COMMITTEE, lang)
        resident = speaking(PEOPLE["A"], lang)
        # 7 verified households: "📢 Notice #1 · all households\n" (30 UTF-16 units) and
        # "\n— Owners' committee\nRead by 7 of 7 households (100 %)" (54) make 84 with the
        # text, in English; "📢 通知 #1 · 全体住户\n" (16) and "\n—— 业委会\n已读 7/7 户（100%）"
        # (7 + 1 + 14) make 38 in Chinese. One character over: 4,097.
        over = 4097 - (84 if lang == "en" else 38)
        refusals = [
            (GROUP, rep, "/notice Water is off", expected["needs_building"]),
            (GROUP, rep, "/notice building 1 Water is off", expected["not_yours"]),
            (GROUP, rep, "/notice 1号楼 Water is off", expected["not_yours"]),
            (GROUP, committee, "/notice 楼栋 9 Water is off", expected["unknown"]),
            (GROUP, committee, "/notice", expected["empty"]),
            (GROUP, committee, "/notice building 2   ", expected["empty"]),
            (GROUP, committee, "/notice " + "x" * over, expected["too_long"]),
            (private(committee), committee, "/notice Water is off", expected["private"]),
            (GROUP, resident, "/notice Water is off", expected["not_allowed"]),
        ]
        for chat, person, text, answer in refusals:
            await h.say(chat, person, text)
            assert h.request.texts(chat["id"])[-1].startswith(answer), text[:40]
        unset = group(-2002, "Not a community")
        await h.say(unset, committee, "/notice Water is off")
        assert "/setup" in h.request.texts(unset["id"])[-1]
        notices, reads = await stored(h)
        assert (notices, reads) == ([], [])
        rows = await h.snapshot()
        assert not [r for r in rows["outbox"] if "notice" in str(r)]

        # at the limit with every household read: posted; unread so far, it is 2 shorter
        # ("0 … (0 %)" instead of "7 … (100 %)")
        await h.say(GROUP, committee, "/notice " + "x" * (over - 1))
        card = h.request.sent("sendMessage", GROUP["id"])[-1]
        assert len(card["text"].encode("utf-16-le")) // 2 == 4096 - 2
        notices, _ = await stored(h)
        assert len(notices) == 1
    finally:
        await h.stop()


async def test_a_notice_card_cut_short_by_a_stop_is_redrawn_at_start_up(db: Database) -> None:
    h = await HandlerHarness.start(db)  # the first run: stopped before the card is redrawn
    try:
        await with_spouse(h)
        h.redeliver_each = True  # every update a second time: nothing changes, nothing resent
        await h.say(GROUP, REP, "/notice building 2 Lift maintenance on Monday")
        card = h.request.sent("sendMessage", GROUP["id"])[-1]
        [(_, read)] = keyboard_of(card)
        for person in (PEOPLE["D"], SPOUSE, PEOPLE["E"]):
            await h.press(GROUP, person, None, read)
        assert h.request.answers()[-1]["text"] == EXPECTED["en"]["confirmed_e"]
    finally:
        await h.stop()

    restarted = await HandlerHarness.start(db)
    services = restarted.services
    try:
        assert await repair_live_cards(services) == (0, 0, 1)
        await services.notice_cards.start()
        edit = await wait_for_edit(
            restarted, int(card["message_id"]), "Read by 2 of 4 households (50 %)"
        )
        assert keyboard_of(edit) == [("✅ Read", read)]
    finally:
        await services.notice_cards.stop()
        await restarted.stop()


async def test_an_anonymous_admin_posts_for_the_community(harness: HandlerHarness) -> None:
    h = harness
    await residents(h)
    anonymous = user(1087968824, "Group")
    await h.say(GROUP, anonymous, "/notice Garden party on Sunday", sender_chat=GROUP)
    card = h.request.sent("sendMessage", GROUP["id"])[-1]
    assert card["text"] == (
        "📢 Notice #1 · all households\nGarden party on Sunday\n— Administrator\n"
        "Read by 0 of 7 households (0 %)"
    )
