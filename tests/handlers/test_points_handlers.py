"""Points (积分) through the handlers, in English and in Chinese: what each act pays and that it
pays once (a ballot pressed twice and changed, a support withdrawn and given again, a topic
reaching discussion, a report taken up or rejected, a notice read by two residents of one
household, a meeting's attendance), `/points`, `/top` with ranks worked out by hand, the
opt-out, grants and redemptions with every bad input, and `/settings points`. The flows run
again with every update delivered twice: a redelivery pays nothing more."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from storage.database import Database
from tests.conftest import NOW
from tests.handlers import test_reports_handlers as reports
from tests.handlers.harness import HandlerHarness, private, user
from tests.handlers.test_meetings_handlers import START
from tests.handlers.test_notices_handlers import SPOUSE, with_spouse
from tests.handlers.test_reports_handlers import api  # noqa: F401 (the reports flow takes it)
from tests.handlers.test_residents_handlers import CREATOR, GROUP, keyboard_of
from tests.handlers.test_votes_handlers import COMMITTEE, PEOPLE, last_sent, residents

STRANGER = user(77, "Stranger")
Ledger = list[tuple[str, str, int]]


def speaking(person: dict[str, Any], lang: str) -> dict[str, Any]:
    return {**person, "language_code": lang}


async def ledger(h: HandlerHarness) -> Ledger:
    """(household, act, amount) of every ledger row."""
    rows = (await h.snapshot())["points_ledger"]
    return sorted((row[2], row[3], row[5]) for row in rows)


def ballot_buttons(card: dict[str, Any]) -> dict[str, str]:
    """For / Against / Abstain by their payload's last letter (f, a, x)."""
    return {
        data.rsplit(":", 1)[1]: data for _, data in keyboard_of(card) if data.startswith("v1:vb:")
    }


async def standing_choices(h: HandlerHarness, number: int) -> dict[str, str]:
    """The ballot that stands for each household of vote `number` (the changes were kept)."""
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        vote = await uow.votes.by_number(community.id, number)
        assert vote is not None
        ballots = await uow.votes.ballots_of(vote.id, ["1-101", "1-102", "2-101"])
    return {key: ballot.choice.value for key, ballot in ballots.items()}


async def ballots_flow(h: HandlerHarness, lang: str = "en") -> None:
    await residents(h)
    await h.say(GROUP, COMMITTEE, "/vote Paint the gate? simple 1d")
    vote = ballot_buttons(last_sent(h, GROUP["id"]))
    a, b, d = (speaking(PEOPLE[name], lang) for name in "ABD")
    await h.press(GROUP, a, None, vote["f"])
    await h.press(GROUP, a, None, vote["f"])  # pressed twice
    await h.press(GROUP, a, None, vote["a"])  # and changed
    await h.press(GROUP, b, None, vote["a"])
    await h.say(GROUP, COMMITTEE, "/paper 1 2-101 for")  # a paper ballot is the household's
    await h.press(GROUP, d, None, vote["a"])  # then changed online: nothing more
    assert await ledger(h) == [
        ("1-101", "ballot", 1),
        ("1-102", "ballot", 1),
        ("2-101", "ballot", 1),
    ]
    assert await standing_choices(h, 1) == {
        "1-101": "against",
        "1-102": "against",
        "2-101": "against",
    }
    # a Civil Code vote: C owns 1-201 and 1-202, one owner, one ballot, one point (to 1-201)
    await h.say(GROUP, COMMITTEE, "/vote Hire a new property manager? double-majority 1d")
    owners = ballot_buttons(last_sent(h, GROUP["id"]))
    await h.press(GROUP, speaking(PEOPLE["C"], lang), None, owners["f"])
    await h.press(GROUP, speaking(PEOPLE["C"], lang), None, owners["x"])
    assert [row for row in await ledger(h) if row[0].startswith("1-2")] == [("1-201", "ballot", 1)]


