"""Issue 8, found by trying the bot: forged or odd input and the exports, through real PTB
updates. Expected values are worked out by hand from the domain (../shared/domain.md)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from telegram.request import RequestData

from tests.handlers.closing import close_by_hand
from tests.handlers.harness import HandlerHarness, private, user
from tests.handlers.test_residents_handlers import ALICE, CREATOR, GROUP, keyboard_of, set_up
from tests.handlers.test_votes_handlers import COMMITTEE, PEOPLE, last_sent, residents

STALE = "This button is no longer valid."


@pytest.fixture
def uploads(harness: HandlerHarness, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    stock = harness.request.do_request

    async def capture(
        url: str, method: str, request_data: RequestData | None = None, **kwargs: Any
    ) -> tuple[int, bytes]:
        if request_data is not None:
            for filename, content, *_ in request_data.multipart_data.values():
                if isinstance(content, bytes):
                    files[filename] = content
        return await stock(url, method, request_data, **kwargs)

    monkeypatch.setattr(harness.request, "do_request", capture)
    return files


def rows_of(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def test_a_formula_as_voter_name_is_text_in_the_export(
    harness: HandlerHarness, uploads: dict[str, bytes]
) -> None:
    h = harness
    await residents(h)
    await h.say(GROUP, COMMITTEE, "/vote Paint the gate? simple 1d")
    ballot = dict(keyboard_of(last_sent(h, GROUP["id"])))
    evil = {**PEOPLE["A"], "first_name": '=HYPERLINK("http://evil.example","x")'}
    other = {**PEOPLE["B"], "first_name": "@SUM(1+1)"}
    for person in (evil, other):  # the name a voter chose is remembered as they write
        await h.say(private(person), person, "/lang en")
    await h.press(GROUP, evil, None, ballot["👍 For"])
    await h.press(GROUP, other, None, ballot["👎 Against"])
    h.request.private_open.add(COMMITTEE["id"])
    await h.say(GROUP, COMMITTEE, "/export 1")
    header, *rows = rows_of(uploads["vote-1.csv"])
    assert header == [
        "Vote",
        "Unit",
        "Building",
        "Owner",
        "Area (m²)",
        "Choice",
        "Voter",
        "Time cast",
    ]
    voters = {r[1]: r[6] for r in rows}
    assert voters == {
        "1-101": '\'=HYPERLINK("http://evil.example","x")',
        "1-102": "'@SUM(1+1)",
    }
    # 09:30 UTC is 17:30 in Asia/Shanghai, the community's time zone
    assert {r[7] for r in rows} == {"22 Nov 2026 17:30"}
    assert {r[5] for r in rows} == {"For", "Against"}


async def test_the_export_caption_has_the_outcome_and_the_chain_head(
    harness: HandlerHarness, uploads: dict[str, bytes]
) -> None:
    h = harness
    await residents(h)
    await h.say(GROUP, COMMITTEE, "/vote Paint the gate? simple 1d")
    ballot = dict(keyboard_of(last_sent(h, GROUP["id"])))
    for name in ("A", "B", "D"):
        await h.press(GROUP, PEOPLE[name], None, ballot["👍 For"])
    await close_by_hand(h, GROUP, COMMITTEE, 1)
    result = h.request.texts(GROUP["id"])[-1]
    head = result.split("Record: ")[1].split(" ")[0]
    assert head != "-"
    h.request.private_open.add(COMMITTEE["id"])
    await h.say(GROUP, COMMITTEE, "/export 1")
    caption = h.request.sent("sendDocument", COMMITTEE["id"])[-1]["caption"]
    assert caption.startswith("Ballots of vote #1: Paint the gate?\nPASSED\n")
    # the fingerprint as published with the result, then the full head (issue 8, build 5)
    assert re.search(rf"Record: {head}\n[0-9a-f]{{64}}$", caption)


async def test_chinese_export_headers_values_and_secret_vote(
    harness: HandlerHarness, uploads: dict[str, bytes]
) -> None:
    h = harness
    await residents(h)
    await h.say(GROUP, CREATOR, "/lang zh")
    await h.say(GROUP, COMMITTEE, "/vote 是否加装电梯 双过半 7天 无记名")
    card = last_sent(h, GROUP["id"])
    assert "无记名" in card["text"]
    ballot = dict(keyboard_of(card))
    labels = list(ballot)
    for name, label in (("C", labels[0]), ("A", labels[1]), ("D", labels[2])):
        await h.press(GROUP, PEOPLE[name], None, ballot[label])
    h.request.private_open.add(COMMITTEE["id"])
    await h.say(GROUP, COMMITTEE, "/export 1")
    assert h.request.texts(GROUP["id"])[-1].startswith("表决 #1 为无记名投票且尚未结束")
    assert "vote-1.csv" not in uploads
    await close_by_hand(h, GROUP, COMMITTEE, 1)
    await h.say(GROUP, COMMITTEE, "/export 1")
    header, *rows = rows_of(uploads["vote-1.csv"])
    assert header == ["表决", "单元", "楼栋", "业主", "面积（㎡）", "投票人"]
    # unit order, not the order of voting; C owns 1-201 and 1-202 (180 m²)
    assert [r[1:5] for r in rows] == [
        ["1-101", "1", "A", "90"],
        ["1-201 1-202", "1", "C", "180"],
        ["2-101", "2", "D", "100"],
    ]
    caption = h.request.sent("sendDocument", COMMITTEE["id"])[-1]["caption"]
    # 3 of 8 owners took part: < 2/3, so no quorum (the caption is in the reader's language)
    assert "\nNO QUORUM\n" in caption
    assert caption.endswith("totals: For 1, Against 1, Abstain 1.")


async def test_chinese_vote_options(harness: HandlerHarness) -> None:
    h = harness
    await residents(h)
    await h.say(GROUP, COMMITTEE, "/vote 是否续聘物业 双过半 7天")
    card = last_sent(h, GROUP["id"])
    assert card["text"].startswith("🗳 Vote #1: 是否续聘物业\nRule: Civil Code 双过半")
    await h.say(GROUP, COMMITTEE, "/vote 2 双过半 7天")
    assert h.request.texts(GROUP["id"])[-1].startswith("There is no topic #2 here.")
    await h.say(GROUP, COMMITTEE, "/vote 换门禁 3 天 2号楼 匿名")
    card = last_sent(h, GROUP["id"])
    assert "Building 2 only · secret ballot" in card["text"]


@pytest.mark.parametrize(
    "text", ["/close ²", "/result ³", "/export ¹", "/verify ٣", "/close 99999999999999999999"]
)
async def test_unicode_digits_and_huge_numbers_get_usage(
    harness: HandlerHarness, text: str
) -> None:
    h = harness
    await set_up(h)
    await h.say(GROUP, CREATOR, text)
    assert h.request.texts(GROUP["id"])[-1].startswith("Usage: /"), text


@pytest.mark.parametrize(
    "data",
    [
        "v1:vb:²:f",
        "v1:vd:²:go",
        "v1:jr:²:a",
        "v1:ts:²",
        "v1:vb:123456789012345678901234:f",
        "v1:jr:99999999999999999999:a",
        "v1:ts:9223372036854775808",
        "v1:lv:99999999999999999999",
    ],
)
async def test_odd_ids_in_buttons_are_stale(harness: HandlerHarness, data: str) -> None:
    h = harness
    await set_up(h)
    await h.press(GROUP, CREATOR, 1, data)
    assert h.request.answers()[-1]["text"] == STALE


async def test_forged_draft_durations_and_a_creator_no_longer_on_the_committee(
    harness: HandlerHarness,
) -> None:
    h = harness
    await residents(h)
    await h.say(GROUP, COMMITTEE, "/vote Paint the gate?")
    draft = last_sent(h, GROUP["id"])
    vote_id = dict(keyboard_of(draft))["▶ Start the vote"].split(":")[2]
    for minutes in ("0", str(60 * 24 * 61), "99999999999999999999"):
        await h.press(GROUP, COMMITTEE, None, f"v1:vd:{vote_id}:d:{minutes}")
        assert h.request.answers()[-1]["text"] == STALE, minutes
    await h.press(GROUP, COMMITTEE, draft["message_id"], f"v1:vd:{vote_id}:d:{60 * 24 * 61}")
    assert h.request.answers()[-1]["text"] == STALE
    await h.say(GROUP, CREATOR, "/role resident", reply_to_message=h.message(GROUP, COMMITTEE, "x"))
    await h.press(GROUP, COMMITTEE, None, dict(keyboard_of(draft))["▶ Start the vote"])
    assert h.request.answers()[-1]["text"].startswith("Only committee members")
    async with h.database.unit_of_work() as uow:
        vote = await uow.votes.get(int(vote_id))
    assert vote is not None and vote.status.value == "draft"


async def test_buttons_pressed_on_another_message_edit_nothing(harness: HandlerHarness) -> None:
    h = harness
    await residents(h)
    await h.say(GROUP, COMMITTEE, "/vote Paint the gate? simple 1d")
    card = last_sent(h, GROUP["id"])
    stranger = user(77, "Stranger")
    h.request.private_open.add(CREATOR["id"])
    await h.say(GROUP, stranger, "/join 3-101 tenant")
    join_card = last_sent(h, CREATOR["id"])  # the admin reviews it privately (issue 11)
    h.request.private_open.add(stranger["id"])
    await h.say(GROUP, stranger, "/leave")  # the list goes to her privately (issue 11)
    leave_data = keyboard_of(last_sent(h, stranger["id"]))[0][1]
    approve = keyboard_of(join_card)[0][1]
    edits = len(h.request.sent("editMessageText"))
    await h.press(GROUP, stranger, card["message_id"], leave_data)  # her Leave on the vote card
    assert h.request.answers()[-1]["text"] == STALE
    await h.press(GROUP, CREATOR, card["message_id"], "v1:rp:cancel")  # the form's Cancel
    assert h.request.answers()[-1]["text"] == STALE
    await h.press(GROUP, CREATOR, join_card["message_id"], "v1:rp:cancel")
    assert h.request.answers()[-1]["text"] == STALE
    await h.press(GROUP, CREATOR, card["message_id"], approve)  # Approve on the vote card
    assert h.request.answers()[-1]["text"] == STALE
    await h.press(GROUP, PEOPLE["A"], join_card["message_id"], keyboard_of(card)[0][1])
    assert h.request.answers()[-1]["text"] == STALE
    await h.press(GROUP, CREATOR, card["message_id"], "v1:lg:zh")
    assert h.request.answers()[-1]["text"] == STALE
    assert len(h.request.sent("editMessageText")) == edits
    async with h.database.unit_of_work() as uow:
        ballots = await uow.votes.ballot_rows(1)
    assert ballots == []
    # on their own messages the same buttons still work
    await h.press(private(stranger), stranger, None, leave_data)
    yes = leave_data.replace("v1:lv:", "v1:lc:") + ":y"
    await h.press(GROUP, stranger, card["message_id"], yes)  # the Yes forged onto the vote card
    assert h.request.answers()[-1]["text"] == STALE
    await h.press(private(stranger), stranger, None, yes)
    assert h.request.answers()[-1]["text"].startswith("You have left 3-101")


async def test_long_input_is_quoted_as_an_excerpt(harness: HandlerHarness) -> None:
    h = harness
    await residents(h)
    await h.say(GROUP, COMMITTEE, "/vote 1 " + "x" * 4000)
    answer = h.request.texts(GROUP["id"])[-1]
    assert answer.startswith("I don't understand “" + "x" * 39 + "…”.")
    await h.say(GROUP, ALICE, "/join " + "ß" * 3990)  # NFKC and upper case: 7,980 × S
    answer = h.request.texts(GROUP["id"])[-1]
    assert len(answer) < 400 and "S" * 39 + "…" in answer


@pytest.mark.parametrize("data", ["v1:jp:99999999999999999999:h", "v1:jp:1:u:99999999999999999999"])
async def test_huge_ids_in_private_join_buttons_are_stale(
    harness: HandlerHarness, data: str
) -> None:
    h = harness
    await set_up(h)
    h.request.private_open.add(ALICE["id"])
    await h.press(private(ALICE), ALICE, 1, data)
    assert h.request.answers()[-1]["text"] == STALE
