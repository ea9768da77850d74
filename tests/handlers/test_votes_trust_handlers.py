"""Issue 8 through the handlers, in English and in Chinese: receipts on a ballot press and under
🧾 My ballot, paper ballots with /paper and their refusals, the household told privately, the
published ledger and fingerprint, /verify naming what was changed, a rep's reminders by building,
and /units during an open vote."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from pathlib import Path

from bot.communities.cases import set_community_language
from bot.communities.model import Community
from bot.residents.model import Relation
from bot.roles.cases import set_role
from bot.roles.model import Role
from storage.database import connect
from tests.conftest import NOW, WORKED_EXAMPLE_CSV
from tests.handlers.closing import close_by_hand
from tests.handlers.harness import HandlerHarness, private, user
from tests.handlers.test_residents_handlers import CREATOR, GROUP, REP, keyboard_of, set_up
from tests.unit.test_usecases import ADMIN
from tests.unit.test_votes_trust import verified

OWNER_UNITS = {"A": ("1-101",), "B": ("1-102",), "C": ("1-201", "1-202"), "D": ("2-101",)}
PEOPLE = {name: user(600 + i, f"Owner {name}") for i, name in enumerate(OWNER_UNITS)}
CHAIR = user(9, "Chair Wu")
RECEIPT = r"[A-Z2-7]{4}-[A-Z2-7]{4}"


async def community_of(h: HandlerHarness) -> Community:
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
    assert community is not None
    return community


async def prepare(h: HandlerHarness, language: str = "en") -> Community:
    """The worked example's register; A–D verified owners (by review), Chair Wu on the committee."""
    await set_up(h)
    community = await community_of(h)
    for name, units in OWNER_UNITS.items():
        for unit in units:
            await verified(h.database, community, PEOPLE[name]["id"], unit, Relation.OWNER)
        h.request.private_open.add(PEOPLE[name]["id"])
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
    if language == "zh":
        async with h.database.unit_of_work() as uow:
            community = await set_community_language(uow, community, "zh", is_admin=True)
    return community


async def open_vote(h: HandlerHarness, words: str) -> tuple[int, dict[str, str]]:
    """Start a vote; the card's message id and its buttons (label → payload)."""
    await h.say(GROUP, CHAIR, f"/vote {words}")
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        vote = await uow.votes.by_number(community.id, 1)
    assert vote is not None and vote.card is not None
    card = h.request.sent("sendMessage", GROUP["id"])[-1]
    return vote.card[1], dict(keyboard_of(card))


