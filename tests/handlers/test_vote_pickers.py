"""Issue 11, item 5 for votes: commands without a number offer a picker, /close asks to confirm,
and the draft's new buttons (building, secret, 14/30 days, edit question, delete). In English
and Chinese; the confirmation presses also delivered twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.votes.model import VoteStatus
from storage.database import Database
from tests.conftest import NOW
from tests.handlers.harness import HandlerHarness, private, user
from tests.handlers.test_residents_handlers import CREATOR, GROUP, keyboard_of
from tests.handlers.test_votes_handlers import COMMITTEE, PEOPLE, last_sent, residents

TEXTS = {
    "en": {
        "pick_close": "Which vote do you want to close?",
        "none_open": "There is no open vote now.",
        "none_recent": "No vote is open or closed in the last 90 days.",
        "confirm_1": "Close vote #1 now? 2 of 7 have voted.\nPaint the gate?",
        "yes": "Yes, close it",
        "no": "No",
        "not_asker": "Only the one who asked to close this vote can confirm.",
        "kept": "Vote #1 stays open.",
        "done": "Vote #1 is closed. The result is posted in the group.",
        "already": "Vote #1 is already closed.",
        "result": "📢 Result of vote #1: Paint the gate?",
        "deleted": "This draft was deleted.",
        "deleted_card": "🗑 Draft #1 was deleted.",
        "number_deleted": "Vote #1 was a draft that has been deleted.",
        "not_committee": "Only committee members and administrators can close votes.",
    },
    "zh": {
        "pick_close": "要结束哪一项表决？",
        "none_open": "现在没有进行中的表决。",
        "none_recent": "最近 90 天没有进行中或已结束的表决。",
        "confirm_1": "现在就结束表决 #1 吗？应投 7 票，已投 2 票。\nPaint the gate?",
        "yes": "是，结束",
        "no": "不，继续",
        "not_asker": "只有提出结束的人才能确认。",
        "kept": "表决 #1 继续进行。",
        "done": "表决 #1 已结束，结果已在群里公布。",
        "already": "表决 #1 已经结束了。",
        "result": "📢 表决 #1 结果：Paint the gate?",
        "deleted": "这份草稿已删除。",
        "deleted_card": "🗑 草稿 #1 已删除。",
        "number_deleted": "表决 #1 是一份已删除的草稿。",
        "not_committee": "只有业委会成员和管理员可以结束表决。",
    },
}
LANGS = pytest.mark.parametrize("lang", ["en", "zh"])


@pytest.fixture(autouse=True)
def _apps_language_restored() -> Iterator[None]:
    """`community_in` sets the shared people's app language: put back for other modules."""
    people = (*PEOPLE.values(), COMMITTEE, CREATOR)
    before = [person.get("language_code") for person in people]
    yield
    for person, language in zip(people, before, strict=True):
        person["language_code"] = language


async def community_in(h: HandlerHarness, lang: str) -> None:
    """The worked example's register, A–G verified (households 1-101 … 2-202), Chair Wu on
    the committee; the group in `lang`, and so are its members' apps."""
    await residents(h)
    if lang == "zh":
        await h.say(GROUP, CREATOR, "/lang zh")
    for person in (*PEOPLE.values(), COMMITTEE, CREATOR):
        person["language_code"] = lang


def buttons_of(params: dict[str, Any]) -> dict[str, str]:
    return dict(keyboard_of(params))


def last_edit(h: HandlerHarness) -> dict[str, Any]:
    return h.request.sent("editMessageText", GROUP["id"])[-1]


async def status_of(h: HandlerHarness, vote_id: int) -> VoteStatus:
    async with h.database.unit_of_work() as uow:
        vote = await uow.votes.get(vote_id)
    assert vote is not None
    return vote.status


