"""Issue 8, build 3: paper ballots with buttons alone. `/paper <vote>` sends the committee
member a private screen, building → unit → choice, one message edited in place; the ballot is
entered as `/paper <vote> <unit> <choice>` enters it, and counted. Expected figures are the
worked example's (tests/conftest.py WORKED_EXAMPLE_CSV, ../shared/domain.md)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from bot.communities.cases import set_vote_periods
from bot.roles.cases import set_role
from bot.roles.model import Role
from bot.votes.cases import figures
from bot.votes.tally import Choice, Tally
from handlers import callbacks
from tests.conftest import NOW
from tests.handlers.closing import close_by_hand
from tests.handlers.harness import HandlerHarness, private
from tests.handlers.test_residents_handlers import CREATOR, GROUP
from tests.handlers.test_votes_trust_handlers import (
    CHAIR,
    PEOPLE,
    RECEIPT,
    community_of,
    open_vote,
    prepare,
)
from tests.unit.test_usecases import ADMIN


def rows_of(params: dict[str, Any]) -> list[list[str]]:
    return [[b["text"] for b in row] for row in params["reply_markup"]["inline_keyboard"]]


def button(params: dict[str, Any], label: str) -> str:
    return next(
        b["callback_data"]
        for row in params["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == label
    )


def screen(h: HandlerHarness, clerk: dict[str, Any]) -> dict[str, Any]:
    """The clerk's screen as last drawn (sent or edited)."""
    calls = [
        c.params
        for c in h.request.calls
        if c.method in {"sendMessage", "editMessageText"}
        and int(c.params.get("chat_id", 0)) == clerk["id"]
        and "reply_markup" in c.params
    ]
    return calls[-1]


async def tap(h: HandlerHarness, clerk: dict[str, Any], label: str) -> dict[str, Any]:
    """Press the button `label` on the clerk's screen; the screen afterwards."""
    await h.press(private(clerk), clerk, None, button(screen(h, clerk), label))
    return screen(h, clerk)


async def tally_of(h: HandlerHarness, number: int = 1) -> Tally:
    community = await community_of(h)
    async with h.database.unit_of_work() as uow:
        vote = await uow.votes.by_number(community.id, number)
        assert vote is not None
        return (await figures(uow, vote)).tally


async def ballot_count(h: HandlerHarness) -> int:
    community = await community_of(h)
    async with h.database.unit_of_work() as uow:
        vote = await uow.votes.by_number(community.id, 1)
        assert vote is not None
        return len(await uow.votes.ballots(vote.id))


