"""/stats and /export stats through the handlers, in English and Chinese, in the group and
privately, on the community of tests/stats_seed.py; every figure below is worked out by hand from
that seed (see its docstring): e.g. vote 3, 3 of 7 owners = 42.857… % → "42.9%"."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from storage.database import Database
from tests.handlers.harness import HandlerHarness, group, private, user
from tests.stats_seed import ADMIN, ALICE, CHAT, REP, seed_stats

GROUP = group(CHAT)
CAROL = user(ADMIN, "Carol")
ROB = user(REP, "Rob")
ALICE_EN = user(ALICE, "Alice")
ALICE_ZH = user(ALICE, "Alice", "zh")

TOTALS_EN = "\n".join(
    [
        "📊 Sunny Garden · all time",
        "🏠 Households now: 8 in the register, 6 joined, 5 verified "
        "(2 with a verified owner, 1 with a tenant)",
        "🗳 Votes (the last 4): the share of those entitled who voted",
        "  #4 · still open · 75% (3 of 4)",
        "  #3 · 9 Nov 2026 08:00 · 42.9% (3 of 7)",
        "  #2 · 27 Oct 2026 08:00 · 50% (4 of 8)",
        "  #1 · 10 Oct 2026 08:00 · 25% (2 of 8)",
        "  Trend: ↗ rising: 58.9% on average in the last 2 votes, against 37.5% in the 2 before",
        "📝 Topics: 5 (Support 2 · Review 1 · Vote 1 · Publish 1)",
        "🛠 Repair tickets: 6, 3 still open "
        "(reported 2 · in progress 1 · fixed and rated 2 · rejected 1)",
        "  Median time to acknowledge: 2 h · to resolve: 1 d 15 h",
        "  Answered within 24 h: 3 of 5 (60%)",
        "  Resolved within 72 h of being acknowledged: 2 of 3 (66.7%)",
        "  Average rating: 4 ★ (2 ratings)",
        "📢 Notices: 3, read by 41.7% of the households they reached (5 of 12)",
        "👥 Meetings: 2 held, 2 households attending on average (40% of the verified households)",
    ]
)

TOTALS_ZH = "\n".join(
    [
        "📊 Sunny Garden · 全部时间",
        "🏠 住户（目前）：登记在册 8 户，已申请加入 6 户，已认证 5 户（其中业主已认证 2 户，有租户 1 户）",
        "🗳 投票（最近 4 次）：有投票权的人中投了票的比例",
        "  表决 #4 · 还在投票 · 75%（3/4）",
        "  表决 #3 · 2026年11月9日 08:00 · 42.9%（3/7）",
        "  表决 #2 · 2026年10月27日 08:00 · 50%（4/8）",
        "  表决 #1 · 2026年10月10日 08:00 · 25%（2/8）",
        "  趋势：↗ 上升：最近 2 次平均 58.9%，之前 2 次平均 37.5%",
        "📝 议题：共 5 个（商议 2 · 审议 1 · 决议 1 · 公示 1）",
        "🛠 报修：共 6 件，还有 3 件没办完（已上报 2 · 处理中 1 · 已修好并评价 2 · 已驳回 1）",
        "  受理用时（中位数）：2 小时 · 解决用时（中位数）：1 天 15 小时",
        "  24 小时内答复：5 件中 3 件（60%）",
        "  受理后 72 小时内解决：3 件中 2 件（66.7%）",
        "  平均评分：4 星（共 2 次评分）",
        "📢 通知：3 条，收到的住户中 41.7% 已读（12 户次中 5 户次）",
        "👥 议事会：开过 2 次，平均每次 2 户报名参加（占已认证住户的 40%）",
    ]
)

TABLE_EN = "\n".join(
    [
        "📊 Sunny Garden · all time",
        "🏢 Per building (all time):",
        # building 1: votes 2/4, 3/4, 3/4 → 2/3; notices 3 of 6
        "Building 1: verified 3 of 4 · votes 66.7% · tickets 3 (1 open) · notices read 50%",
        # building 2: votes 0, 1/4, 1/4, 3/4 → 5/16 = 31.25 %, to even → 31.2%; notices 2 of 6
        "Building 2: verified 2 of 4 · votes 31.2% · tickets 3 (2 open) · notices read 33.3%",
    ]
)


@pytest.fixture
async def seeded(harness: HandlerHarness) -> HandlerHarness:
    await seed_stats(harness.database)
    return harness


def _last(h: HandlerHarness, chat_id: int) -> dict[str, Any]:
    return h.request.sent("sendMessage", chat_id)[-1]


def _buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {"inline_keyboard": []}
    return [
        (b["text"], b.get("callback_data") or b.get("url", ""))
        for row in markup["inline_keyboard"]
        for b in row
    ]


async def test_a_resident_sees_the_totals_in_the_group(seeded: HandlerHarness) -> None:
    h = seeded
    await h.say(GROUP, ALICE_EN, "/stats")
    answer = _last(h, CHAT)
    assert answer["text"] == TOTALS_EN
    assert _buttons(answer) == [("📈 Charts", "v1:sc:1")]
    assert h.request.sent("sendMessage", ALICE) == []  # no table for a resident


async def test_in_chinese(db: Database) -> None:
    await seed_stats(db, language="zh")
    h = await HandlerHarness.start(db)
    try:
        await h.say(GROUP, ALICE_ZH, "/stats")
        answer = _last(h, CHAT)
        assert answer["text"] == TOTALS_ZH
        assert _buttons(answer) == [("📈 图表", "v1:sc:1")]
        await h.say(GROUP, ALICE_ZH, "/stats building 9")
        assert _last(h, CHAT)["text"] == "登记册里没有 9 号楼。登记的楼栋有：1, 2。"
        await h.say(GROUP, ALICE_ZH, "/stats month 2026-13")
        assert _last(h, CHAT)["text"] == "看不懂月份“2026-13”：请按“年-月”写，例如 2026-11。"
    finally:
        await h.stop()


async def test_an_admin_gets_the_table_per_building_privately(seeded: HandlerHarness) -> None:
    h = seeded
    h.request.private_open.add(ADMIN)
    await h.say(GROUP, CAROL, "/stats")
    assert _last(h, CHAT)["text"] == (
        TOTALS_EN + "\n\n🏢 The table per building went to you in a private chat."
    )
    assert h.request.texts(ADMIN) == [TABLE_EN]


async def test_a_rep_who_never_started_the_bot_is_shown_the_way(seeded: HandlerHarness) -> None:
    h = seeded
    await h.say(GROUP, ROB, "/stats")
    answer = _last(h, CHAT)
    assert answer["text"].endswith(
        "\n\n🏢 For the table per building, open a private chat with me first."
    )
    assert _buttons(answer) == [
        ("📈 Charts", "v1:sc:1"),
        ("Open a private chat with me", "https://t.me/community_test_bot"),
    ]


async def test_privately_the_asker_s_community(seeded: HandlerHarness) -> None:
    h = seeded
    h.request.private_open.update({ALICE, ADMIN})
    await h.say(private(ALICE_EN), ALICE_EN, "/stats")
    assert h.request.texts(ALICE) == [TOTALS_EN]
    await h.say(private(CAROL), CAROL, "/stats")
    assert h.request.texts(ADMIN) == [TOTALS_EN, TABLE_EN]  # the totals, then the table


async def test_privately_with_two_communities_a_picker(seeded: HandlerHarness) -> None:
    h = seeded
    other = await seed_stats(h.database, chat_id=-100888, name="Quiet Court")
    h.request.private_open.add(ADMIN)
    await h.say(private(CAROL), CAROL, "/stats month 2026-11")
    picker = _last(h, ADMIN)
    assert picker["text"] == "Which community’s figures would you like?"
    assert _buttons(picker) == [
        ("Quiet Court", f"v1:sp:{other}::2026-11"),
        ("Sunny Garden", "v1:sp:1::2026-11"),
    ]
    await h.press(private(CAROL), CAROL, None, f"v1:sp:{other}::2026-11")
    totals, table = h.request.texts(ADMIN)[-2:]
    assert totals.startswith("📊 Quiet Court · month 2026-11\n")
    assert table.startswith("📊 Quiet Court · month 2026-11\n🏢 Per building (month 2026-11):")
    # a forged payload for a community the presser is not tied to
    await h.press(private(CAROL), CAROL, None, "v1:sp:999::")
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    # a building or a month none of them can answer: refused before any button
    before = await h.snapshot()
    await h.say(private(CAROL), CAROL, "/stats building 9")
    assert _last(h, ADMIN)["text"] == "There is no building 9 in the register. Its buildings: 1, 2."
    await h.say(private(CAROL), CAROL, "/stats month abc")
    assert _last(h, ADMIN)["text"] == (
        "I cannot read the month “abc”: write it as year-month, e.g. 2026-11."
    )
    assert await h.snapshot() == before
    await h.say(private(CAROL), CAROL, "/stats building 2")
    assert _buttons(_last(h, ADMIN)) == [
        ("Quiet Court", f"v1:sp:{other}:2:"),
        ("Sunny Garden", "v1:sp:1:2:"),
    ]
    await h.press(private(CAROL), CAROL, None, "v1:sp:1:2:")
    assert h.request.texts(ADMIN)[-1].startswith("📊 Sunny Garden · building 2\n")


async def test_one_building(seeded: HandlerHarness) -> None:
    h = seeded
    await h.say(GROUP, ALICE_EN, "/stats building 2")
    answer = _last(h, CHAT)
    lines = answer["text"].split("\n")
    assert lines[0] == "📊 Sunny Garden · building 2"
    assert lines[1] == (
        "🏠 Households now: 4 in the register, 2 joined, 2 verified "
        "(1 with a verified owner, 0 with a tenant)"
    )
    # vote 1: none of building 2; 2 and 3: 2-101 only; 4: 3 of 4
    assert lines[3:7] == [
        "  #4 · still open · 75% (3 of 4)",
        "  #3 · 9 Nov 2026 08:00 · 25% (1 of 4)",
        "  #2 · 27 Oct 2026 08:00 · 25% (1 of 4)",
        "  #1 · 10 Oct 2026 08:00 · 0% (0 of 4)",
    ]
    assert lines[-1] == "(topics and meetings count for the whole community)"
    assert _buttons(answer) == [("📈 Charts", "v1:sc:1:2")]


async def test_one_month_leaves_october_out(seeded: HandlerHarness) -> None:
    h = seeded
    await h.say(GROUP, ALICE_EN, "/stats month 2026-11")
    answer = _last(h, CHAT)
    lines = answer["text"].split("\n")
    assert lines[0] == "📊 Sunny Garden · month 2026-11"
    assert "  #1 · 10 Oct 2026 08:00 · 25% (2 of 8)" not in lines
    # ticket 1 (October) left out: 5 tickets, medians of 30 h and 1 h, and of 54 h
    assert (
        "🛠 Repair tickets: 5, 3 still open "
        "(reported 2 · in progress 1 · fixed and rated 1 · rejected 1)"
    ) in lines
    assert "  Median time to acknowledge: 15 h 30 min · to resolve: 2 d 6 h" in lines
    assert _buttons(answer) == [("📈 Charts", "v1:sc:1:2026-11")]


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        (
            "/stats building 9",
            "There is no building 9 in the register. Its buildings: 1, 2.",
        ),
        (
            "/stats month 2026-13",
            "I cannot read the month “2026-13”: write it as year-month, e.g. 2026-11.",
        ),
        (
            "/stats month 11-2026",
            "I cannot read the month “11-2026”: write it as year-month, e.g. 2026-11.",
        ),
        (
            "/stats month abc",
            "I cannot read the month “abc”: write it as year-month, e.g. 2026-11.",
        ),
        (
            "/stats month 2026-12",
            "2026-12 has not begun yet, so there is nothing to count. Pick a month that has begun.",
        ),
        (
            "/stats hello",
            "Usage: /stats for the whole community, /stats building 3 for one building, "
            "/stats month 2026-11 for one month (both may be combined).",
        ),
    ],
)
async def test_bad_input_gets_a_clear_answer_and_changes_nothing(
    seeded: HandlerHarness, text: str, answer: str
) -> None:
    h = seeded
    before = await h.snapshot()
    await h.say(GROUP, ALICE_EN, text)
    assert _last(h, CHAT)["text"] == answer
    assert await h.snapshot() == before


async def test_redelivered_stats_change_nothing(seeded: HandlerHarness) -> None:
    h = seeded
    h.redeliver_each = True
    h.request.private_open.add(ADMIN)
    await h.say(GROUP, CAROL, "/stats")
    await h.say(GROUP, ALICE_EN, "/stats month 2026-11")
    assert len(h.request.sent("sendMessage", CHAT)) == 2  # each answered once
    assert h.request.texts(ADMIN) == [TABLE_EN]


def _documents(h: HandlerHarness, chat_id: int) -> list[list[list[str]]]:
    files = [
        next(iter(c.uploads.values()))
        for c in h.request.calls
        if c.method == "sendDocument" and int(c.params["chat_id"]) == chat_id
    ]
    return [list(csv.reader(io.StringIO(f.decode("utf-8-sig")))) for f in files]


async def test_export_stats_for_the_district(seeded: HandlerHarness) -> None:
    h = seeded
    h.request.private_open.update({ADMIN, ALICE})
    await h.say(GROUP, ALICE_EN, "/export stats")
    assert _last(h, CHAT)["text"] == (
        "Only administrators and committee members can export the figures."
    )
    await h.say(GROUP, CAROL, "/export stats")
    assert _last(h, CHAT)["text"] == "I have sent the figures to you in a private chat."
    buildings, votes = _documents(h, ADMIN)
    assert buildings[0][:4] == [
        "building",
        "units in the register",
        "households joined",
        "households verified",
    ]
    header = buildings[0]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in buildings[1:]}
    assert list(rows) == ["1", "2", "whole community"]
    total = rows["whole community"]
    assert (total["units in the register"], total["households verified"]) == ("8", "5")
    assert total["average vote participation %"] == "48.2"  # 27/56
    assert (total["tickets"], total["tickets open"]) == ("6", "3")
    assert (total["median hours to acknowledge"], total["median hours to resolve"]) == (
        "2.0",
        "39.0",
    )
    assert (total["answered in time"], total["answers due"]) == ("3", "5")
    assert (total["resolved in time"], total["resolutions due"]) == ("2", "3")
    assert total["average rating"] == "4.00"
    assert total["notice read rate %"] == "41.7"  # 5 of 12
    assert (total["meetings held"], total["households attending"]) == ("2", "4")
    assert rows["1"]["average vote participation %"] == "66.7"
    assert rows["2"]["average vote participation %"] == "31.2"  # 31.25, to even
    assert votes == [
        ["vote", "question", "status", "closed or opened", "voted", "entitled", "participation %"],
        ["1", "Question 1", "closed", "2026-10-10 08:00", "2", "8", "25.0"],
        ["2", "Question 2", "closed", "2026-10-27 08:00", "4", "8", "50.0"],
        ["3", "Question 3", "closed", "2026-11-09 08:00", "3", "7", "42.9"],
        ["4", "Question 4", "open", "2026-11-15 08:00", "3", "4", "75.0"],
    ]


async def test_export_stats_of_one_month_in_chinese(seeded: HandlerHarness) -> None:
    h = seeded
    h.request.private_open.add(ADMIN)
    carol_zh = user(ADMIN, "Carol", "zh")
    await h.say(GROUP, carol_zh, "/export stats 2026-11")
    buildings, votes = _documents(h, ADMIN)
    assert buildings[0][:3] == ["月份", "楼栋", "登记在册户数"]
    total = dict(zip(buildings[0], buildings[-1], strict=True))
    assert (total["月份"], total["楼栋"], total["报修件数"]) == ("2026-11", "全小区", "5")
    assert [row[1] for row in votes[1:]] == ["3", "4"]
    before = await h.snapshot()
    await h.say(GROUP, carol_zh, "/export stats 2026-12")
    assert (
        _last(h, CHAT)["text"]
        == "2026-12 has not begun yet, so there is nothing to count. Pick a month that has begun."
    )
    assert await h.snapshot() == before