async def close_flow(h: HandlerHarness, lang: str) -> None:
    """Two open votes; /close offers both, newest first; the confirmation counts the ballots;
    only the asker confirms; No keeps it open; Yes closes; a late Yes answers "already"."""
    text = TEXTS[lang]
    await community_in(h, lang)
    await h.say(GROUP, COMMITTEE, "/close")
    assert h.request.texts(GROUP["id"])[-1] == text["none_open"]
    await h.say(GROUP, COMMITTEE, "/vote Paint the gate? 2d")
    await h.say(GROUP, COMMITTEE, "/vote Plant trees? 2d")
    card = h.request.sent("sendMessage", GROUP["id"])[-2]  # vote #1's card
    assert card["text"].startswith(("🗳 Vote #1", "🗳 表决 #1"))
    ballot = next(data for _, data in keyboard_of(card) if data.endswith(":f"))
    await h.press(GROUP, PEOPLE["A"], None, ballot)
    await h.press(GROUP, PEOPLE["D"], None, ballot)

    await h.say(GROUP, PEOPLE["A"], "/close")  # not on the committee: no picker
    assert h.request.texts(GROUP["id"])[-1] == text["not_committee"]
    await h.say(GROUP, COMMITTEE, "/close")
    picker = last_sent(h, GROUP["id"])
    assert picker["text"] == text["pick_close"]
    assert [label for label, _ in keyboard_of(picker)] == ["#2 Plant trees?", "#1 Paint the gate?"]
    pick_1 = buttons_of(picker)["#1 Paint the gate?"]
    await h.press(GROUP, PEOPLE["A"], None, pick_1)  # the press re-checks the presser
    assert h.request.answers()[-1]["text"] == text["not_committee"]
    await h.press(GROUP, COMMITTEE, None, pick_1)
    confirm = last_edit(h)
    assert confirm["message_id"] == picker["message_id"]  # the picker became the question
    assert confirm["text"] == text["confirm_1"]
    yes, no = buttons_of(confirm)[text["yes"]], buttons_of(confirm)[text["no"]]
    assert yes == f"v1:vc:1:{COMMITTEE['id']}:y"

    await h.press(GROUP, CREATOR, None, yes)  # an administrator, but not the one who asked
    assert h.request.answers()[-1]["text"] == text["not_asker"]
    assert await status_of(h, 1) is VoteStatus.OPEN
    await h.press(GROUP, COMMITTEE, None, no)
    assert last_edit(h)["text"] == text["kept"]
    assert "reply_markup" not in last_edit(h)
    assert await status_of(h, 1) is VoteStatus.OPEN

    await h.say(GROUP, COMMITTEE, "/close 1")  # typed: asks the same question
    typed = last_sent(h, GROUP["id"])
    assert typed["text"] == text["confirm_1"]
    await h.press(GROUP, COMMITTEE, None, buttons_of(typed)[text["yes"]])
    assert h.request.answers()[-1]["text"] == text["done"]
    assert await status_of(h, 1) is VoteStatus.CLOSED
    assert h.request.texts(GROUP["id"])[-1].startswith(text["result"])

    # the first confirmation's Yes, pressed after the close: answered, nothing changes
    await h.press(GROUP, COMMITTEE, confirm["message_id"], yes, confirm["reply_markup"])
    assert h.request.answers()[-1]["text"] == text["already"]
    assert h.request.answers()[-1]["show_alert"] is True
    await h.say(GROUP, COMMITTEE, "/close 1")
    assert h.request.texts(GROUP["id"])[-1] == text["already"]
    await h.say(GROUP, COMMITTEE, "/close")  # only the open one is offered now
    assert [label for label, _ in keyboard_of(last_sent(h, GROUP["id"]))] == ["#2 Plant trees?"]


@LANGS
async def test_close_picker_and_confirmation(harness: HandlerHarness, lang: str) -> None:
    await close_flow(harness, lang)