async def test_the_whole_button_flow_enters_counted_paper_ballots_in_english(
    harness: HandlerHarness,
) -> None:
    h = harness
    await prepare(h)
    h.request.private_open.add(CHAIR["id"])
    card, buttons = await open_vote(h, "Install an elevator? double-majority 7d")
    await h.press(GROUP, PEOPLE["A"], card, buttons["👍 For"])  # A votes online: 1-101 For

    await h.say(GROUP, CHAIR, "/paper 1")
    assert h.request.texts(GROUP["id"])[-1] == (
        "I have sent you the buttons for entering the paper ballots of vote #1 in a private chat."
    )
    sent = h.request.sent("sendMessage", CHAIR["id"])
    assert len(sent) == 1
    first = sent[0]
    assert first["text"] == (
        "📝 Paper ballots for vote #1 “Install an elevator?”\n"
        "Which building is the unit on the paper ballot in?"
    )
    assert rows_of(first) == [["Building 1", "Building 2", "Building 3"]]
    assert all(
        len(b["callback_data"].encode()) <= callbacks.MAX_BYTES
        and b["callback_data"].startswith("v1:pp:")
        for row in first["reply_markup"]["inline_keyboard"]
        for b in row
    )

    units = await tap(h, CHAIR, "Building 1")
    assert units["message_id"] == first["message_id"]
    assert units["text"] == (
        "📝 Paper ballots for vote #1 “Install an elevator?”\n"
        "Building 1: which unit is the paper ballot for? ✓ marks a ballot that stands."
    )
    assert rows_of(units) == [["1-101 ✓For", "1-102", "1-201"], ["1-202"], ["◀ Back"]]

    choices = await tap(h, CHAIR, "1-201")
    assert choices["text"] == (
        "📝 Paper ballots for vote #1 “Install an elevator?”\n"
        "Paper ballot for 1-201, 1-202 (now: no ballot). What does the paper say?"
    )
    assert rows_of(choices) == [["For", "Against", "Abstain"], ["◀ Back"]]

    after = await tap(h, CHAIR, "For")
    popup = h.request.answers()[-1]
    assert popup["show_alert"] is True
    assert re.fullmatch(
        rf"📝 Paper ballot entered for 1-201, 1-202 in vote #1: For, receipt {RECEIPT}\.",
        popup["text"],
    )
    assert after["text"].startswith(popup["text"] + "\n\n📝 Paper ballots for vote #1")
    assert rows_of(after) == [["1-101 ✓For", "1-102", "1-201 ✓For"], ["1-202 ✓For"], ["◀ Back"]]
    # C, the owner of both units, hears of it privately, as after /paper
    note = h.request.texts(PEOPLE["C"]["id"])[-1]
    assert note.startswith("📝 Vote #1 “Install an elevator?”: Chair Wu of the committee entered")
    assert "paper ballot for 1-201, 1-202: For" in note
    # counted: A (90 m²) and C (120 + 60 = 180 m²) for, of 8 owners and 860 m²
    tally = await tally_of(h)
    assert (tally.counts[Choice.FOR], tally.areas[Choice.FOR]) == (2, Decimal(270))
    assert (tally.participants, tally.participating_area) == (2, Decimal(270))
    assert (tally.electorate_size, tally.electorate_area) == (8, Decimal(860))

    # a second entry for the same owner (from the other unit) replaces the first
    await tap(h, CHAIR, "1-202 ✓For")
    assert "Paper ballot for 1-201, 1-202 (now: For)." in screen(h, CHAIR)["text"]
    after = await tap(h, CHAIR, "Against")
    assert h.request.answers()[-1]["text"].endswith(
        "It replaces the earlier ballot (For); the voters were told."
    )
    assert rows_of(after) == [
        ["1-101 ✓For", "1-102", "1-201 ✓Against"],
        ["1-202 ✓Against"],
        ["◀ Back"],
    ]
    tally = await tally_of(h)
    assert (tally.counts[Choice.FOR], tally.areas[Choice.FOR]) == (1, Decimal(90))
    assert (tally.counts[Choice.AGAINST], tally.areas[Choice.AGAINST]) == (1, Decimal(180))
    assert tally.participants == 2
    assert "paper ballot for 1-201, 1-202: Against" in h.request.texts(PEOPLE["C"]["id"])[-1]

    # Back leads to the buildings; all on the one message, never a new one
    home = await tap(h, CHAIR, "◀ Back")
    assert rows_of(home) == [["Building 1", "Building 2", "Building 3"]]
    assert len(h.request.sent("sendMessage", CHAIR["id"])) == 1
    assert {p["message_id"] for p in h.request.sent("editMessageText", CHAIR["id"])} == {
        first["message_id"]
    }


