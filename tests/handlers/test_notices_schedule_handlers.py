"""Scheduled notices, /notices, Cancel and Withdraw through the handlers, in English and in
Chinese. The community is in Asia/Shanghai; now is Sunday 2026-11-22 17:30 there (09:30 UTC),
so 明天 08:00 is Monday 2026-11-23 08:00 local, 00:00 UTC."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from handlers.notices.jobs import rearm_notices
from storage.database import Database
from tests.handlers.harness import HandlerHarness, private
from tests.handlers.test_notices_handlers import SPOUSE, speaking, with_spouse
from tests.handlers.test_residents_handlers import CREATOR, GROUP, REP, keyboard_of
from tests.handlers.test_votes_handlers import COMMITTEE, PEOPLE

MONDAY_8 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)

TEXT = {
    "en": {
        "tomorrow": "tomorrow",
        "scheduled": "⏰ Notice #1 (all households) will be posted on 23 Nov 2026 08:00."
        " /notices lists it with a Cancel button.",
        "bad_date": "2026-02-31 is not a date on the calendar: write YYYY-MM-DD, e.g. 2026-03-01.",
        "bad_day": "“周八” is not a weekday: write mon, tue, wed, thu, fri, sat or sun (周一 … 周日).",
        "in_past": "2026-11-22 08:00 has already passed: choose a time ahead.",
        "list": "📋 Notices of Sunny Garden (the last 30 days and the scheduled ones)\n"
        "#3 · building 2 · read 0/4 (0 %) · Lift check\n"
        "#2 · all households · read 0/7 (0 %) · Garden party\n"
        "⏰ #1 · 23 Nov 2026 08:00 · all households · Water off",
        "withdraw_2": "↩️ Withdraw #2",
        "cancel_1": "❌ Cancel #1",
        "cancelled": "Scheduled notice #1 is cancelled: it will not be posted.",
        "already_off": "Notice #1 has already been cancelled or withdrawn.",
        "not_yours": "Only the author of notice #2 or an administrator can do this.",
        "withdrawn": "Notice #2 is withdrawn: its card says so, and no more copies go out.",
        "card_withdrawn": "📢 Notice #2 · all households\n↩️ Withdrawn: this notice no longer"
        " applies.",
        "read_withdrawn": "Notice #2 was withdrawn: there is nothing to confirm.",
        "cancel_published": "Notice #4 has already been posted: it can't be cancelled any more;"
        " withdraw it instead.",
        "copy_withdrawn": "📢 Sunny Garden · notice #3\n↩️ Withdrawn: this notice no longer"
        " applies.",
        "not_yours_3": "Only the author of notice #3 or an administrator can do this.",
    },
    "zh": {
        "tomorrow": "明天",
        "scheduled": "⏰ 通知 #1（全体住户）将于 2026年11月23日 08:00 发布。/notices 可查看并取消。",
        "bad_date": "日历上没有 2026-02-31 这一天：请写 年-月-日，例如 2026-03-01。",
        "bad_day": "“周八”不是星期几：请写 周一 至 周日（或 mon … sun）。",
        "in_past": "2026-11-22 08:00 已经过去了：请选一个将来的时间。",
        "list": "📋 Sunny Garden 的通知（近 30 天及定时通知）\n"
        "#3 · 2号楼 · 已读 0/4（0%）· Lift check\n"
        "#2 · 全体住户 · 已读 0/7（0%）· Garden party\n"
        "⏰ #1 · 2026年11月23日 08:00 · 全体住户 · Water off",
        "withdraw_2": "↩️ 撤回 #2",
        "cancel_1": "❌ 取消 #1",
        "cancelled": "定时通知 #1 已取消，不会发布。",
        "already_off": "通知 #1 已被取消或撤回。",
        "not_yours": "只有通知 #2 的发布者或管理员可以这样做。",
        "withdrawn": "通知 #2 已撤回：卡片已注明，不再发送私聊副本。",
        "card_withdrawn": "📢 通知 #2 · 全体住户\n↩️ 已撤回：本通知不再有效。",
        "read_withdrawn": "通知 #2 已撤回，无需确认。",
        "cancel_published": "通知 #4 已经发布，不能再取消；可以撤回。",
        "copy_withdrawn": "📢 Sunny Garden · 通知 #3\n↩️ 已撤回：本通知不再有效。",
        "not_yours_3": "只有通知 #3 的发布者或管理员可以这样做。",
    },
}


async def notices_rows(h: HandlerHarness) -> list[tuple[Any, ...]]:
    return (await h.snapshot())["notices"]


async def publish_at(h: HandlerHarness, moment: datetime) -> None:
    """The clock reaches `moment`; the jobs armed again (as at start-up) fire at once."""
    h.services.now = lambda: moment
    await rearm_notices(h.app)
    await asyncio.sleep(0.3)  # the job queue runs the due job
    await h.settle()


async def statuses(h: HandlerHarness) -> dict[int, str]:
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        found = [await uow.notices.by_number(community.id, n) for n in range(1, 10)]
    return {n.number: n.status.value for n in found if n is not None}


def jobs(h: HandlerHarness) -> list[str]:
    assert h.app.job_queue is not None
    return sorted(job.name for job in h.app.job_queue.jobs() if job.name)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_scheduled_notice_is_posted_once_at_its_time(db: Database, lang: str) -> None:
    h = await HandlerHarness.start(db, lang)
    text = TEXT[lang]
    try:
        await with_spouse(h)
        committee = speaking(COMMITTEE, lang)
        refusals = [
            ("/notice at 2026-02-31 08:00 Water off", text["bad_date"]),
            ("/notice 周八 19:30 Water off", text["bad_day"]),
            ("/notice at 2026-11-22 08:00 Water off", text["in_past"]),
        ]
        for command, answer in refusals:
            await h.say(GROUP, committee, command)
            assert h.request.texts(GROUP["id"])[-1] == answer, command
        assert await notices_rows(h) == []
        assert jobs(h) == []

        cards_before = len(h.request.sent("sendMessage", GROUP["id"]))
        await h.say(GROUP, committee, f"/notice {text['tomorrow']} 08:00 Water off")
        assert h.request.texts(GROUP["id"])[-1] == text["scheduled"]
        assert len(h.request.sent("sendMessage", GROUP["id"])) == cards_before + 1  # the reply
        [row] = await notices_rows(h)
        assert "scheduled" in row and "2026-11-23T00:00:00+00:00" in row
        assert jobs(h) == ["notice-publish:1"]
        assert not [r for r in (await h.snapshot())["outbox"] if "notice" in str(r)]

        await publish_at(h, MONDAY_8)
        cards = [
            m for m in h.request.sent("sendMessage", GROUP["id"]) if "Water off\n" in m["text"]
        ]
        assert len(cards) == 1
        await publish_at(h, MONDAY_8)  # armed and fired again: still once
        cards = [
            m for m in h.request.sent("sendMessage", GROUP["id"]) if "Water off\n" in m["text"]
        ]
        assert len(cards) == 1
        assert jobs(h) == []
    finally:
        await h.stop()


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_notices_lists_and_cancels_and_withdraws(db: Database, lang: str) -> None:
    h = await HandlerHarness.start(db, lang)
    text = TEXT[lang]
    try:
        await with_spouse(h)
        h.redeliver_each = True  # every update a second time: nothing more changes or is sent
        committee, rep = speaking(COMMITTEE, lang), speaking(REP, lang)
        await h.say(GROUP, committee, f"/notice {text['tomorrow']} 08:00 Water off")
        await h.say(GROUP, committee, "/notice Garden party")
        await h.say(GROUP, rep, "/notice building 2 Lift check")
        garden = next(
            m for m in h.request.sent("sendMessage", GROUP["id"]) if "Garden party" in m["text"]
        )
        [(_, read_2)] = keyboard_of(garden)

        await h.say(GROUP, committee, "/notices")
        listed = h.request.sent("sendMessage", GROUP["id"])[-1]
        assert listed["text"] == text["list"]
        buttons = keyboard_of(listed)
        assert [label for label, _ in buttons] == [text["withdraw_2"], text["cancel_1"]]
        (_, withdraw_2), (_, cancel_1) = buttons

        await h.press(GROUP, committee, None, cancel_1)
        assert h.request.answers()[-1]["text"] == text["cancelled"]
        assert jobs(h) == []
        await h.press(GROUP, committee, None, cancel_1)  # pressed twice
        assert h.request.answers()[-1]["text"] == text["already_off"]

        before = await h.snapshot()
        await h.press(GROUP, rep, None, withdraw_2)  # not the author, no admin
        assert h.request.answers()[-1]["text"] == text["not_yours"]
        assert await h.snapshot() == before

        await h.press(GROUP, committee, None, withdraw_2)
        assert h.request.answers()[-1]["text"] == text["withdrawn"]
        redrawn = h.request.sent("editMessageText", GROUP["id"])[-1]
        assert redrawn["message_id"] == garden["message_id"]
        assert redrawn["text"] == text["card_withdrawn"]
        assert "reply_markup" not in redrawn or not redrawn["reply_markup"]
        await h.press(
            GROUP, speaking(PEOPLE["A"], lang), garden["message_id"], read_2, garden["reply_markup"]
        )
        assert h.request.answers()[-1]["text"] == text["read_withdrawn"]
        assert (await h.snapshot())["notice_reads"] == []

        # a scheduled one listed, then published: its old Cancel button is refused
        await h.say(GROUP, committee, f"/notice {text['tomorrow']} 08:00 Bins moved")
        await h.say(GROUP, committee, "/notices")
        [cancel_4] = [
            d
            for label, d in keyboard_of(h.request.sent("sendMessage", GROUP["id"])[-1])
            if "4" in label
        ]
        await publish_at(h, MONDAY_8)
        await h.press(GROUP, committee, None, cancel_4)
        assert h.request.answers()[-1]["text"] == text["cancel_published"]

        # /notice withdraw 3: only its author (the rep) or an admin; the copies say so
        await h.say(GROUP, committee, "/notice withdraw 3")
        assert h.request.texts(GROUP["id"])[-1] == text["not_yours_3"]
        await h.say(GROUP, rep, "/notice withdraw 3")
        edited = h.request.sent("editMessageText", SPOUSE["id"])[-1]
        assert edited["text"] == text["copy_withdrawn"]
        assert not edited.get("reply_markup")
        assert await statuses(h) == {
            1: "cancelled",
            2: "withdrawn",
            3: "withdrawn",
            4: "published",
        }
    finally:
        await h.stop()


async def test_notices_in_private_and_for_an_admin(harness: HandlerHarness) -> None:
    h = harness
    await with_spouse(h)
    await h.say(GROUP, REP, "/notice building 2 Lift check")
    # a resident privately: the list of their one community, no buttons
    await h.say(private(PEOPLE["D"]), PEOPLE["D"], "/notices")
    listed = h.request.sent("sendMessage", PEOPLE["D"]["id"])[-1]
    assert listed["text"].endswith("#1 · building 2 · read 0/4 (0 %) · Lift check")
    assert not listed.get("reply_markup") or not keyboard_of(listed)
    # the group's admin sees Withdraw on the rep's notice
    await h.say(GROUP, CREATOR, "/notices")
    assert [label for label, _ in keyboard_of(h.request.sent("sendMessage", GROUP["id"])[-1])] == [
        "↩️ Withdraw #1"
    ]