@LANGS
async def test_result_export_verify_and_remind_pickers(harness: HandlerHarness, lang: str) -> None:
    h = harness
    text = TEXTS[lang]
    await community_in(h, lang)
    for command in ("/result", "/export", "/verify"):
        await h.say(GROUP, COMMITTEE, command)
        assert h.request.texts(GROUP["id"])[-1] == text["none_recent"], command
    await h.say(GROUP, COMMITTEE, "/remind")
    assert h.request.texts(GROUP["id"])[-1] == text["none_open"]
    await h.say(GROUP, COMMITTEE, "/vote Paint the gate? 2d")
    await h.say(GROUP, COMMITTEE, "/vote Plant trees? 2d")
    await h.say(GROUP, COMMITTEE, "/vote Draft only")  # a draft is never offered
    await h.say(GROUP, COMMITTEE, "/close 1")
    await h.press(GROUP, COMMITTEE, None, buttons_of(last_sent(h, GROUP["id"]))[text["yes"]])

    await h.say(GROUP, PEOPLE["A"], "/result")  # anyone may see results
    picker = last_sent(h, GROUP["id"])
    labels = [label for label, _ in keyboard_of(picker)]
    assert labels == ["#2 Plant trees?", "#1 Paint the gate?"]
    await h.press(GROUP, PEOPLE["B"], None, buttons_of(picker)["#1 Paint the gate?"])
    assert last_edit(h)["message_id"] == picker["message_id"]
    assert last_edit(h)["text"].startswith(text["result"])

    await h.say(GROUP, PEOPLE["A"], "/verify")
    await h.press(
        GROUP, PEOPLE["A"], None, buttons_of(last_sent(h, GROUP["id"]))["#1 Paint the gate?"]
    )
    verified = last_edit(h)["text"]
    assert verified.startswith("✅") and "#1" in verified, verified

    await h.say(GROUP, PEOPLE["A"], "/export")  # the committee's only
    assert h.request.texts(GROUP["id"])[-1] != text["none_recent"]
    assert len(h.request.sent("sendDocument", COMMITTEE["id"])) == 0
    await h.say(GROUP, COMMITTEE, "/export")
    export = buttons_of(last_sent(h, GROUP["id"]))["#1 Paint the gate?"]
    await h.press(GROUP, PEOPLE["A"], None, export)  # re-checked on the press
    assert len(h.request.sent("sendDocument", PEOPLE["A"]["id"])) == 0
    h.request.private_open.add(COMMITTEE["id"])
    await h.press(GROUP, COMMITTEE, None, export)
    (document,) = h.request.sent("sendDocument", COMMITTEE["id"])
    assert document["chat_id"] == COMMITTEE["id"]

    await h.say(GROUP, COMMITTEE, "/remind")  # open votes only
    picker = last_sent(h, GROUP["id"])
    assert [label for label, _ in keyboard_of(picker)] == ["#2 Plant trees?"]
    await h.press(GROUP, COMMITTEE, None, buttons_of(picker)["#2 Plant trees?"])
    assert "#2" in last_edit(h)["text"]
    async with h.database.unit_of_work() as uow:
        assert await uow.votes.last_reminder(2, COMMITTEE["id"]) == NOW

    # 91 days on, the closed vote is no longer offered; the open one still is
    h.services.now = lambda: NOW + timedelta(days=91)
    await h.say(GROUP, COMMITTEE, "/result")
    assert [label for label, _ in keyboard_of(last_sent(h, GROUP["id"]))] == ["#2 Plant trees?"]


async def test_a_picker_offers_the_eight_newest(harness: HandlerHarness) -> None:
    h = harness
    await community_in(h, "en")
    for n in range(1, 10):
        await h.say(GROUP, COMMITTEE, f"/vote Question {n}? 2d")
    await h.say(GROUP, COMMITTEE, "/close")
    labels = [label for label, _ in keyboard_of(last_sent(h, GROUP["id"]))]
    assert labels == [f"#{n} Question {n}?" for n in range(9, 1, -1)]


async def test_a_forged_pick_of_another_action_or_vote_changes_nothing(
    harness: HandlerHarness,
) -> None:
    h = harness
    await community_in(h, "en")
    await h.say(GROUP, COMMITTEE, "/vote Paint the gate? 2d")
    await h.say(GROUP, COMMITTEE, "/result")
    picker = last_sent(h, GROUP["id"])
    await h.press(GROUP, COMMITTEE, picker["message_id"], "v1:vk:c:1", picker["reply_markup"])
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    await h.press(GROUP, COMMITTEE, None, "v1:vc:1:9:y", None)  # no such confirmation here
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    assert await status_of(h, 1) is VoteStatus.OPEN


async def draft(h: HandlerHarness, question: str = "Install a lift?") -> dict[str, Any]:
    await h.say(GROUP, COMMITTEE, f"/vote {question}")
    return last_sent(h, GROUP["id"])