async def support_flow(h: HandlerHarness, lang: str = "en") -> None:
    await residents(h)
    await h.say(GROUP, CREATOR, "/settings support_threshold 2")
    await h.say(GROUP, PEOPLE["A"], "/propose Benches by the gate\nFor the elderly.")
    support = keyboard_of(last_sent(h, GROUP["id"]))[0][1]
    b, c = speaking(PEOPLE["B"], lang), speaking(PEOPLE["C"], lang)
    await h.press(GROUP, b, None, support)  # supports
    await h.press(GROUP, b, None, support)  # withdraws: nothing taken back
    assert await ledger(h) == [("1-102", "support", 1)]
    await h.press(GROUP, b, None, support)  # supports again: nothing more
    await h.press(GROUP, c, None, support)  # the second household: discussion
    expected = [("1-101", "topic_reached", 3), ("1-102", "support", 1), ("1-201", "support", 1)]
    assert await ledger(h) == expected
    await h.press(GROUP, c, None, support)
    await h.press(GROUP, c, None, support)
    assert await ledger(h) == expected


async def reports_flow(h: HandlerHarness, lang: str = "en") -> None:
    await reports.residents(h)  # ALICE 2-101, BEN 1-101, DAN 2-102; Carol is the group's admin
    staff = reports.STAFF_GROUP
    await h.say(staff, CREATOR, "/staffchat")
    await reports.quick_report(h, reports.ALICE, "The bike shed roof leaks")
    [alice] = await reports.tickets(h)
    await h.press(staff, CREATOR, None, f"v1:rs:{alice.id}:a")  # acknowledged: +2
    await h.press(staff, CREATOR, None, f"v1:rs:{alice.id}:s")  # in progress: nothing more
    assert await ledger(h) == [("2-101", "report_acknowledged", 2)]
    assert (await reports.tickets(h))[0].status.value == "in_progress"

    await reports.quick_report(h, reports.BEN, "The lobby light flickers")
    ben = next(t for t in await reports.tickets(h) if t.id != alice.id)
    await h.press(staff, CREATOR, None, f"v1:rs:{ben.id}:x")
    await h.press(staff, CREATOR, None, f"v1:rs:{ben.id}:x1")  # rejected: nothing
    assert (await reports.tickets(h))[-1].status.value == "rejected"

    await reports.quick_report(h, reports.DAN, "The gate squeaks")
    dan = next(t for t in await reports.tickets(h) if t.id not in (alice.id, ben.id))
    await h.press(staff, CREATOR, None, f"v1:rs:{dan.id}:r")  # resolved at once: taken up too
    assert await ledger(h) == [
        ("2-101", "report_acknowledged", 2),
        ("2-102", "report_acknowledged", 2),
    ]


async def notices_flow(h: HandlerHarness, lang: str = "en") -> None:
    await with_spouse(h)  # D and the spouse live in 2-101, E in 2-102
    await h.say(GROUP, reports.REP, "/notice building 2 Water is off on Friday 9–12")
    [(_, read)] = keyboard_of(h.request.sent("sendMessage", GROUP["id"])[-1])
    await h.press(GROUP, speaking(PEOPLE["D"], lang), None, read)
    await h.press(GROUP, speaking(SPOUSE, lang), None, read)  # the same household
    await h.press(GROUP, speaking(PEOPLE["D"], lang), None, read)  # twice
    await h.press(GROUP, speaking(PEOPLE["E"], lang), None, read)
    await h.press(GROUP, speaking(PEOPLE["A"], lang), None, read)  # building 1: refused
    assert await ledger(h) == [("2-101", "notice_read", 1), ("2-102", "notice_read", 1)]


async def meeting_flow(h: HandlerHarness, lang: str = "en") -> None:
    await residents(h)
    await h.say(GROUP, COMMITTEE, "/meeting 2026-12-09 19:30 Hall")
    [(_, attend), (_, absent)] = keyboard_of(h.request.sent("sendMessage", GROUP["id"])[-1])
    for name, answer in (("A", attend), ("B", attend), ("B", absent), ("D", absent), ("E", attend)):
        await h.press(GROUP, speaking(PEOPLE[name], lang), None, answer)
    assert await ledger(h) == []  # answering pays nothing: the minutes record attendance
    h.services.now = lambda: START + timedelta(minutes=90)
    await h.say(GROUP, COMMITTEE, "/minutes 1 The gate will be fixed.")
    expected = [("1-101", "meeting_attended", 2), ("2-102", "meeting_attended", 2)]
    assert await ledger(h) == expected
    await h.say(GROUP, COMMITTEE, "/minutes 1 Again.")  # refused: the minutes exist
    assert await ledger(h) == expected


