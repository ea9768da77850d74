"""Announced Civil Code votes that open by themselves, and objections during the publication
period, through the handlers (English and Chinese)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from handlers.votes.jobs import rearm_votes
from tests.conftest import NOW
from tests.handlers.closing import close_by_hand
from tests.handlers.harness import HandlerHarness, private
from tests.handlers.test_residents_handlers import CREATOR, GROUP, keyboard_of
from tests.handlers.test_votes_trust_handlers import CHAIR, PEOPLE, prepare


async def wait_for_text(h: HandlerHarness, chat_id: int, start: str) -> str:
    for _ in range(200):
        found = [text for text in h.request.texts(chat_id) if text.startswith(start)]
        if found:
            return found[-1]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no message starting with {start!r} in {h.request.texts(chat_id)}")


async def test_an_announced_vote_opens_by_itself_on_its_date(harness: HandlerHarness) -> None:
    h = harness
    await prepare(h)
    await h.say(GROUP, CREATOR, "/settings notice_days 15")
    assert h.request.texts(GROUP["id"])[-1] == (
        "Owners' votes: announced 15 days before they open; results published 7 days for "
        "objections."
    )
    await h.say(GROUP, CHAIR, "/vote Install an elevator? double-majority 7d")
    card = h.request.sent("sendMessage", GROUP["id"])[-1]
    assert card["text"].startswith("📣 Vote #1 announced: Install an elevator?")
    assert "Voting opens 7 Dec 2026 17:30 and closes 14 Dec 2026 17:30" in card["text"]
    assert "reply_markup" not in card
    await h.say(GROUP, PEOPLE["A"], "/result 1")
    assert h.request.texts(GROUP["id"])[-1].startswith("📣 Vote #1 announced")
    await h.press(GROUP, PEOPLE["A"], None, "v1:vb:1:f")  # a forged ballot before it opens
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."

    # fifteen days later (the bot restarted meanwhile): it opens, and the card gets its buttons
    h.app.bot_data["services"].now = lambda: NOW + timedelta(days=15)
    await rearm_votes(h.app)
    await wait_for_text(h, GROUP["id"], "🗳 Vote #1 has started")
    live = h.request.sent("editMessageText", GROUP["id"])[-1]
    assert live["text"].startswith("🗳 Vote #1: Install an elevator?")
    assert [label for label, _ in keyboard_of(live)] == [
        "👍 For",
        "👎 Against",
        "✋ Abstain",
        "🧾 My ballot",
    ]


async def test_objections_in_chinese_reach_the_committee_and_are_answered(
    harness: HandlerHarness,
) -> None:
    h = harness
    await prepare(h, "zh")
    owner_b = {**PEOPLE["B"], "language_code": "zh"}
    chair = {**CHAIR, "language_code": "zh"}
    h.request.private_open.add(CHAIR["id"])
    await h.say(GROUP, chair, "/vote 是否加装电梯 双过半 7天")
    await h.say(private(owner_b), owner_b, "/object 1 我的书面票没有计入")
    assert h.request.texts(owner_b["id"])[-1] == "表决 #1 还没有公示结果，无法提出异议。"
    await close_by_hand(h, GROUP, chair, 1)
    result = h.request.texts(GROUP["id"])[-1]
    assert "公示期至 2026年11月29日 17:30：有异议的业主可发送 /object 1 <理由>。" in result

    await h.say(private(owner_b), owner_b, "/object 1 我的书面票没有计入")
    assert h.request.texts(owner_b["id"])[-1] == (
        "您对表决 #1 的异议 #1 已记录；业委会将私聊答复您。"
    )
    to_chair = h.request.texts(CHAIR["id"])[-1]
    assert to_chair.startswith(
        "⚖️ Owner B 对表决 #1「是否加装电梯」提出异议 #1：\n我的书面票没有计入"
    )
    assert not any("书面票没有计入" in text for text in h.request.texts(GROUP["id"]))

    await h.say(GROUP, chair, "/objections 1")
    assert h.request.texts(GROUP["id"])[-1] == "我已私聊把异议发给您。"
    assert "#1 Owner B" in h.request.texts(CHAIR["id"])[-1]
    assert h.request.texts(CHAIR["id"])[-1].endswith("→ 尚未答复")
    await h.say(GROUP, owner_b, "/objections 1")
    assert h.request.texts(GROUP["id"])[-1] == "只有业委会成员和管理员可以查看和答复异议。"

    await h.say(private(chair), chair, "/answer 1 1 已核实：您的书面票 11月24日录入，见计票明细。")
    assert h.request.texts(CHAIR["id"])[-1] == (
        "您对异议 #1 的答复已随表决 #1 保存，并将私聊通知该业主。"
    )
    assert h.request.texts(owner_b["id"])[-1] == (
        "⚖️ 业委会对您就表决 #1「是否加装电梯」提出的异议 #1 的答复：\n"
        "已核实：您的书面票 11月24日录入，见计票明细。"
    )
    await h.say(private(owner_b), owner_b, "/object 1")
    assert h.request.texts(owner_b["id"])[-1].startswith("用法：/object <表决编号> <理由>")