async def test_in_chinese_a_building_vote_shows_only_its_building(
    harness: HandlerHarness,
) -> None:
    h = harness
    await prepare(h, "zh")
    chair = {**CHAIR, "language_code": "zh"}
    h.request.private_open.add(CHAIR["id"])
    await open_vote(h, "是否加装电梯 双过半 7天 2号楼")

    await h.say(private(chair), chair, "/paper 1")  # privately: no word in the group
    first = h.request.sent("sendMessage", CHAIR["id"])[-1]
    assert first["text"] == "📝 录入表决 #1「是否加装电梯」的书面票\n书面票上的房屋在哪一栋？"
    assert rows_of(first) == [["2 号楼"]]
    units = await tap(h, chair, "2 号楼")
    assert units["text"].endswith("2 号楼：这张书面票是哪一户的？✓ 表示已有选票。")
    assert rows_of(units) == [["2-101", "2-102", "2-201"], ["2-202"], ["◀ 返回"]]
    choices = await tap(h, chair, "2-101")
    assert choices["text"].endswith("2-101 的书面票（当前：尚未投票）。票上选的是哪一项？")
    assert rows_of(choices) == [["赞成", "反对", "弃权"], ["◀ 返回"]]
    after = await tap(h, chair, "反对")
    assert re.fullmatch(
        rf"📝 已为 2-101 录入表决 #1 的书面票：反对，回执 {RECEIPT}。",
        h.request.answers()[-1]["text"],
    )
    assert rows_of(after) == [["2-101 ✓反对", "2-102", "2-201"], ["2-202"], ["◀ 返回"]]
    assert "为 2-101 录入了书面表决票：反对" in h.request.texts(PEOPLE["D"]["id"])[-1]
    # building 2 alone: D, E, F, G, 360 m²; D's 100 m² against
    tally = await tally_of(h)
    assert (tally.electorate_size, tally.electorate_area) == (4, Decimal(360))
    assert (tally.counts[Choice.AGAINST], tally.areas[Choice.AGAINST]) == (1, Decimal(100))
    assert tally.counts[Choice.FOR] == 0
    assert h.request.texts(GROUP["id"])[-1].startswith("🗳")  # only the vote card in the group


async def test_refusals_change_nothing(harness: HandlerHarness) -> None:
    h = harness
    community = await prepare(h)
    h.request.private_open.add(CHAIR["id"])
    await open_vote(h, "Install an elevator? double-majority 7d")
    a = PEOPLE["A"]

    # someone not on the committee: refused, and no screen
    await h.say(GROUP, a, "/paper 1")
    assert h.request.texts(GROUP["id"])[-1] == (
        "Only committee members and administrators can enter paper ballots."
    )
    assert h.request.texts(a["id"]) == []

    await h.say(GROUP, CHAIR, "/paper 1")
    await tap(h, CHAIR, "Building 1")
    await tap(h, CHAIR, "1-101")
    enter_for = button(screen(h, CHAIR), "For")
    drawn = len(h.request.sent("editMessageText"))

    # a payload forged onto another message: A's own private chat, the group's vote card, and
    # another message in the chair's private chat
    await h.press(private(a), a, 1, enter_for)
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    await h.press(GROUP, CHAIR, 1, enter_for)
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    await h.press(private(CHAIR), CHAIR, 1, enter_for)
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    # garbled or unknown payloads on the screen itself
    message_id, keyboard = h.request.carrying(CHAIR["id"], enter_for)
    for forged in (enter_for[:-1] + "q", enter_for.replace(":c:0:0:", ":c:0:99:")):
        await h.press(private(CHAIR), CHAIR, message_id, forged, keyboard)
        assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    assert await ballot_count(h) == 0
    assert len(h.request.sent("editMessageText")) == drawn

    # the chair leaves the committee: the screen no longer works
    async with h.database.unit_of_work() as uow:
        await set_role(
            uow,
            community_id=community.id,
            actor=ADMIN,
            target_user_id=CHAIR["id"],
            role=Role.RESIDENT,
            buildings=(),
            now=NOW,
        )
    await h.press(private(CHAIR), CHAIR, None, enter_for)
    assert h.request.answers()[-1]["text"] == (
        "Only committee members and administrators can enter paper ballots."
    )
    assert await ballot_count(h) == 0

    # back on the committee, but the vote is closed
    async with h.database.unit_of_work() as uow:
        await set_role(
            uow,
            community_id=community.id,
            actor=ADMIN,
            target_user_id=CHAIR["id"],
            role=Role.COMMITTEE,
            buildings=(),
            now=NOW,
        )
    await close_by_hand(h, GROUP, CHAIR, 1)
    await h.press(private(CHAIR), CHAIR, None, enter_for)
    closed = "Vote #1 is closed; ballots can no longer be cast or changed."
    assert h.request.answers()[-1]["text"] == closed
    assert await ballot_count(h) == 0
    assert len(h.request.sent("editMessageText", CHAIR["id"])) == 2  # building 1, then 1-101
    await h.say(GROUP, CHAIR, "/paper 1")
    assert h.request.texts(GROUP["id"])[-1] == closed