async def test_receipts_paper_ballots_notes_ledger_and_verify_in_english(
    harness: HandlerHarness, tmp_path: Path
) -> None:
    h = harness
    await prepare(h)
    card, buttons = await open_vote(h, "Install an elevator? double-majority 7d")
    assert list(buttons) == ["👍 For", "👎 Against", "✋ Abstain", "🧾 My ballot"]

    await h.press(GROUP, PEOPLE["A"], card, buttons["👍 For"])
    answer = h.request.answers()[-1]
    assert answer["show_alert"] is True
    assert re.fullmatch(
        rf"Recorded: For — 1-101\. You can change it until .+\. Receipt: {RECEIPT}",
        answer["text"],
    )
    receipt_a = answer["text"].rsplit(" ", 1)[1]
    await h.press(GROUP, PEOPLE["A"], card, buttons["🧾 My ballot"])
    assert h.request.answers()[-1]["text"] == f"1-101: For (online), receipt {receipt_a}"
    await h.press(GROUP, PEOPLE["D"], card, buttons["🧾 My ballot"])
    assert h.request.answers()[-1]["text"] == "You have not voted in vote #1 yet."

    # paper ballots: B's is entered by the chair; B hears of it privately
    await h.say(GROUP, CHAIR, "/paper 1 1-102 for")
    entered = h.request.texts(GROUP["id"])[-1]
    assert re.fullmatch(
        rf"📝 Paper ballot entered for 1-102 in vote #1: For, receipt {RECEIPT}\.", entered
    )
    note = h.request.texts(PEOPLE["B"]["id"])[-1]
    assert note.startswith("📝 Vote #1 “Install an elevator?”: Chair Wu of the committee entered")
    assert "paper ballot for 1-102: For" in note
    for who, text, refusal in [
        (
            PEOPLE["A"],
            "/paper 1 1-102 against",
            "Only committee members and administrators can enter",
        ),
        (CHAIR, "/paper 1 9-999 for", "Unit 9-999 is not in the electorate of vote #1"),
        (CHAIR, "/paper 1 1-102 maybe", "“maybe” is not a choice: use for, against or abstain"),
        (
            CHAIR,
            "/paper 1 1-102",
            "Usage: /paper <vote number> to enter paper ballots with buttons",
        ),
        (CHAIR, "/paper 7 1-102 for", "There is no vote #7 here."),
    ]:
        await h.say(GROUP, who, text)
        assert h.request.texts(GROUP["id"])[-1].startswith(refusal), text

    # C's ballot changed by paper after C voted online: C is told how to change it back
    await h.press(GROUP, PEOPLE["C"], card, buttons["👍 For"])
    await h.say(GROUP, CHAIR, "/paper 1 1-202 against")
    assert (
        "It replaces the earlier ballot (For); the voters were told."
        in h.request.texts(GROUP["id"])[-1]
    )
    assert "paper ballot for 1-201, 1-202: Against" in h.request.texts(PEOPLE["C"]["id"])[-1]
    await h.press(GROUP, PEOPLE["D"], card, buttons["👎 Against"])

    await close_by_hand(h, GROUP, CHAIR, 1)
    result = h.request.texts(GROUP["id"])[-1]
    assert result.startswith("📢 Result of vote #1: Install an elevator?\nNO QUORUM")
    assert "of which entered from paper: 2" in result
    fingerprint = re.search(r"Record: ((?:[A-Z2-7]{4}-){7}[A-Z2-7]{4})", result)
    assert fingerprint is not None
    ledger = h.request.sent("sendDocument", GROUP["id"])[-1]
    assert ledger["caption"].startswith("📒 Ledger of vote #1")
    assert fingerprint.group(1) in ledger["caption"]
    assert re.search(r"full: [0-9a-f]{64}$", ledger["caption"])
    rows = ledger_rows(h)
    assert rows[0] == ["section", "units", "buildings", "area_m2", "choice", "source", "receipt"]
    assert [row[1:6] for row in rows[1:]] == [
        ["1-101", "1", "90.00", "For", "online"],
        ["1-102", "1", "90.00", "For", "paper ballot"],
        ["1-201 1-202", "1", "180.00", "Against", "paper ballot"],
        ["2-101", "2", "100.00", "Against", "online"],
    ]
    assert rows[1][6] == receipt_a
    assert not any("Owner" in cell or "Chair" in cell for row in rows for cell in row)

    await h.say(GROUP, PEOPLE["A"], "/verify 1")
    verified_text = h.request.texts(GROUP["id"])[-1]
    assert verified_text.startswith("✅ The record of vote #1 is intact: 7 entries")
    assert verified_text.endswith(fingerprint.group(1))
    conn = await connect(tmp_path / "data" / "test.db")
    await conn.execute("UPDATE votes SET question = 'Paint the gate?'")
    await conn.commit()
    await conn.close()
    await h.say(GROUP, PEOPLE["A"], "/verify 1")
    assert h.request.texts(GROUP["id"])[-1] == (
        "❌ The record of vote #1 does not match what is stored:\n"
        "• the vote differs from its opening entry: question"
    )


def ledger_rows(h: HandlerHarness) -> list[list[str]]:
    content = h.request.uploaded("sendDocument", GROUP["id"])
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


async def test_in_chinese_paper_ballot_receipt_and_ledger_without_names(
    harness: HandlerHarness,
) -> None:
    h = harness
    await prepare(h, "zh")
    a = {**PEOPLE["A"], "language_code": "zh"}
    card, buttons = await open_vote(h, "是否加装电梯 双过半 7天")
    assert list(buttons) == ["👍 赞成", "👎 反对", "✋ 弃权", "🧾 我的选票"]
    await h.press(GROUP, a, card, buttons["👍 赞成"])
    answer = h.request.answers()[-1]["text"]
    assert re.fullmatch(rf"已记录：赞成 — 1-101。截止 .+ 前可以改票。回执：{RECEIPT}", answer)
    await h.say(GROUP, CHAIR, "/paper 1 2-101 反对")
    assert re.fullmatch(
        rf"📝 已为 2-101 录入表决 #1 的书面票：反对，回执 {RECEIPT}。",
        h.request.texts(GROUP["id"])[-1],
    )
    await h.say(GROUP, CHAIR, "/paper 1 9-999 赞成")
    assert h.request.texts(GROUP["id"])[-1] == (
        "9-999 不在表决 #1 的投票范围内（请核对房号和表决的楼栋）。"
    )
    await close_by_hand(h, GROUP, CHAIR, 1)
    result = h.request.texts(GROUP["id"])[-1]
    assert "其中书面表决票：1" in result
    caption = h.request.sent("sendDocument", GROUP["id"])[-1]["caption"]
    assert caption.startswith("📒 表决 #1 的计票明细")
    rows = ledger_rows(h)
    assert rows[0] == ["部分", "房号", "楼栋", "面积（㎡）", "选择", "方式", "回执"]
    assert [row[1:6] for row in rows[1:]] == [
        ["1-101", "1", "90.00", "赞成", "线上投票"],
        ["2-101", "2", "100.00", "反对", "书面表决票"],
    ]