@LANGS
async def test_building_secret_and_14_days_start_that_vote(
    harness: HandlerHarness, lang: str
) -> None:
    h = harness
    await community_in(h, lang)
    card = await draft(h)
    buttons = buttons_of(card)
    assert buttons["14 d" if lang == "en" else "14 天"] == "v1:vd:1:d:20160"
    assert buttons["30 d" if lang == "en" else "30 天"] == "v1:vd:1:d:43200"
    assert ("🏢 All buildings" if lang == "en" else "🏢 全部楼栋") in buttons
    await h.press(GROUP, PEOPLE["A"], None, "v1:vd:1:b")  # not the author: nothing shown
    assert h.request.answers()[-1]["text"].startswith(("Only the committee member", "只有发起"))
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:b")
    chooser = last_edit(h)
    labels = [label for label, _ in keyboard_of(chooser)]
    if lang == "en":
        assert labels == ["✅ All buildings", "Building 1", "Building 2", "Building 3", "◀ Back"]
    else:
        assert labels == ["✅ 全部楼栋", "1 号楼", "2 号楼", "3 号楼", "◀ 返回"]
    await h.press(
        GROUP, COMMITTEE, None, buttons_of(chooser)["Building 2" if lang == "en" else "2 号楼"]
    )
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:s")
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:d:20160")
    shown = last_edit(h)
    if lang == "en":
        assert "Building 2 only · secret ballot" in shown["text"]
        assert "✅ 🏢 Building 2" not in buttons_of(shown)
        assert {"🏢 Building 2", "✅ Secret ballot", "✅ 14 d"} <= set(buttons_of(shown))
    else:
        assert "仅限 2 号楼 · 无记名投票" in shown["text"]
        assert {"🏢 2 号楼", "✅ 无记名", "✅ 14 天"} <= set(buttons_of(shown))
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:go")
    async with h.database.unit_of_work() as uow:
        vote = await uow.votes.get(1)
        assert vote is not None
        electorate = await uow.votes.electorate(1, vote.rule)
    assert vote.status is VoteStatus.OPEN and vote.secret and vote.building == "2"
    # opened at 2026-11-22 09:30 UTC, for 14 days
    assert vote.closes_at == datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    # building 2's verified households only: D, E, F, G
    assert set(electorate.voters) == {"2-101", "2-102", "2-201", "2-202"}


async def test_30_days_and_back_to_all_buildings(harness: HandlerHarness) -> None:
    h = harness
    await community_in(h, "en")
    await draft(h)
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:b")
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:bs:0")  # building 1
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:s")
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:s")  # secret off again
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:b")
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:ba")
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:bs:3")  # forged: there is no 4th building
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:d:43200")
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:go")
    async with h.database.unit_of_work() as uow:
        vote = await uow.votes.get(1)
        assert vote is not None
        electorate = await uow.votes.electorate(1, vote.rule)
    assert vote.building is None and not vote.secret
    assert vote.closes_at == datetime(2026, 12, 22, 9, 30, tzinfo=UTC)  # 30 days on
    # the whole community's verified households: A–G
    assert set(electorate.voters) == {
        "1-101",
        "1-102",
        "1-201",
        "2-101",
        "2-102",
        "2-201",
        "2-202",
    }


@LANGS
async def test_edit_question_waits_across_a_restart(
    db: Database, tmp_path: Path, lang: str
) -> None:
    first = await HandlerHarness.start(db)
    try:
        await community_in(first, lang)
        card = await draft(first)
        await first.press(GROUP, COMMITTEE, None, "v1:vd:1:q")
        prompt = first.request.texts(GROUP["id"])[-1]
        assert prompt.startswith(("✏ Send the new question for draft #1", "✏ 请直接发送草稿 #1"))
    finally:
        await first.stop()
    database = await Database.open(tmp_path / "data" / "test.db")  # the same file, reopened
    h = await HandlerHarness.start(database)
    # Telegram's update ids go on after a restart (the inbox skips ids it already holds)
    h._update_ids, h._message_ids = first._update_ids, first._message_ids
    try:
        await h.say(GROUP, PEOPLE["A"], "Not a question from the author")  # not taken
        await h.say(GROUP, COMMITTEE, "   ")
        assert h.request.texts(GROUP["id"])[-1].startswith(
            ("The question cannot be empty", "问题不能为空")
        )
        await h.say(GROUP, COMMITTEE, "x" * 301)
        assert h.request.texts(GROUP["id"])[-1].startswith(("The question is too long", "问题太长"))
        await h.say(GROUP, COMMITTEE, "Install a lift in building 2?")
        assert h.request.texts(GROUP["id"])[-1] == (
            "Draft #1 now asks: Install a lift in building 2?"
            if lang == "en"
            else "草稿 #1 的问题已改为：Install a lift in building 2?"
        )
        redrawn = h.request.sent("editMessageText", GROUP["id"])[-1]
        assert redrawn["message_id"] == card["message_id"]
        assert "Install a lift in building 2?" in redrawn["text"]
        async with h.database.unit_of_work() as uow:
            vote = await uow.votes.get(1)
            assert await uow.votes.question_prompt(COMMITTEE["id"], GROUP["id"]) is None
        assert vote is not None and vote.question == "Install a lift in building 2?"
        await h.say(GROUP, COMMITTEE, "A later message is only a message")
        async with h.database.unit_of_work() as uow:
            vote = await uow.votes.get(1)
        assert vote is not None and vote.question == "Install a lift in building 2?"
    finally:
        await h.stop()
        await database.close()