async def test_without_a_private_chat_the_clerk_gets_a_link(harness: HandlerHarness) -> None:
    h = harness
    await prepare(h)
    await open_vote(h, "Install an elevator? double-majority 7d")
    await h.say(GROUP, CHAIR, "/paper 1")
    reply = h.request.sent("sendMessage", GROUP["id"])[-1]
    assert reply["text"].startswith("I cannot write to you privately yet.")
    assert reply["reply_markup"]["inline_keyboard"][0][0]["url"] == (
        "https://t.me/community_test_bot"
    )
    await h.say(GROUP, CHAIR, "/paper 1 1-101 for")  # the typed form still works
    assert h.request.texts(GROUP["id"])[-1].startswith("📝 Paper ballot entered for 1-101")


async def test_a_secret_vote_marks_that_a_ballot_stands_not_which(
    harness: HandlerHarness,
) -> None:
    h = harness
    await prepare(h)
    h.request.private_open.add(CHAIR["id"])
    card, buttons = await open_vote(h, "Install an elevator? double-majority 7d secret")
    await h.press(GROUP, PEOPLE["A"], card, buttons["👍 For"])
    await h.say(private(CHAIR), CHAIR, "/paper 1")
    units = await tap(h, CHAIR, "Building 1")
    assert rows_of(units)[0] == ["1-101 ✓", "1-102", "1-201"]
    choices = await tap(h, CHAIR, "1-101 ✓")
    assert "(now: a ballot stands; secret vote)" in choices["text"]


async def test_buildings_and_units_in_natural_order_with_pages(harness: HandlerHarness) -> None:
    """Buildings 2, 9, 10 and units 2-101 … 2-131, 2-1001: natural order, 30 units a page."""
    h = harness
    rows = [f"2-{room},2,50,owner {room}" for room in [1001, *range(101, 132)]]
    rows += ["10-101,10,50,X", "9-101,9,50,Y"]
    register = ("unit,building,area_m2,owner\n" + "\n".join(rows) + "\n").encode()
    h.request.admins.add((GROUP["id"], CREATOR["id"]))
    await h.say(GROUP, CREATOR, "/setup Sunny Garden")
    h.request.files["units-file"] = register
    document = {
        "file_id": "units-file",
        "file_unique_id": "uf",
        "file_name": "units.csv",
        "file_size": len(register),
    }
    await h.feed({"message": h.message(GROUP, CREATOR, None, document=document, caption="/units")})
    community = await community_of(h)
    async with h.database.unit_of_work() as uow:
        await set_role(
            uow,
            community_id=community.id,
            actor=ADMIN,
            target_user_id=CHAIR["id"],
            role=Role.COMMITTEE,
            buildings=(),
            now=NOW,
        )
    async with h.database.unit_of_work() as uow:  # the owners were told: it opens at once
        await set_vote_periods(uow, community, notice_days=0, is_admin=True)
    h.request.private_open.add(CHAIR["id"])
    await open_vote(h, "Paint the gate? double-majority 7d")
    await h.say(private(CHAIR), CHAIR, "/paper #1")
    assert rows_of(screen(h, CHAIR)) == [["Building 2", "Building 9", "Building 10"]]
    page = await tap(h, CHAIR, "Building 2")
    labels = [label for row in rows_of(page) for label in row]
    assert labels == [f"2-{room}" for room in range(101, 131)] + ["Next ▶", "◀ Back"]
    assert all(len(row) == 3 for row in rows_of(page)[:-1])
    page = await tap(h, CHAIR, "Next ▶")
    assert rows_of(page) == [["2-131", "2-1001"], ["◀ Previous", "◀ Back"]]
    await tap(h, CHAIR, "2-1001")
    await tap(h, CHAIR, "Abstain")
    assert rows_of(screen(h, CHAIR)) == [["2-131", "2-1001 ✓Abstain"], ["◀ Previous", "◀ Back"]]
    tally = await tally_of(h)
    assert (tally.counts[Choice.ABSTAIN], tally.areas[Choice.ABSTAIN]) == (1, Decimal(50))
    assert (tally.electorate_size, tally.electorate_area) == (34, Decimal(1700))