async def test_a_reps_reminder_reaches_only_their_building_and_reports_the_rest(
    harness: HandlerHarness,
) -> None:
    h = harness
    await prepare(h)
    h.request.private_open.discard(PEOPLE["D"]["id"])
    h.request.private_open.add(REP["id"])
    await open_vote(h, "Install an elevator? double-majority 7d")
    await h.say(GROUP, REP, "/remind 1")  # the rep of building 2
    for _ in range(100):  # the reminders go out in the background, the rep's list last
        if h.request.texts(GROUP["id"])[-1].startswith("Reminded") and h.request.texts(REP["id"]):
            break
        await asyncio.sleep(0.02)
    # building 2: only D is verified, and D never opened a private chat
    assert h.request.texts(GROUP["id"])[-1] == (
        "Reminded 0 residents privately; 1 have not started a chat with me and were skipped."
    )
    assert h.request.texts(PEOPLE["A"]["id"]) == []  # building 1 is not the rep's
    assert h.request.texts(REP["id"])[-1] == (
        "Vote #1: these units have not voted and could not be reached privately (no chat with "
        "me, or nobody verified). Please knock on their doors: 2-101, 2-102, 2-201, 2-202"
    )
    await h.say(GROUP, REP, "/remind 1")
    assert h.request.texts(GROUP["id"])[-1] == (
        "Reminders for vote #1 were sent less than 6 hours ago; please wait a little."
    )


async def test_units_during_an_open_vote_says_the_vote_keeps_its_electorate(
    harness: HandlerHarness,
) -> None:
    h = harness
    await prepare(h)
    await open_vote(h, "Install an elevator? double-majority 7d")
    h.request.files["units-file-2"] = WORKED_EXAMPLE_CSV.replace(b",C\n", b",Chen\n")
    document = {
        "file_id": "units-file-2",
        "file_unique_id": "uf2",
        "file_name": "units.csv",
        "file_size": len(WORKED_EXAMPLE_CSV) + 6,
    }
    await h.feed({"message": h.message(GROUP, CREATOR, None, document=document, caption="/units")})
    assert h.request.texts(GROUP["id"])[-1].endswith(
        "Open votes #1 keep the owners, units and areas they opened with; this register counts "
        "from the next vote on."
    )
    await h.say(private(PEOPLE["A"]), PEOPLE["A"], "/me")  # nothing else changed for residents
    assert "1-101" in h.request.texts(PEOPLE["A"]["id"])[-1]


async def test_a_secret_votes_ledger_never_ties_a_unit_to_a_choice(harness: HandlerHarness) -> None:
    h = harness
    await prepare(h)
    card, buttons = await open_vote(h, "Repaint the gate? simple 1d secret")
    receipts = {}
    for name, label in [("A", "👍 For"), ("B", "👎 Against"), ("D", "👍 For")]:
        await h.press(GROUP, PEOPLE[name], card, buttons[label])
        receipts[name] = h.request.answers()[-1]["text"].rsplit(" ", 1)[1]
    await close_by_hand(h, GROUP, CHAIR, 1)
    header, *rows = ledger_rows(h)
    assert header == ["section", "units", "buildings", "area_m2", "choice", "source", "receipt"]
    ballots = [row for row in rows if row[0] == "ballots"]
    participants = [row for row in rows if row[0] == "participants"]
    # the receipts with their choices, in receipt order, without units; the units apart
    assert sorted((row[6], row[4]) for row in ballots) == sorted(
        [(receipts["A"], "For"), (receipts["B"], "Against"), (receipts["D"], "For")]
    )
    assert [row[6] for row in ballots] == sorted(row[6] for row in ballots)
    assert all(row[1:4] == ["", "", ""] for row in ballots)
    assert [row[1:5] for row in participants] == [
        ["1-101", "1", "90.00", ""],
        ["1-102", "1", "90.00", ""],
        ["2-101", "2", "100.00", ""],
    ]
