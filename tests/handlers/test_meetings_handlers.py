"""Meetings through the handlers, in English and in Chinese: /meeting and its card, the
households' answers (one per household, changed, refused to a stranger and after the start),
/agenda add and remove (a closed topic refused), /minutes refused before the meeting, then the
minutes and the author's marks (decided, a vote draft opened privately, deferred), a move and
a cancellation telling the attendees, and the private menu's buttons. The community is in
Asia/Shanghai; NOW is Sunday 2026-11-22 17:30 there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from bot.meetings.cases import agenda_of_topics, fire_reminder
from bot.meetings.model import Answer
from bot.topics.model import TopicStatus
from handlers.meetings.jobs import start_meetings
from storage.database import Database
from tests.conftest import NOW
from tests.handlers.harness import HandlerHarness, private, user
from tests.handlers.test_residents_handlers import CREATOR, GROUP, keyboard_of
from tests.handlers.test_votes_handlers import COMMITTEE, PEOPLE, residents

STRANGER = user(77, "Stranger")
START = datetime(2026, 12, 9, 11, 30, tzinfo=UTC)  # Wednesday 19:30 in Shanghai

EXPECTED: dict[str, dict[str, str]] = {
    "en": {
        "schedule": "/meeting 2026-12-09 19:30 Community room",
        "card": "🗓 Meeting #1 · 9 Dec 2026 19:30 (Wednesday) · Community room\nAgenda:\n"
        "1. #1 Fix the gate\n2. #3 Paint the fence\n"
        "Attending: {attend} households · Can't attend: {absent} households",
        "attend": "✅ Attend",
        "absent": "❌ Can't attend",
        "attend_a": "Recorded: household 1-101 will attend. You can change this until the"
        " meeting starts.",
        "absent_a": "Recorded: household 1-101 can't attend. You can change this until the"
        " meeting starts.",
        "same_a": "Already recorded for household 1-101: nothing changed.",
        "attend_d": "Recorded: household 2-101 will attend. You can change this until the"
        " meeting starts.",
        "stranger": "Only verified residents can answer for their household. Join first with"
        " /join.",
        "limit": "New meetings take at most 2 topics in discussion onto their agenda.",
        "added": "Topic #5 is on the agenda of meeting #1.",
        "removed": "Topic #3 is off the agenda of meeting #1.",
        "closed": "Topic #2 is passed: only topics in discussion go on an agenda.",
        "proposed": "Topic #4 is still gathering support: only topics in discussion go on an"
        " agenda.",
        "too_early": "Meeting #1 has not happened yet: minutes can be posted once it has started.",
        "not_committee": "Only committee members and administrators can schedule and change"
        " meetings.",
        "past": "2026-11-21 19:30 has already passed: choose a time ahead.",
        "feb": "2027-02-31 is not a date on the calendar: write YYYY-MM-DD, e.g. 2026-03-01.",
        "weekday": "“fri2” is not a weekday: write mon, tue, wed, thu, fri, sat or sun"
        " (周一 … 周日).",
        "moved": "Meeting #1 is now on 10 Dec 2026 20:00; 1 attending told privately.",
        "moved_note": "🗓 Meeting #1 has moved: now 10 Dec 2026 20:00 · Community room (it was"
        " 9 Dec 2026 19:30).",
        "started": "Meeting #1 has already started: answers can no longer be changed.",
        "minutes": "📜 Minutes of meeting #1 (10 Dec 2026 20:00)\nThe gate will be fixed.",
        "minutes_ok": "The minutes of meeting #1 are posted. I sent you a button row per agenda"
        " topic privately (again any time: /meeting 1 in our private chat).",
        "decided": "Topic #1: ✅ Decided.",
        "vote": "Topic #5: 🗳 Put to a vote.",
        "deferred": "Topic #3: ⏭ Deferred.",
    },
    "zh": {
        "schedule": "/meeting 2026-12-09 19:30 Community room",
        "card": "🗓 议事会 #1 · 2026年12月9日 19:30（周三） · Community room\n议程：\n"
        "1. #1 Fix the gate\n2. #3 Paint the fence\n"
        "参加 {attend} 户 · 不能参加 {absent} 户",
        "attend": "✅ 参加",
        "absent": "❌ 不能参加",
        "attend_a": "已登记：1-101 户参加。会议开始前可以更改。",
        "absent_a": "已登记：1-101 户不能参加。会议开始前可以更改。",
        "same_a": "1-101 户已经这样登记过了，没有变化。",
        "attend_d": "已登记：2-101 户参加。会议开始前可以更改。",
        "stranger": "只有已认证的住户才能替本户回复。请先认证我家房屋（/join）。",
        "limit": "新安排的议事会最多列入 2 个审议中的议题。",
        "added": "议题 #5 已列入第 1 次议事会的议程。",
        "removed": "议题 #3 已从第 1 次议事会的议程中移除。",
        "closed": "议题 #2 的状态是“已通过”，已不在审议中：只有审议中的议题可以列入议程。",
        "proposed": "议题 #4 的状态是“征集附议中”，还没有进入审议：只有审议中的议题可以列入议程。",
        "too_early": "第 1 次议事会还没有召开：会议开始后才能发布纪要。",
        "not_committee": "只有业委会成员和管理员可以安排和修改议事会。",
        "past": "2026-11-21 19:30 已经过去了：请选一个将来的时间。",
        "feb": "日历上没有 2027-02-31 这一天：请写 年-月-日，例如 2026-03-01。",
        "weekday": "“fri2”不是星期几：请写 周一 至 周日（或 mon … sun）。",
        "moved": "第 1 次议事会改到 2026年12月10日 20:00；已私信通知 1 位报名参加的住户。",
        "moved_note": "🗓 第 1 次议事会改期：现在是 2026年12月10日 20:00 · Community room"
        "（原定 2026年12月9日 19:30）。",
        "started": "第 1 次议事会已经开始，不能再更改回复。",
        "minutes": "📜 第 1 次议事会纪要（2026年12月10日 20:00）\nThe gate will be fixed.",
        "minutes_ok": "第 1 次议事会纪要已发布。每个议题的处理按钮已私信发给您"
        "（随时可在私聊中发送 /meeting 1 再次打开）。",
        "decided": "议题 #1：✅ 已决定。",
        "vote": "议题 #5：🗳 付诸表决。",
        "deferred": "议题 #3：⏭ 延至下次。",
    },
}


def speaking(person: dict[str, Any], lang: str) -> dict[str, Any]:
    return {**person, "language_code": lang}


async def with_topics(h: HandlerHarness) -> dict[int, int]:
    """Topics #1 … #6: #1, #3, #5 and #6 in discussion (in that order), #2 passed, #4 still
    gathering support. Returns number → id."""
    await residents(h)
    titles = [
        "Fix the gate",
        "Plant trees",
        "Paint the fence",
        "New benches",
        "Bike shed",
        "Lights",
    ]
    statuses = [TopicStatus.DISCUSSION, TopicStatus.PASSED, TopicStatus.DISCUSSION]
    statuses += [TopicStatus.PROPOSED, TopicStatus.DISCUSSION, TopicStatus.DISCUSSION]
    ids = {}
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        for i, (title, status) in enumerate(zip(titles, statuses, strict=True)):
            topic = await uow.topics.add(
                community_id=community.id,
                title=title,
                details="",
                proposed_by=PEOPLE["A"]["id"],
                now=NOW,
            )
            if status is not TopicStatus.PROPOSED:
                await uow.topics.set_status(topic.id, status, now=NOW + timedelta(minutes=i))
            ids[topic.number] = topic.id
        await uow.commit()
    return ids


async def stored(h: HandlerHarness) -> dict[str, list[tuple[Any, ...]]]:
    rows = await h.snapshot()
    return {
        k: v
        for k, v in rows.items()
        if k.startswith("meeting") or k in ("topics", "votes", "communities")
    }


async def refused(h: HandlerHarness, chat: dict[str, Any], who: dict[str, Any], text: str) -> str:
    before = await stored(h)
    await h.say(chat, who, text)
    assert await stored(h) == before, f"{text} changed something"
    return h.request.texts(int(chat["id"]))[-1]


async def card_text(h: HandlerHarness, meeting_id: int) -> str:
    await h.services.meeting_cards.draw_now(meeting_id)
    return str(h.request.sent("editMessageText", GROUP["id"])[-1]["text"])


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_meeting_from_scheduling_to_its_minutes(db: Database, lang: str) -> None:
    h = await HandlerHarness.start(db, lang)
    expected = EXPECTED[lang]
    chair = speaking(COMMITTEE, lang)
    try:
        ids = await with_topics(h)
        h.request.private_open.add(COMMITTEE["id"])
        await h.say(GROUP, PEOPLE["A"], "/settings agenda_limit 2")  # not an admin
        assert h.request.texts(GROUP["id"])[-1] != expected["limit"]
        await h.say(GROUP, CREATOR, "/settings agenda_limit 2")
        assert h.request.texts(GROUP["id"])[-1] == expected["limit"]

        # bad input: a clear answer, nothing stored
        for text, key in [
            ("/meeting 2026-12-09 19:30 Hall", "not_committee"),
        ]:
            assert await refused(h, GROUP, speaking(PEOPLE["A"], lang), text) == expected[key]
        for text, key in [
            ("/meeting 2026-11-21 19:30 Hall", "past"),
            ("/meeting 2027-02-31 19:30 Hall", "feb"),
            ("/meeting weekly fri2 19:30 Hall", "weekday"),
        ]:
            assert await refused(h, GROUP, chair, text) == expected[key]

        await h.say(GROUP, chair, expected["schedule"])
        card = h.request.sent("sendMessage", GROUP["id"])[-1]
        assert card["text"] == expected["card"].format(attend=0, absent=0)
        [(attend_label, attend), (absent_label, absent)] = keyboard_of(card)
        assert (attend_label, absent_label) == (expected["attend"], expected["absent"])
        assert len(attend.encode()) <= 64
        async with h.database.unit_of_work() as uow:
            [meeting] = await uow.meetings.scheduled()

        presses = [
            (PEOPLE["A"], attend, "attend_a"),
            (PEOPLE["A"], attend, "same_a"),  # pressed twice
            (PEOPLE["A"], absent, "absent_a"),  # changed
            (PEOPLE["D"], attend, "attend_d"),
            (STRANGER, attend, "stranger"),
        ]
        for who, data, key in presses:
            await h.press(GROUP, speaking(who, lang), None, data)
            assert h.request.answers()[-1]["text"] == expected[key]
        rows = (await stored(h))["meeting_rsvps"]
        assert sorted((r[1], r[3]) for r in rows) == [("1-101", "absent"), ("2-101", "attend")]
        # the presses only touched the card; LiveCards draws the counts
        assert await card_text(h, meeting.id) == expected["card"].format(attend=1, absent=1)

        # the agenda: #1, #3 (the limit is 2); add #5, take #3 off, put it back
        await h.say(GROUP, chair, "/agenda add 5")
        assert h.request.texts(GROUP["id"])[-1] == expected["added"]
        await h.say(GROUP, chair, "/agenda remove #3 1")
        assert h.request.texts(GROUP["id"])[-1] == expected["removed"]
        await h.say(GROUP, chair, "/agenda add 3")
        assert await refused(h, GROUP, chair, "/agenda add 2") == expected["closed"]
        assert await refused(h, GROUP, chair, "/agenda add 4") == expected["proposed"]
        assert await refused(h, GROUP, chair, "/minutes 1 Too early") == expected["too_early"]
        await h.say(GROUP, PEOPLE["B"], "/agenda")
        shown = h.request.sent("sendMessage", GROUP["id"])[-1]
        assert "#5 Bike shed" in shown["text"] and "3. #3 Paint the fence" in shown["text"]

        # moved: D, who will attend, is told privately
        await h.say(GROUP, chair, "/meeting move 1 2026-12-10 20:00")
        assert h.request.texts(GROUP["id"])[-1] == expected["moved"]
        assert h.request.texts(PEOPLE["D"]["id"])[-1] == expected["moved_note"]
        assert not any("moved" in x for x in h.request.texts(PEOPLE["A"]["id"]))  # can't attend

        # after the start: answers are closed, minutes are taken
        h.services.now = lambda: datetime(2026, 12, 10, 12, 5, tzinfo=UTC)
        await h.press(GROUP, speaking(PEOPLE["B"], lang), None, attend)
        assert h.request.answers()[-1]["text"] == expected["started"]
        await h.say(GROUP, chair, "/minutes 1 The gate will be fixed.")
        assert h.request.texts(GROUP["id"])[-2:] == [expected["minutes_ok"], expected["minutes"]]
        assert h.request.sent("pinChatMessage", GROUP["id"])
        screen = h.request.sent("sendMessage", COMMITTEE["id"])[-1]
        marks = dict(keyboard_of(screen))
        assert len(marks) == 9  # three topics, three buttons each
        await h.say(private(COMMITTEE), chair, "/meeting 1")  # the same buttons, again
        assert dict(keyboard_of(h.request.sent("sendMessage", COMMITTEE["id"])[-1])) == marks
        chat = private(COMMITTEE)
        for label, key in [("#1 ", "decided"), ("#5 ", "vote"), ("#3 ", "deferred")]:
            code = {"decided": "d", "vote": "v", "deferred": "x"}[key]
            data = next(d for lbl, d in marks.items() if lbl.startswith(label) and d.endswith(code))
            await h.press(chat, chair, None, data)
            assert h.request.answers()[-1]["text"] == expected[key]
        async with h.database.unit_of_work() as uow:
            community = await uow.communities.by_chat(GROUP["id"])
            assert community is not None
            topics = {t.number: t.status for t in await uow.topics.of_community(community.id)}
            vote = await uow.votes.by_number(community.id, 1)
            agenda = await uow.meetings.agenda(meeting.id)
        # decided: closed as passed; the vote's draft leaves #5 in discussion until it starts
        assert (topics[1], topics[3], topics[5]) == (
            TopicStatus.PASSED,
            TopicStatus.DISCUSSION,
            TopicStatus.DISCUSSION,
        )
        assert [(i.number, i.outcome and i.outcome.value) for i in agenda] == [
            (1, "decided"),
            (5, "vote"),
            (3, "deferred"),
        ]
        assert vote is not None and vote.topic_id == ids[5] and vote.status.value == "draft"
        draft = h.request.sent("sendMessage", COMMITTEE["id"])[-1]
        assert vote.card == (COMMITTEE["id"], draft["message_id"])
        assert h.request.sent("editMessageText", COMMITTEE["id"])[-1].get("reply_markup") is None
        # the draft's buttons work in the private chat, as on /vote's draft in the group
        go = next(d for _, d in keyboard_of(draft) if d.endswith(":go"))
        await h.press(chat, chair, None, go)
        async with h.database.unit_of_work() as uow:
            started = await uow.votes.by_number(community.id, 1)
            five = await uow.topics.get(ids[5])
        assert started is not None and started.status.value == "open"
        assert five is not None and five.status is TopicStatus.VOTING
        assert any(str(x).startswith("🗳") for x in h.request.texts(GROUP["id"])[-2:])

        # the next meeting takes the deferred topic first, then #6 (the limit is 2)
        await h.say(GROUP, chair, "/meeting 2026-12-17 19:30 Hall")
        async with h.database.unit_of_work() as uow:
            second = await uow.meetings.by_number(community.id, 2)
            assert second is not None
            assert [i.number for i in await uow.meetings.agenda(second.id)] == [3, 6]
            first = await uow.meetings.get(meeting.id)
        assert first is not None and first.status.value == "held"
    finally:
        await h.stop()


async def test_cancelling_tells_the_attendees_and_a_weekly_series_goes_on(
    harness: HandlerHarness,
) -> None:
    h = harness
    await with_topics(h)
    h.request.private_open.add(COMMITTEE["id"])
    await h.say(GROUP, COMMITTEE, "/meeting 每周三 19:30 活动室")
    card = h.request.sent("sendMessage", GROUP["id"])[-1]
    assert card["text"].startswith(
        "🗓 Meeting #1 · 25 Nov 2026 19:30 (Wednesday) · every Wednesday · 活动室\n"
    )
    attend = keyboard_of(card)[0][1]
    for name in ("A", "D"):
        await h.press(GROUP, PEOPLE[name], None, attend)
    await h.say(GROUP, COMMITTEE, "/meeting cancel 1")
    assert h.request.texts(GROUP["id"])[-2] == (
        "Meeting #1 is cancelled; 2 attending told privately.\n"
        "The next weekly meeting is #2 on 2 Dec 2026 19:30."
    )
    for name in ("A", "D"):
        assert h.request.texts(PEOPLE[name]["id"])[-1] == (
            "🚫 Meeting #1 of 25 Nov 2026 19:30 is cancelled."
        )
    cancelled_card = h.request.sent("editMessageText", GROUP["id"])[-1]
    assert cancelled_card["text"].endswith("\n🚫 Cancelled")
    assert cancelled_card.get("reply_markup") is None
    await h.press(GROUP, PEOPLE["B"], card["message_id"], attend, card["reply_markup"])
    assert h.request.answers()[-1]["text"] == "Meeting #1 is cancelled."
    second = h.request.sent("sendMessage", GROUP["id"])[-1]  # posted after the reply
    assert second["text"].startswith("🗓 Meeting #2 · 2 Dec 2026 19:30 (Wednesday)")
    assert "1. #1 Fix the gate" in second["text"]  # the cancelled meeting's topics

    # `all` ends the series: nothing is scheduled after it
    assert (await refused(h, GROUP, COMMITTEE, "/meeting cancel 1 all")) == (
        "Meeting #1 is cancelled."
    )
    await h.say(GROUP, COMMITTEE, "/meeting cancel 2 all")
    assert h.request.texts(GROUP["id"])[-1] == (
        "Meeting #2 is cancelled; 0 attending told privately.\n"
        "The weekly meeting ends: no more are scheduled."
    )
    async with h.database.unit_of_work() as uow:
        assert await uow.meetings.scheduled() == []
        assert await uow.meetings.live_series() == []
        assert await uow.meetings.pending_reminders() == []


async def test_the_private_menu_edits_the_agenda_moves_and_cancels(
    harness: HandlerHarness,
) -> None:
    h = harness
    ids = await with_topics(h)
    h.request.private_open.add(COMMITTEE["id"])
    await h.say(GROUP, COMMITTEE, "/meeting 2026-12-09 19:30 Hall")
    await h.say(GROUP, PEOPLE["A"], "/agenda")
    answer = h.request.sent("sendMessage", GROUP["id"])[-1]
    [(label, open_menu)] = keyboard_of(answer)
    assert label == "✏️ Edit the agenda (privately)"
    await h.press(GROUP, PEOPLE["A"], answer["message_id"], open_menu, answer["reply_markup"])
    assert h.request.answers()[-1]["text"] == (
        "Only committee members and administrators can schedule and change meetings."
    )
    await h.press(GROUP, COMMITTEE, answer["message_id"], open_menu, answer["reply_markup"])
    assert h.request.answers()[-1]["text"] == "I sent you the meeting's menu privately."
    menu = h.request.sent("sendMessage", COMMITTEE["id"])[-1]
    buttons = dict(keyboard_of(menu))
    # the agenda #1, #3, #5, #6 (the default limit is 5): ⬆ and ✖ each; nothing left to add
    assert list(buttons) == [
        "⬆ #1", "✖ #1", "⬆ #3", "✖ #3", "⬆ #5", "✖ #5", "⬆ #6", "✖ #6",
        "⏩ +1 day", "⏩ +1 week", "🚫 Cancel the meeting",
    ]  # fmt: skip
    chat = private(COMMITTEE)
    await h.press(chat, COMMITTEE, None, buttons["✖ #1"])
    assert h.request.answers()[-1]["text"] == "Topic #1 is off the agenda of meeting #1."
    await h.press(chat, COMMITTEE, None, buttons["⬆ #6"])
    menu = h.request.sent("editMessageText", COMMITTEE["id"])[-1]
    buttons = dict(keyboard_of(menu))
    assert "➕ #1 Fix the gate" in buttons
    assert "1. #3 Paint the fence\n2. #6 Lights\n3. #5 Bike shed" in menu["text"]
    # a resident's forged press in their own chat is refused
    await h.press(private(PEOPLE["A"]), PEOPLE["A"], None, buttons["➕ #1 Fix the gate"])
    assert h.request.answers()[-1]["text"] == (
        "Only committee members and administrators can schedule and change meetings."
    )
    await h.press(chat, COMMITTEE, None, buttons["➕ #1 Fix the gate"])
    await h.press(chat, COMMITTEE, None, buttons["⏩ +1 week"])
    assert h.request.answers()[-1]["text"] == (
        "Meeting #1 is now on 16 Dec 2026 19:30; 0 attending told privately."
    )
    async with h.database.unit_of_work() as uow:
        [meeting] = await uow.meetings.scheduled()
        agenda = [i.topic_id for i in await uow.meetings.agenda(meeting.id)]
    assert meeting.starts_at == datetime(2026, 12, 16, 11, 30, tzinfo=UTC)
    assert agenda == [ids[3], ids[6], ids[5], ids[1]]
    await h.press(chat, COMMITTEE, None, buttons["🚫 Cancel the meeting"])
    question = h.request.sent("editMessageText", COMMITTEE["id"])[-1]
    assert question["text"] == "Cancel meeting #1? Those attending are told privately."
    yes = dict(keyboard_of(question))["Yes, cancel it"]
    await h.press(chat, COMMITTEE, None, yes)
    async with h.database.unit_of_work() as uow:
        assert await uow.meetings.scheduled() == []
    # the agenda of topics on upcoming meetings: none are left
    async with h.database.unit_of_work() as uow:
        assert await agenda_of_topics(uow, meeting.community_id) == {}


async def test_a_meeting_and_its_answers_delivered_twice_apply_once(
    harness: HandlerHarness,
) -> None:
    h = harness
    await with_topics(h)
    h.redeliver_each = True
    await h.say(GROUP, COMMITTEE, "/meeting 2026-12-09 19:30 Hall")
    card = h.request.sent("sendMessage", GROUP["id"])[-1]
    [(_, attend), (_, absent)] = keyboard_of(card)
    await h.press(GROUP, PEOPLE["A"], None, attend)
    await h.press(GROUP, PEOPLE["A"], None, absent)
    await h.say(GROUP, COMMITTEE, "/agenda remove 1")
    await h.say(GROUP, COMMITTEE, "/meeting move 1 2026-12-10 19:30")
    cards = [m for m in h.request.texts(GROUP["id"]) if m.startswith("🗓 Meeting #1")]
    assert len(cards) == 1
    async with h.database.unit_of_work() as uow:
        [meeting] = await uow.meetings.scheduled()
        assert await uow.meetings.rsvps(meeting.id) == {"1-101": (Answer.ABSENT, PEOPLE["A"]["id"])}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_meeting_settings(db: Database, lang: str) -> None:
    h = await HandlerHarness.start(db, lang)
    try:
        await residents(h)
        expected = {
            "en": [
                "Meeting reminders: 40 s, 20 s before (for meetings scheduled from now on).",
                "“7x” is not a list of reminders: write them like 7d,1d,1h (also 30m or 40s;"
                " each at most 60 days, at most 6), or off.",
                "Only an administrator can change the settings.",
                "The agenda limit is a whole number from 1 to 20.",
                "Meeting reminders: 7 d, 1 d, 1 h before (for meetings scheduled from now on).",
            ],
            "zh": [
                "议事会提醒：提前 40 秒、20 秒（适用于今后安排的会议）。",
                "“7x”不是提醒时间：请写成 7d,1d,1h（也可 30m、40s；每个最多 60 天，最多 6 个），"
                "或 off。",
                "只有管理员可以修改设置。",
                "议程上限须为 1 至 20 的整数。",
                "议事会提醒：提前 7 天、1 天、1 小时（适用于今后安排的会议）。",
            ],
        }[lang]
        await h.say(GROUP, CREATOR, "/settings meeting_reminders 20s,40s")
        assert h.request.texts(GROUP["id"])[-1] == expected[0]
        assert await refused(h, GROUP, CREATOR, "/settings meeting_reminders 7x") == expected[1]
        assert await refused(h, GROUP, COMMITTEE, "/settings meeting_reminders 1h") == expected[2]
        assert await refused(h, GROUP, CREATOR, "/settings agenda_limit 21") == expected[3]
        await h.say(GROUP, CREATOR, "/settings meeting_reminders 7天,1天,1小时")
        assert h.request.texts(GROUP["id"])[-1] == expected[4]
    finally:
        await h.stop()


async def test_a_topics_card_follows_its_meeting(harness: HandlerHarness) -> None:
    """The topic card is redrawn when its meeting is scheduled and when the meeting decides it
    (step 5, published as passed)."""
    h = harness
    await residents(h)
    h.request.private_open.add(COMMITTEE["id"])
    await h.say(GROUP, PEOPLE["A"], "/propose Fix the gate")
    topic_card = h.request.sent("sendMessage", GROUP["id"])[-1]
    support = keyboard_of(topic_card)[0][1]
    for name in ("A", "B", "D"):
        await h.press(GROUP, PEOPLE[name], None, support)

    def topic_edits() -> list[str]:
        return [
            str(e["text"])
            for e in h.request.sent("editMessageText", GROUP["id"])
            if e["message_id"] == topic_card["message_id"]
        ]

    before = len(topic_edits())
    await h.say(GROUP, COMMITTEE, "/meeting 2026-12-09 19:30 Hall")
    assert len(topic_edits()) == before + 1
    h.services.now = lambda: START + timedelta(minutes=90)
    await h.say(GROUP, COMMITTEE, "/minutes 1 Decided: the gate is fixed next week.")
    marks = keyboard_of(h.request.sent("sendMessage", COMMITTEE["id"])[-1])
    decided = next(d for _, d in marks if d.endswith(":d"))
    await h.press(private(COMMITTEE), COMMITTEE, None, decided)
    assert topic_edits()[-1].endswith("Step 5 of 5: published, outcome: passed.")


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_reminders_in_the_group_show_the_agenda_and_the_answers(
    db: Database, lang: str
) -> None:
    """Fired by their jobs (called here at their times): the week-ahead one is the agenda
    preview; each shows the agenda and the answers as they stand when it goes out."""
    h = await HandlerHarness.start(db, lang)
    try:
        await with_topics(h)
        await h.say(GROUP, COMMITTEE, "/meeting 2026-12-09 19:30 Community room")
        card = h.request.sent("sendMessage", GROUP["id"])[-1]
        await h.press(GROUP, PEOPLE["A"], None, keyboard_of(card)[0][1])
        async with h.database.unit_of_work() as uow:
            [meeting] = await uow.meetings.scheduled()
            week, day, hour = await uow.meetings.reminders(meeting.id)
        heads = {
            "en": [
                "📋 Agenda preview: meeting #1 in 7 d.",
                "⏰ Reminder: meeting #1 in 1 d.",
                "⏰ Reminder: meeting #1 in 1 h.",
            ],
            "zh": [
                "📋 议题预告：第 1 次议事会还有 7 天。",
                "⏰ 提醒：第 1 次议事会还有 1 天。",
                "⏰ 提醒：第 1 次议事会还有 1 小时。",
            ],
        }[lang]
        answers = {"en": "Attending: 1 households", "zh": "参加 1 户"}[lang]
        for reminder, head in zip((week, day, hour), heads, strict=True):
            h.services.now = partial(lambda due: due, reminder.due_at)
            async with h.database.unit_of_work() as uow:
                assert await fire_reminder(uow, reminder.id, now=reminder.due_at) is not None
            await h.settle()
            sent = h.request.texts(GROUP["id"])[-1]
            assert sent.startswith(f"{head}\n🗓 ")
            assert answers in sent and "1. #1 Fix the gate" in sent
        async with h.database.unit_of_work() as uow:  # fired again: nothing
            assert await fire_reminder(uow, hour.id, now=hour.due_at) is None
        await h.settle()
        assert len([x for x in h.request.texts(GROUP["id"]) if x.startswith(heads[2])]) == 1
    finally:
        await h.stop()


async def test_start_up_holds_what_passed_while_down_and_schedules_the_series_next(
    harness: HandlerHarness,
) -> None:
    h = harness
    await with_topics(h)
    await h.say(GROUP, COMMITTEE, "/meeting weekly wed 19:30 Hall")
    card = h.request.sent("sendMessage", GROUP["id"])[-1]
    # down from before the start of #1 (25 Nov) until after it
    h.services.now = lambda: datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    # held, created; #2 is 6½ days ahead: its 1-day and 1-hour reminders, no 7-day one
    assert await start_meetings(h.app) == (1, 1, 2)
    await h.settle()
    redrawn = [
        e
        for e in h.request.sent("editMessageText", GROUP["id"])
        if e["message_id"] == card["message_id"]
    ]
    assert redrawn[-1]["text"].endswith("\n✅ The meeting has taken place.")
    assert h.request.texts(GROUP["id"])[-1].startswith(
        "🗓 Meeting #2 · 2 Dec 2026 19:30 (Wednesday) · every Wednesday · Hall"
    )
    assert await start_meetings(h.app) == (0, 0, 2)  # a second start changes nothing
