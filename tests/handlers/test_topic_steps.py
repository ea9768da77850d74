"""Issue 10, item 10: a topic's card and `/topics` show where it is in the five steps
(提议 → 商议 → 审议 → 决议 → 公示), and the card follows the topic when a vote opens and closes
on it (before, the card kept its Support button and "in discussion" for ever), and names the
meeting whose agenda it is on."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.communities.model import Community
from bot.topics.model import AgendaSlot, Step, Topic, TopicStatus, step_of
from handlers.topics.commands import render_topic_card
from handlers.topics.render import topic_card, topic_list
from tests.handlers.closing import close_by_hand
from tests.handlers.harness import HandlerHarness
from tests.handlers.test_residents_handlers import CREATOR, GROUP, keyboard_of
from tests.handlers.test_votes_handlers import COMMITTEE, PEOPLE, last_sent, residents

EN = {
    "support": "Propose ✓ → [Support] → Review → Vote → Publish\n"
    "Step 2 of 5: gathering support, 2 more households to reach review.",
    "review": "Propose ✓ → Support ✓ → [Review] → Vote → Publish\n"
    "Step 3 of 5: review, waiting for a meeting's agenda.",
    "vote": "Propose ✓ → Support ✓ → Review ✓ → [Vote] → Publish\n"
    "Step 4 of 5: vote, being voted on.",
    "publish": "Propose ✓ → Support ✓ → Review ✓ → Vote ✓ → [Publish]\n"
    "Step 5 of 5: published, outcome: passed.",
    "list": "#1 Fix the gate — ⑤ published: passed (2 👍)",
    # 2026-12-09 19:30 in Shanghai, the community's zone
    "on_agenda": "Step 3 of 5: review, on the agenda of meeting #1 (9 Dec 2026 19:30).",
    "listed_on_agenda": "#1 Fix the gate — ③ review: meeting #1 (9 Dec 2026 19:30) (2 👍)",
}
ZH = {
    "support": "提议 ✓ → 【商议】 → 审议 → 决议 → 公示\n"
    "第 2 步（共 5 步）：征集附议，还差 2 户附议即进入审议。",
    "review": "提议 ✓ → 商议 ✓ → 【审议】 → 决议 → 公示\n"
    "第 3 步（共 5 步）：审议，等待列入议事会议程。",
    "vote": "提议 ✓ → 商议 ✓ → 审议 ✓ → 【决议】 → 公示\n第 4 步（共 5 步）：决议，正在表决。",
    "publish": "提议 ✓ → 商议 ✓ → 审议 ✓ → 决议 ✓ → 【公示】\n"
    "第 5 步（共 5 步）：公示，结果：已通过。",
    "list": "#1 Fix the gate — ⑤公示：已通过（2 👍）",
    "on_agenda": "第 3 步（共 5 步）：审议，已列入议事会 #1（2026年12月9日 19:30）的议程。",
    "listed_on_agenda": "#1 Fix the gate — ③审议：议事会 #1（2026年12月9日 19:30）（2 👍）",
}


def test_each_status_is_one_of_the_five_steps() -> None:
    assert step_of(TopicStatus.PROPOSED) is Step.SUPPORT  # proposing is done once it exists
    assert step_of(TopicStatus.DISCUSSION) is Step.REVIEW
    assert step_of(TopicStatus.VOTING) is Step.VOTE
    for outcome in (TopicStatus.PASSED, TopicStatus.REJECTED, TopicStatus.NO_QUORUM):
        assert step_of(outcome) is Step.PUBLISH
    assert [int(s) for s in Step] == [1, 2, 3, 4, 5]


def _topic(status: TopicStatus, supports: int = 3) -> Topic:
    return Topic(7, 1, 4, "Repaint the bike shed", "", 100, "Li", status, supports, (-100, 9))


def _community(language: str, timezone: str = "Asia/Shanghai") -> Community:
    return Community(1, -100, "Sunny Garden", language, timezone, support_threshold=3)  # type: ignore[arg-type]


def test_the_meeting_a_topic_is_on_in_local_time() -> None:
    # 11:30 UTC is 19:30 in Shanghai (UTC+8) and 12:30 in Berlin in December (UTC+1)
    slot = AgendaSlot(2, datetime(2026, 12, 9, 11, 30, tzinfo=UTC))
    text, keyboard = topic_card(_topic(TopicStatus.DISCUSSION), _community("zh"), slot)
    assert text.endswith("第 3 步（共 5 步）：审议，已列入议事会 #2（2026年12月9日 19:30）的议程。")
    assert keyboard is not None  # in discussion, support may still be given or withdrawn
    text, _ = topic_card(_topic(TopicStatus.DISCUSSION), _community("en", "Europe/Berlin"), slot)
    assert text.endswith("Step 3 of 5: review, on the agenda of meeting #2 (9 Dec 2026 12:30).")
    listed = topic_list(
        [_topic(TopicStatus.DISCUSSION)], _community("zh"), "zh", {7: slot}
    ).splitlines()
    assert listed[1] == "#4 Repaint the bike shed — ③审议：议事会 #2（2026年12月9日 19:30）（3 👍）"


def test_missing_supports_are_counted_from_the_threshold() -> None:
    text, _ = topic_card(_topic(TopicStatus.PROPOSED, supports=1), _community("en"))
    assert text.endswith("Step 2 of 5: gathering support, 2 more households to reach review.")
    listed = topic_list([_topic(TopicStatus.PROPOSED, supports=1)], _community("zh"), "zh")
    assert listed.splitlines()[1] == "#4 Repaint the bike shed — ②商议：还差 2 户附议（1 👍）"


async def _walk_the_steps(h: HandlerHarness, texts: dict[str, str]) -> None:
    await residents(h)
    if texts is ZH:
        await h.say(GROUP, CREATOR, "/lang zh")
    await h.say(GROUP, CREATOR, "/settings support_threshold 2")
    await h.say(GROUP, PEOPLE["A"], "/propose Fix the gate")
    card = last_sent(h, GROUP["id"])
    assert card["text"].endswith(texts["support"])
    support = keyboard_of(card)[0][1]
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        topic = await uow.topics.by_number(community.id, 1)
        assert topic is not None
    await h.press(GROUP, PEOPLE["B"], None, support)
    await h.press(GROUP, PEOPLE["C"], None, support)
    redrawn = await render_topic_card(h.database.unit_of_work, topic.id)  # what LiveCards draws
    assert redrawn is not None and redrawn.text.endswith(texts["review"])

    await h.say(GROUP, COMMITTEE, "/meeting 2026-12-09 19:30 Community room")
    topic_edits = [
        e
        for e in h.request.sent("editMessageText", GROUP["id"])
        if e["message_id"] == card["message_id"]
    ]
    assert topic_edits and topic_edits[-1]["text"].endswith(texts["on_agenda"])
    await h.say(GROUP, PEOPLE["A"], "/topics")
    assert h.request.texts(GROUP["id"])[-1].splitlines()[1] == texts["listed_on_agenda"]

    await h.say(GROUP, COMMITTEE, "/vote 1 simple 7d")
    moved = h.request.sent("editMessageText", GROUP["id"])
    topic_edits = [e for e in moved if e["message_id"] == card["message_id"]]
    assert topic_edits and topic_edits[-1]["text"].endswith(texts["vote"])
    assert "reply_markup" not in topic_edits[-1]  # no Support button once it is being voted on
    vote_card = next(
        m for m in reversed(h.request.sent("sendMessage", GROUP["id"])) if "🗳" in m["text"]
    )
    for name in ("A", "B", "C"):
        await h.press(GROUP, PEOPLE[name], None, keyboard_of(vote_card)[0][1])
    await close_by_hand(h, GROUP, COMMITTEE, 1)
    moved = h.request.sent("editMessageText", GROUP["id"])
    topic_edits = [e for e in moved if e["message_id"] == card["message_id"]]
    assert topic_edits[-1]["text"].endswith(texts["publish"])

    await h.say(GROUP, PEOPLE["A"], "/topics")
    assert h.request.texts(GROUP["id"])[-1].splitlines()[1] == texts["list"]


async def test_a_topic_card_follows_the_five_steps(harness: HandlerHarness) -> None:
    await _walk_the_steps(harness, EN)


async def test_a_topic_card_follows_the_five_steps_in_chinese(harness: HandlerHarness) -> None:
    await _walk_the_steps(harness, ZH)
