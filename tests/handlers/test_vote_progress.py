"""`/progress` (issue 11, item 4): per open vote, a rep's buildings unit by unit (✅ voted, ⬜ not
voted, 📵 not reachable by the bot), the doors to knock on, and "Remind the reachable ones",
which reminds only the households not voted whose people the bot may write to.

The seeded vote, worked out by hand: a household vote ("simple") over the 7 verified
households of the worked example (1-101 A, 1-102 B, 1-201 C, 2-101 D, 2-102 E, 2-201 F,
2-202 G). The bot may write to D and E (`private_chats`), G blocked it, nobody else is known.
D votes For. Rep Bob (building 2) sees: ✅ 2-101; ⬜ 2-102 (E reachable); 📵 2-201, 2-202:
1 of 4 voted, 2 not reachable. The admin sees all 7: 1 voted, ⬜ 2-102, and 📵 for the
five others (1-101, 1-102, 1-201, 2-201, 2-202)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.communities.cases import set_community_language
from bot.outbox import Tell
from tests.conftest import NOW
from tests.handlers.harness import HandlerHarness, private
from tests.handlers.test_residents_handlers import CREATOR, GROUP, REP, keyboard_of
from tests.handlers.test_votes_handlers import COMMITTEE, PEOPLE, residents

EXPECTED = {
    "en": {
        "rep": [
            "1 of 4 households have voted; 2 cannot be reached by me.",
            "",
            "Building 2: 1 of 4 voted",
            "✅ 2-101",
            "⬜ 2-102",
            "📵 2-201, 2-202",
            "",
            "To visit (not reachable by me):",
            "Building 2: 2-201, 2-202",
            "✅ voted · ⬜ not voted · 📵 not reachable",
        ],
        "admin_total": "1 of 7 households have voted; 5 cannot be reached by me.",
        "admin_doors": ["Building 1: 1-101, 1-102, 1-201", "Building 2: 2-201, 2-202"],
        "remind": "🔔 Remind the reachable ones (1)",
        "reminded": (
            "Reminders are going out to 1 household. The units I could not reach follow in "
            "this chat."
        ),
        "group_count": (
            "Reminded 1 residents privately; 0 have not started a chat with me and were skipped."
        ),
    },
    "zh": {
        "rep": [
            "4 户中已有 1 户投票；2 户我联系不上。",
            "",
            "2 号楼：4 户中 1 户已投票",
            "✅ 2-101",
            "⬜ 2-102",
            "📵 2-201、2-202",
            "",
            "需要上门告知（我联系不上）：",
            "2 号楼：2-201、2-202",
            "✅ 已投票 · ⬜ 未投票 · 📵 联系不上",
        ],
        "admin_total": "7 户中已有 1 户投票；5 户我联系不上。",
        "admin_doors": ["1 号楼：1-101、1-102、1-201", "2 号楼：2-201、2-202"],
        "remind": "🔔 提醒能联系上的住户（1 户）",
        "reminded": "正在私聊提醒 1 户。联系不上的房号稍后发到这里。",
        "group_count": "已私聊提醒 1 位居民；0 位从未与我私聊，已跳过。",
    },
}


async def seeded_vote(h: HandlerHarness, language: str, words: str) -> None:
    await residents(h)
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        await set_community_language(uow, community, language, is_admin=True)  # type: ignore[arg-type]
    async with h.database.unit_of_work() as uow:
        for name, reachable in (("D", True), ("E", True), ("G", False)):
            await uow.notices.set_reachable(PEOPLE[name]["id"], reachable, now=NOW)
        await uow.commit()
    await h.say(GROUP, COMMITTEE, f"/vote {words}")
    card = h.request.sent("sendMessage", GROUP["id"])[-1]
    for_ = keyboard_of(card)[0][1]
    await h.press(GROUP, PEOPLE["D"], card["message_id"], for_)


def lines_of(sent: dict[str, Any]) -> list[str]:
    return str(sent["text"]).split("\n")[1:]  # after the vote's title line


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_progress_shows_a_reps_building_unit_by_unit_and_reminds_only_the_reachable(
    harness: HandlerHarness, language: str
) -> None:
    h = harness
    expected = EXPECTED[language]
    await seeded_vote(h, language, "Paint the gate? simple 7d")
    rep = {**REP, "language_code": language}
    h.request.private_open.add(REP["id"])
    await h.say(private(rep), rep, "/progress")
    shown = h.request.sent("sendMessage", REP["id"])[-1]
    assert "Paint the gate?" in shown["text"].split("\n")[0]
    assert lines_of(shown) == expected["rep"]
    ((label, remind),) = keyboard_of(shown)
    assert label == expected["remind"]

    people = {name: len(h.request.texts(p["id"])) for name, p in PEOPLE.items()}
    await h.press(private(rep), rep, None, remind)
    assert h.request.answers()[-1]["text"] == expected["reminded"]
    got = {name: h.request.texts(p["id"])[people[name] :] for name, p in PEOPLE.items()}
    assert [name for name, texts in got.items() if texts] == ["E"]  # 2-102 only
    (reminder,) = got["E"]
    assert "Paint the gate?" in reminder
    assert h.request.texts(GROUP["id"])[-1] == expected["group_count"]
    doors = h.request.texts(REP["id"])[-1]
    assert "2-201" in doors and "2-202" in doors and "1-101" not in doors
    async with h.database.unit_of_work() as uow:
        entries = await uow.outbox.of_subject(Tell.VOTE_REMINDER, 1)
    assert [int(str(e.intent.params["user"])) for e in entries] == [PEOPLE["E"]["id"]]

    # the round is /remind's: again within 6 hours is refused, nothing more is sent
    await h.press(private(rep), rep, None, remind)
    assert h.request.answers()[-1]["show_alert"] is True
    async with h.database.unit_of_work() as uow:
        assert len(await uow.outbox.of_subject(Tell.VOTE_REMINDER, 1)) == 1


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_an_admin_sees_every_building_and_a_secret_vote_shows_no_choice(
    harness: HandlerHarness, language: str
) -> None:
    h = harness
    expected = EXPECTED[language]
    await seeded_vote(h, language, "Paint the gate? simple 7d secret")
    admin = {**CREATOR, "language_code": language}
    await h.say(private(admin), admin, "/progress")
    shown = h.request.sent("sendMessage", CREATOR["id"])[-1]
    lines = lines_of(shown)
    assert lines[0] == expected["admin_total"]
    assert lines[-3:-1] == expected["admin_doors"]
    for word in ("For", "Against", "Abstain", "赞成", "反对", "弃权", "👍"):
        assert word not in shown["text"]


async def test_progress_is_for_reps_and_admins_and_a_forged_remind_is_refused(
    harness: HandlerHarness,
) -> None:
    h = harness
    await seeded_vote(h, "en", "Paint the gate? simple 7d")
    resident = PEOPLE["A"]
    await h.say(private(resident), resident, "/progress")
    assert h.request.texts(resident["id"])[-1] == (
        "Only building reps, the committee and administrators see vote progress."
    )
    forged = "v1:pg:1"
    keyboard = {"inline_keyboard": [[{"text": "x", "callback_data": forged}]]}
    await h.press(private(resident), resident, 1, forged, keyboard)
    assert h.request.answers()[-1]["text"] == (
        "Only committee members, administrators and building reps can send reminders."
    )
    async with h.database.unit_of_work() as uow:
        assert await uow.outbox.of_subject(Tell.VOTE_REMINDER, 1) == []
    # in the group, the progress goes privately and the group only hears so
    h.request.private_open.add(REP["id"])
    await h.say(GROUP, REP, "/progress")
    assert h.request.texts(GROUP["id"])[-1] == "I have sent it to you in a private chat."
    assert not any("2-201" in t for t in h.request.texts(GROUP["id"]))