Flow = Callable[[HandlerHarness, str], Awaitable[None]]
FLOWS: list[Flow] = [ballots_flow, support_flow, reports_flow, notices_flow, meeting_flow]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("flow", FLOWS, ids=lambda f: f.__name__)
async def test_each_act_pays_once_whatever_is_pressed_again(
    db: Database, flow: Flow, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = await HandlerHarness.start(db, lang)
    try:
        reports.BotApiExtras(h, monkeypatch)
        await flow(h, lang)
    finally:
        await h.stop()


@pytest.mark.parametrize("flow", FLOWS, ids=lambda f: f.__name__)
async def test_every_update_delivered_twice_pays_nothing_more(
    db: Database, flow: Flow, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = await HandlerHarness.start(db, "en")
    try:
        reports.BotApiExtras(h, monkeypatch)
        h.redeliver_each = True
        await flow(h, "en")
    finally:
        await h.stop()


POINTS_TEXT = {
    "en": "⭐ Your points\n\n"
    "Household 1-101 (Sunny Garden) — points: 1\n"
    "  22 Nov 2026 17:30 · Voted: +1\n\n"
    "How a household earns points (each act once):\n"
    "  Voted: +1\n  Supported a topic: +1\n  Your topic reached discussion: +3\n"
    "  Your report was taken up: +2\n  Confirmed a notice: +1\n  Attended a meeting: +2",
    "zh": "⭐ 我的积分\n\n"
    "Sunny Garden 1-101 户：1 分\n"
    "　2026年11月22日 17:30　参加投票：+1\n\n"
    "怎样得积分（每件事只算一次）：\n"
    "　参加投票：+1\n　附议议题：+1\n　您提的议题进入审议：+3\n"
    "　报修被受理：+2\n　确认已读通知：+1\n　参加议事会：+2",
}
SENT_PRIVATELY = {"en": "I have sent it to you in a private chat.", "zh": "已私聊发给您。"}
NOT_RESIDENT = {
    "en": "Only verified residents have points. Join your household first: /join.",
    "zh": "只有认证过的住户才有积分。请先用 /join 加入您家。",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_points_go_privately_with_the_last_entries(db: Database, lang: str) -> None:
    h = await HandlerHarness.start(db, lang)
    try:
        await residents(h)
        await h.say(GROUP, COMMITTEE, "/vote Paint the gate? simple 1d")
        vote = ballot_buttons(last_sent(h, GROUP["id"]))
        a = speaking(PEOPLE["A"], lang)
        await h.press(GROUP, a, None, vote["f"])
        await h.say(GROUP, a, "/points")
        assert h.request.texts(GROUP["id"])[-1] == SENT_PRIVATELY[lang]
        assert h.request.texts(a["id"])[-1] == POINTS_TEXT[lang]
        await h.say(private(a), a, "/points")  # in private: the same, there
        assert h.request.texts(a["id"])[-1] == POINTS_TEXT[lang]
        await h.say(GROUP, speaking(STRANGER, lang), "/points")
        assert h.request.texts(GROUP["id"])[-1] == NOT_RESIDENT[lang]
    finally:
        await h.stop()


TOP = {
    "en": "🏆 Points ranking · Sunny Garden\n\n"
    "This month (November 2026):\n"
    "1. 2-201 — points: 5\n"
    "2. 1-101 — points: 3\n"
    "2. {hidden} — points: 3\n\n"
    "All time:\n"
    "1. 1-101 — points: 7\n"
    "2. 1-202 — points: 6\n"
    "3. 2-201 — points: 5\n"
    "4. {hidden} — points: 3\n\n"
    "Households are shown by unit only, never by name. Not to be shown by unit: /top optout.",
    "zh": "🏆 积分排行 · Sunny Garden\n\n"
    "本月（2026年11月）：\n"
    "第 1 名　2-201：5 分\n"
    "第 2 名　1-101：3 分\n"
    "第 2 名　{hidden}：3 分\n\n"
    "累计：\n"
    "第 1 名　1-101：7 分\n"
    "第 2 名　1-202：6 分\n"
    "第 3 名　2-201：5 分\n"
    "第 4 名　{hidden}：3 分\n\n"
    "排行只显示房号，不显示姓名。不想显示房号，请发 /top optout。",
}
HIDDEN = {"en": "a household (not named)", "zh": "一户住户（不具名）"}
OPTED = {
    "en": (
        "Done: your household is shown as “a household (not named)” in /top."
        " To be shown by unit again: /top optin.",
        "Done. Another resident of your household asked not to be named, so it stays"
        " “a household (not named)” in /top.",
        "Done: your household is shown by its unit in /top again.",
    ),
    "zh": (
        "好的：在排行里，您家显示为“一户住户（不具名）”。想重新显示房号，请发 /top optin。",
        "好的。不过您家还有别的住户不想显示，所以排行里仍显示为“一户住户（不具名）”。",
        "好的：在排行里，您家又会显示房号了。",
    ),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_top_ranks_this_month_and_all_time_and_honours_the_opt_out(
    db: Database, lang: str
) -> None:
    """Worked out by hand. Last month (October in Shanghai): 1-101 +4, 1-202 +6. This month:
    1-101 +3 at midnight of 1 November Shanghai time (16:00 UTC on 31 October), 2-201 +5,
    2-101 +3, and 1-202 redeems 2 (a redemption does not lower a ranking).
    This month: 2-201 5; 1-101 3 and 2-101 3 share place 2.
    All time: 1-101 7; 1-202 6; 2-201 5; 2-101 3."""
    h = await HandlerHarness.start(db, lang)
    try:
        await with_spouse(h)
        seeds = [
            (datetime(2026, 10, 31, 15, 59, tzinfo=UTC), "grant 1-101 4 autumn fair"),
            (datetime(2026, 10, 31, 15, 59, tzinfo=UTC), "grant 1-202 6 autumn fair"),
            (datetime(2026, 10, 31, 16, 0, tzinfo=UTC), "grant 1-101 3 tree planting"),
            (NOW, "grant 2-201 5 cleanup day"),
            (NOW, "grant 2-101 3 cleanup day"),
            (NOW, "redeem 1-202 2 one parking hour"),
        ]
        for moment, command in seeds:
            h.services.now = lambda moment=moment: moment  # type: ignore[misc]
            await h.say(GROUP, CREATOR, f"/points {command}")
        h.services.now = lambda: NOW
        await h.say(GROUP, PEOPLE["A"], "/top")
        assert h.request.texts(GROUP["id"])[-1] == TOP[lang].replace("{hidden}", "2-101")

        spouse, d = speaking(SPOUSE, lang), speaking(PEOPLE["D"], lang)
        await h.say(GROUP, spouse, "/top optout")
        assert h.request.texts(GROUP["id"])[-1] == OPTED[lang][0]
        await h.say(GROUP, PEOPLE["A"], "/top")
        assert h.request.texts(GROUP["id"])[-1] == TOP[lang].replace("{hidden}", HIDDEN[lang])
        await h.say(GROUP, d, "/top optin")  # D's own choice: the spouse's still hides it
        assert h.request.texts(GROUP["id"])[-1] == OPTED[lang][1]
        await h.say(GROUP, PEOPLE["A"], "/top")
        assert h.request.texts(GROUP["id"])[-1] == TOP[lang].replace("{hidden}", HIDDEN[lang])
        await h.say(private(spouse), spouse, "/top optin")  # in private: their one community
        assert h.request.texts(spouse["id"])[-1] == OPTED[lang][2]
        await h.say(GROUP, PEOPLE["A"], "/top")
        assert h.request.texts(GROUP["id"])[-1] == TOP[lang].replace("{hidden}", "2-101")
    finally:
        await h.stop()


BAD = {
    "en": {
        "none_yet": "No household has points yet. Points come from voting, supporting topics,"
        " confirming notices, reports taken up and meetings attended.",
        "admins_only": "Only the community's admins can grant or redeem points.",
        "unknown": "There is no unit 9-909 in the register.",
        "amount": "The number of points must be a whole number from 1 to 1000.",
        "reason": "Please say why: /points grant <unit> <n> <reason> or"
        " /points redeem <unit> <n> <reason>.",
        "beyond": "Household 1-101 has {balance} points: 3 cannot be redeemed.",
        "usage": "Usage: /points shows your household's points. Admins: /points grant <unit> <n>"
        " <reason> or /points redeem <unit> <n> <reason>, e.g. /points redeem 3-501 5 one"
        " parking hour.",
        "granted": "✅ 5 points granted to household 1-101 (helping at the fair). Balance now:"
        " 5 points. Residents told privately: 1.",
        "told_grant": "⭐ Household 1-101 was granted 5 points (helping at the fair)."
        " Balance now: 5 points.",
        "redeemed": "✅ 3 points of household 1-101 redeemed (one parking hour). Balance now:"
        " 2 points. Residents told privately: 1.",
        "told_redeem": "⭐ 3 points of household 1-101 were redeemed (one parking hour)."
        " Balance now: 2 points.",
    },
    "zh": {
        "none_yet": "还没有哪一户有积分。参加投票、附议议题、确认通知、报修被受理、参加议事会，"
        "都能得积分。",
        "admins_only": "只有社区管理员可以加分或兑换积分。",
        "unknown": "房屋名册里没有 9-909 这一户。",
        "amount": "分数要写一个整数，最少 1，最多 1000。",
        "reason": "请写上原因：/points grant <房号> <分数> <原因>，"
        "或 /points redeem <房号> <分数> <原因>。",
        "beyond": "1-101 户只有 {balance} 分，不够兑换 3 分。",
        "usage": "用法：/points 查看本户积分。管理员：/points grant <房号> <分数> <原因> 加分，"
        "/points redeem <房号> <分数> <原因> 兑换，例如 /points redeem 3-501 5 停车一小时。",
        "granted": "✅ 已给 1-101 户加 5 分（helping at the fair）。现在共 5 分。"
        "已私聊告诉 1 位住户。",
        "told_grant": "⭐ 您家 1-101 得到 5 分（helping at the fair）。现在共 5 分。",
        "redeemed": "✅ 已为 1-101 户兑换 3 分（one parking hour）。现在还有 2 分。"
        "已私聊告诉 1 位住户。",
        "told_redeem": "⭐ 您家 1-101 兑换了 3 分（one parking hour）。现在还有 2 分。",
    },
}


async def refused(h: HandlerHarness, who: dict[str, Any], text: str) -> str:
    """The answer to a command that must change nothing: the ledger and the outbox as before."""
    before = await h.snapshot()
    await h.say(GROUP, who, text)
    after = await h.snapshot()
    for table in ("points_ledger", "points_opt_outs", "points_rules", "outbox"):
        assert after[table] == before[table], f"{text} changed {table}"
    return h.request.texts(GROUP["id"])[-1]


async def grants_flow(h: HandlerHarness, lang: str = "en") -> None:
    expected = BAD[lang]
    await residents(h)
    a = speaking(PEOPLE["A"], lang)
    assert await refused(h, a, "/top") == expected["none_yet"]
    assert await refused(h, a, "/points grant 1-101 5 fair") == expected["admins_only"]
    assert await refused(h, COMMITTEE, "/points redeem 1-101 1 tea") == expected["admins_only"]
    assert await refused(h, CREATOR, "/points grant 9-909 5 fair") == expected["unknown"]
    for amount in ("0", "-5", "1001", "99999999999", "five", "2.5"):
        answer = await refused(h, CREATOR, f"/points grant 1-101 {amount} fair")
        assert answer == expected["amount"], amount
    assert await refused(h, CREATOR, "/points grant 1-101 5") == expected["reason"]
    assert await refused(h, CREATOR, "/points grant") == expected["usage"]
    assert await refused(h, CREATOR, "/points dance") == expected["usage"]
    beyond = await refused(h, CREATOR, "/points redeem 1-101 3 one parking hour")
    assert beyond == expected["beyond"].format(balance=0)

    await h.say(GROUP, CREATOR, "/points grant 1-101 5 helping at the fair")
    assert h.request.texts(GROUP["id"])[-1] == expected["granted"]
    assert h.request.texts(a["id"])[-1] == expected["told_grant"]
    await h.say(GROUP, CREATOR, "/points redeem 1-101 3 one parking hour")
    assert h.request.texts(GROUP["id"])[-1] == expected["redeemed"]
    assert h.request.texts(a["id"])[-1] == expected["told_redeem"]
    beyond = await refused(h, CREATOR, "/points redeem 1-101 3 one parking hour")
    assert beyond == expected["beyond"].format(balance=2)
    assert await ledger(h) == [("1-101", "grant", 5), ("1-101", "redeem", -3)]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_grants_and_redemptions_and_every_bad_input(db: Database, lang: str) -> None:
    h = await HandlerHarness.start(db, lang)
    try:
        await grants_flow(h, lang)
    finally:
        await h.stop()


async def test_a_redelivered_grant_pays_once(harness: HandlerHarness) -> None:
    harness.redeliver_each = True
    await grants_flow(harness, "en")


SETTINGS = {
    "show": "Points per act (change with /settings points <act> <n>; 0 turns it off):\n"
    "  ballot — Voted: {ballot}\n"
    "  support — Supported a topic: 1\n"
    "  topic_reached — Your topic reached discussion: 3\n"
    "  report_acknowledged — Your report was taken up: 2\n"
    "  notice_read — Confirmed a notice: {notice_read}\n"
    "  meeting_attended — Attended a meeting: 2",
    "not_admin": "Only the community's admins can change what points pay.",
    "off": "Done: “Voted” pays no points from now on. Points already earned stay earned.",
    "done": "Done: “Confirmed a notice” now pays 5 points. Points already earned stay earned.",
    "bad_rule": "What an act pays must be a whole number from 0 (off) to 100.",
    "unknown": "Unknown act. Use one of: ballot, support, topic_reached, report_acknowledged,"
    " notice_read, meeting_attended.",
}


async def test_the_amounts_are_community_settings(harness: HandlerHarness) -> None:
    h = harness
    await residents(h)
    await h.say(GROUP, PEOPLE["A"], "/settings points")
    assert h.request.texts(GROUP["id"])[-1] == SETTINGS["show"].format(ballot=1, notice_read=1)
    assert await refused(h, PEOPLE["A"], "/settings points ballot 0") == SETTINGS["not_admin"]
    for bad in ("ballot 101", "ballot -1", "ballot x"):
        assert await refused(h, CREATOR, f"/settings points {bad}") == SETTINGS["bad_rule"]
    assert await refused(h, CREATOR, "/settings points grant 5") == SETTINGS["unknown"]
    await h.say(GROUP, CREATOR, "/settings points ballot 0")
    assert h.request.texts(GROUP["id"])[-1] == SETTINGS["off"]
    await h.say(GROUP, CREATOR, "/settings points notice_read 5")
    assert h.request.texts(GROUP["id"])[-1] == SETTINGS["done"]
    await h.say(GROUP, CREATOR, "/settings points")
    assert h.request.texts(GROUP["id"])[-1] == SETTINGS["show"].format(ballot=0, notice_read=5)

    await h.say(GROUP, COMMITTEE, "/vote Paint the gate? simple 1d")  # ballots are off
    await h.press(GROUP, PEOPLE["A"], None, ballot_buttons(last_sent(h, GROUP["id"]))["f"])
    await h.say(GROUP, reports.REP, "/notice building 2 Water is off")
    [(_, read)] = keyboard_of(h.request.sent("sendMessage", GROUP["id"])[-1])
    await h.press(GROUP, PEOPLE["D"], None, read)
    assert await ledger(h) == [("2-101", "notice_read", 5)]