async def delete_flow(h: HandlerHarness, lang: str) -> None:
    text = TEXTS[lang]
    await community_in(h, lang)
    card = await draft(h)
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:x")
    asked = last_edit(h)
    assert asked["text"].endswith(
        "Delete draft #1? This cannot be undone."
        if lang == "en"
        else "确定删除草稿 #1 吗？删除后不能恢复。"
    )
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:m")  # Back: the draft as it was
    assert last_edit(h)["text"] == card["text"]
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:x")
    await h.press(GROUP, PEOPLE["A"], None, "v1:vd:1:xy")  # not the author's: kept
    assert await status_of(h, 1) is VoteStatus.DRAFT
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:xy")
    deleted = last_edit(h)
    assert deleted["text"] == text["deleted_card"]
    assert "reply_markup" not in deleted
    assert await status_of(h, 1) is VoteStatus.DELETED


@LANGS
async def test_delete_draft_then_a_stale_press(harness: HandlerHarness, lang: str) -> None:
    h = harness
    text = TEXTS[lang]
    await delete_flow(h, lang)
    card = h.request.sent("sendMessage", GROUP["id"])[-1]
    for stale in ("v1:vd:1:go", "v1:vd:1:s", "v1:vd:1:d:20160", "v1:vd:1:q", "v1:vd:1:xy"):
        await h.press(GROUP, COMMITTEE, card["message_id"], stale, card["reply_markup"])
        assert h.request.answers()[-1]["text"] == text["deleted"], stale
    assert await status_of(h, 1) is VoteStatus.DELETED
    await h.say(GROUP, COMMITTEE, "/result 1")
    assert h.request.texts(GROUP["id"])[-1] == text["number_deleted"]
    await h.say(GROUP, COMMITTEE, "/vote Next one?")  # the number stays taken
    assert last_sent(h, GROUP["id"])["text"].startswith(("🗳 New vote #2", "🗳 新表决 #2"))


@LANGS
async def test_leave_asks_to_confirm(harness: HandlerHarness, lang: str) -> None:
    h = harness
    await community_in(h, lang)
    person = PEOPLE["A"]
    await h.say(private(person), person, "/leave")
    (_, data), *_ = keyboard_of(h.request.sent("sendMessage", person["id"])[-1])
    await h.press(private(person), person, None, data)
    asked = h.request.sent("editMessageText", person["id"])[-1]
    assert asked["text"] == (
        "Leave 1-101 in Sunny Garden? You can join again later."
        if lang == "en"
        else "确定退出Sunny Garden 1-101吗？以后可以重新认证。"
    )
    yes, no = (d for _, d in keyboard_of(asked))
    await h.press(private(person), person, None, no)
    assert h.request.answers()[-1]["text"] == (
        "You stay in 1-101 in Sunny Garden." if lang == "en" else "您仍是Sunny Garden 1-101的住户。"
    )
    async with h.database.unit_of_work() as uow:
        assert [m.unit_code for m in await uow.residents.live_of_user(person["id"])] == ["1-101"]
    await h.press(private(person), person, None, data)  # asked again, then Yes
    await h.press(private(person), person, None, yes)
    assert h.request.answers()[-1]["text"] == (
        "You have left 1-101 in Sunny Garden." if lang == "en" else "您已退出Sunny Garden 1-101。"
    )
    async with h.database.unit_of_work() as uow:
        assert await uow.residents.live_of_user(person["id"]) == []
    stranger = user(77, "Stranger", lang)
    await h.press(private(stranger), stranger, None, yes)  # not her screen
    assert h.request.answers()[-1]["text"] == (
        "This button is no longer valid." if lang == "en" else "这个按钮已失效。"
    )


async def test_the_confirmation_presses_delivered_twice_apply_once(
    harness: HandlerHarness,
) -> None:
    harness.redeliver_each = True
    await close_flow(harness, "zh")


async def test_deleting_a_draft_delivered_twice_applies_once(harness: HandlerHarness) -> None:
    harness.redeliver_each = True
    await delete_flow(harness, "en")


async def test_a_new_question_delivered_twice_applies_once(harness: HandlerHarness) -> None:
    h = harness
    h.redeliver_each = True
    await community_in(h, "zh")
    await draft(h)
    await h.press(GROUP, COMMITTEE, None, "v1:vd:1:q")
    await h.say(GROUP, COMMITTEE, "加装电梯？")
    async with h.database.unit_of_work() as uow:
        vote = await uow.votes.get(1)
    assert vote is not None and vote.question == "加装电梯？"
    assert h.request.texts(GROUP["id"])[-1] == "草稿 #1 的问题已改为：加装电梯？"
