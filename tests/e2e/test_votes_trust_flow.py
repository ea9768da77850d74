"""End to end through `python bot.py`: votes a committee can stake a decision on (issue 8), on
the Civil Code worked example of /work/shared/domain.md.

Ten units, eight owners by headcount (A, B, C with two units, D, E, F, G, the developer's two
unsold units as one), 860 m². A, C and F are verified owners and vote with the buttons; B, D
and E hand in paper ballots that a committee member enters with `/paper` (in the group, or in
a private chat with the bot; `for`/`against`/`abstain` or 赞成/反对/弃权). In one process, one
vote after the other, each closed with /close:
- the same ballots under 双四分之三 (a major matter) are REJECTED;
- only A, B, C and D taking part is NO QUORUM;
- under 双过半, with the register corrected in the middle of the vote (C written out as
  `Chen`, once in full-width letters, so the bot asks to Confirm), the vote keeps its electorate
  and PASSES with the figures worked out by hand (C's ballot, cast under the key `C` before
  the correction, still counts for both units: in the new register that key is gone, and a
  vote counting from it would show 5 of 8 owners taking part); the ledger posted beside the result lists
  units, areas and receipts, never names; /verify confirms the result's record; a voter finds
  the receipt of their press under 🧾 My ballot and in the ledger.

Expected figures (domain.md, by hand): participation 6 of 8 owners and 640 of 860 m²
(A 90 + B 90 + C 180 + D 100 + E 100 + F 80); For 4 of 6 owners (A, B, C, F) and 440 of 640 m²
(90 + 90 + 180 + 80). Only A, B, C, D: 4 of 8 owners, 460 of 860 m²."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.roles.model import Role
from tests.e2e.conftest import READY
from tests.e2e.process import BotProcess
from tests.e2e.seed import seed_community
from tests.fake_telegram import BotMessage, FakeChat, FakeTelegram, FakeUser

pytestmark = pytest.mark.e2e

REGISTER = (
    b"unit,building,area_m2,owner\n"
    b"1-101,1,90,A\n"
    b"1-102,1,90,B\n"
    b"1-201,1,120,C\n"
    b"1-202,1,60,C\n"
    b"2-101,2,100,D\n"
    b"2-102,2,100,E\n"
    b"2-201,2,80,F\n"
    b"2-202,2,80,G\n"
    b"3-101,3,70,developer\n"
    b"3-102,3,70,developer\n"
)

# The committee's correction: C written out as Chen (once in full-width letters, as a Chinese
# input method types it, which the bot counts as the same owner but asks about first), the
# developer's second unit as 开发商. Same units, same areas, same eight owners.
CORRECTED = (
    "unit,building,area_m2,owner\n"
    "1-101,1,90,A\n"
    "1-102,1,90,B\n"
    "1-201,1,120,Chen\n"
    "1-202,1,60,Ｃｈｅｎ\n"
    "2-101,2,100,D\n"
    "2-102,2,100,E\n"
    "2-201,2,80,F\n"
    "2-202,2,80,G\n"
    "3-101,3,70,developer\n"
    "3-102,3,70,开发商\n"
).encode()

RECEIPT = re.compile(r"Receipt: ([A-Z2-7]{4}-[A-Z2-7]{4})\b")
PAPER_RECEIPT = re.compile(r"receipt ([A-Z2-7]{4}-[A-Z2-7]{4})\.")
FINGERPRINT = re.compile(r"(?:[A-Z2-7]{4}-){7}[A-Z2-7]{4}")
LEDGER_HEADER = ["section", "units", "buildings", "area_m2", "choice", "source", "receipt"]
SLOW = 60.0  # the bot keeps to Telegram's 20 messages a minute in a group


@dataclass(frozen=True)
class Estate:
    fake: FakeTelegram
    group: FakeChat
    admin: FakeUser  # the group's creator: a Telegram administrator (居委会)
    chair: FakeUser  # the owners' committee (业委会)
    a: FakeUser
    c: FakeUser
    f: FakeUser


@pytest.fixture
def estate(tmp_path: Path, fake: FakeTelegram) -> Iterator[Estate]:
    admin = fake.add_user("Admin", language_code="en")
    chair = fake.add_user("Chair", language_code="en")
    a = fake.add_user("Anna", language_code="en")
    c = fake.add_user("Chen", language_code="en")
    f = fake.add_user("Fang", language_code="en")
    group = fake.create_group("Sunny Garden", creator=admin, members=[chair, a, c, f])
    bot = BotProcess(tmp_path / "bot", token=fake.token, base_url=fake.base_url)
    seed_community(
        bot.database,
        chat_id=group.id,
        name="Sunny Garden",
        register=REGISTER,
        # C is verified owner of one unit; the owner key covers both of C's units
        owners=[
            (a.id, a.first_name, "1-101"),
            (c.id, c.first_name, "1-201"),
            (f.id, f.first_name, "2-201"),
        ],
        roles=[(chair.id, Role.COMMITTEE)],
    )
    bot.start()
    try:
        bot.wait_for_log(READY)
        fake.add_bot_to_group(group, by=admin, as_admin=True)
        fake.wait_for_message(group, contains="Hello again, Sunny Garden")
        yield Estate(fake, group, admin, chair, a, c, f)
    finally:
        code = bot.stop()
        log = bot.log()
        assert "Traceback" not in log, log
        assert fake.token not in log, "the token leaked into the log"
        assert code == 0, log


def current(fake: FakeTelegram, chat: FakeChat, message_id: int) -> BotMessage:
    return next(m for m in fake.bot_messages(chat) if m.message_id == message_id)


def open_vote(estate: Estate, args: str, number: int) -> BotMessage:
    fake, group = estate.fake, estate.group
    mark = fake.mark(group)
    fake.send_message(group, estate.chair, f"/vote {args}")
    card = fake.wait_for_message(group, contains=f"🗳 Vote #{number}:", after=mark, timeout=SLOW)
    assert "0 of 8 owners" in card.content, card.content
    assert "0 m² of 860 m²" in card.content, card.content
    return card


def press(estate: Estate, card: BotMessage, voter: FakeUser, label: str) -> str:
    """A voter presses a ballot button on the card the bot sent; returns the receipt."""
    fake = estate.fake
    answer = fake.wait_for_callback_answer(
        fake.press_button_by_text(estate.group, card, voter, label)
    )
    text = answer.text or ""
    assert text.startswith(f"Recorded: {label.split()[-1]}"), text
    found = RECEIPT.search(text)
    assert found is not None, text
    return found.group(1)


def paper(estate: Estate, chat: FakeChat | FakeUser, number: int, unit: str, choice: str) -> str:
    """The committee member enters a paper ballot; returns its receipt."""
    fake = estate.fake
    mark = fake.mark(chat)
    fake.send_message(chat, estate.chair, f"/paper {number} {unit} {choice}")
    reply = fake.wait_for_message(
        chat, contains=f"📝 Paper ballot entered for {unit}", after=mark, timeout=SLOW
    )
    assert f"in vote #{number}:" in reply.content, reply.content
    found = PAPER_RECEIPT.search(reply.content)
    assert found is not None, reply.content
    return found.group(1)


def close(estate: Estate, number: int) -> tuple[BotMessage, BotMessage]:
    """/close by the committee: the result, and the ledger document posted beside it."""
    fake, group = estate.fake, estate.group
    mark = fake.mark(group)
    fake.send_message(group, estate.chair, f"/close {number}")
    confirm = fake.wait_for_message(
        group, contains=f"Close vote #{number} now?", after=mark, timeout=SLOW
    )
    fake.wait_for_callback_answer(
        fake.press_button_by_text(group, confirm, estate.chair, "Yes, close it")
    )
    result = fake.wait_for_message(
        group, contains=f"📢 Result of vote #{number}", after=mark, timeout=SLOW
    )
    ledger = fake.wait_for_message(
        group,
        contains=f"📒 Ledger of vote #{number}",
        predicate=lambda m: m.document is not None,
        after=mark,
        timeout=SLOW,
    )
    return result, ledger


# the result's threshold lines (worked out from ../shared/domain.md's example: 860 m², 8 owners)
PO = "Participation needs at least 2/3 of owners"
PA = "Participation needs at least 2/3 of the area"
AO2 = "Approval needs more than half of the participating owners"
AA2 = "Approval needs more than half of the participating area"
AO3 = "Approval needs at least 3/4 of the participating owners"
AA3 = "Approval needs at least 3/4 of the participating area"


def checks(result: BotMessage) -> dict[str, str]:
    """The result's threshold lines by what they need: "Participation needs at least 2/3 of
    owners" → "6 of 8 (75%) ✅"."""
    lines = {}
    for line in result.content.splitlines():
        name, sep, rest = line.partition(": ")
        if sep and " needs " in name:
            lines[name] = rest
    return lines


def ledger_rows(ledger: BotMessage) -> list[list[str]]:
    assert ledger.document is not None
    assert (ledger.document.file_name or "").endswith(".csv")
    rows = list(csv.reader(io.StringIO(ledger.document.content.decode("utf-8-sig"))))
    assert rows[0] == LEDGER_HEADER
    return rows[1:]


def test_civil_code_worked_example_trusted_end_to_end(estate: Estate) -> None:
    fake, group, chair = estate.fake, estate.group, estate.chair
    a, c, f = estate.a, estate.c, estate.f
    fake.open_private_chat(chair)  # paper ballots can also be entered in private
    fake.wait_for_message(chair)

    # ── 双四分之三 (raising the maintenance fund, art. 278 item 6): the same ballots, REJECTED
    card = open_vote(estate, "Raise the maintenance fund? double-three-quarters 3d", 1)
    press(estate, card, a, "For")
    press(estate, card, c, "For")
    press(estate, card, f, "For")
    paper(estate, chair, 1, "1-102", "for")
    paper(estate, chair, 1, "2-101", "against")
    paper(estate, chair, 1, "2-102", "abstain")
    result, _ = close(estate, 1)
    assert "REJECTED" in result.content, result.content
    found = checks(result)
    assert found[PO].startswith("6 of 8 ("), result.content
    assert found[PO].endswith("✅"), result.content
    assert found[PA].startswith("640 m² of 860 m² ("), result.content
    assert found[PA].endswith("✅"), result.content
    assert found[AO3].startswith("4 of 6 ("), result.content
    assert found[AO3].endswith("❌ — 1 more household needed"), result.content
    assert found[AA3].startswith("440 m² of 640 m² ("), result.content
    assert found[AA3].endswith("❌ — 40 m² more needed"), result.content

    # ── only A, B, C and D take part: 4 of 8 owners < 2/3, NO QUORUM whatever the area
    card = open_vote(estate, "Repaint the bicycle shed? double-majority 3d", 2)
    press(estate, card, a, "For")
    press(estate, card, c, "For")
    paper(estate, chair, 2, "1-102", "赞成")
    paper(estate, chair, 2, "2-101", "反对")
    result, _ = close(estate, 2)
    assert "NO QUORUM" in result.content, result.content
    found = checks(result)
    assert found[PO].startswith("4 of 8 ("), result.content
    assert found[PO].endswith("❌ — 2 more households needed"), result.content
    assert found[PA].startswith("460 m² of 860 m² ("), result.content
    # at least 2/3 of 860 m² is 573⅓, i.e. 573.34 m² to the hundredth: 113.34 m² short
    assert found[PA].endswith("❌ — 113.34 m² more needed"), result.content

    # ── 双过半 (using the maintenance fund, item 5), the register corrected mid-vote: PASSED
    card = open_vote(estate, "Use the maintenance fund to repair the roofs? double-majority 7d", 3)
    receipt_a = press(estate, card, a, "For")
    receipt_c = press(estate, card, c, "For")
    receipts = {"1-101": receipt_a, "1-201 1-202": receipt_c}
    receipts["1-102"] = paper(estate, group, 3, "1-102", "赞成")

    # the admin re-imports the corrected register while vote #3 is open
    mark = fake.mark(group)
    fake.send_document(group, estate.admin, "units.csv", CORRECTED, caption="/units")
    preview = fake.wait_for_message(
        group, contains="check the owners first", after=mark, timeout=SLOW
    )
    assert "Chen / Ｃｈｅｎ" in preview.content, preview.content
    assert "8 owners by headcount" in preview.content, preview.content
    assert "total area 860 m²" in preview.content, preview.content
    answer = fake.wait_for_callback_answer(
        fake.press_button_by_text(group, preview, estate.admin, "Confirm")
    )
    assert not answer.show_alert
    saved = fake.wait_for(
        lambda: (
            m
            if "Unit register saved" in (m := current(fake, group, preview.message_id)).content
            else None
        ),
        timeout=SLOW,
        describe=lambda: "the preview replaced by the import summary",
    )
    assert "8 owners by headcount" in saved.content, saved.content
    assert "Open votes #3 keep the owners, units and areas they opened with" in saved.content
    assert saved.buttons == []

    receipts["2-101"] = paper(estate, group, 3, "2-101", "against")
    receipts["2-102"] = paper(estate, group, 3, "2-102", "弃权")
    receipts["2-201"] = press(estate, card, f, "For")

    # 🧾 My ballot shows the receipt of A's press
    mine = fake.wait_for_callback_answer(fake.press_button_by_text(group, card, a, "My ballot"))
    assert mine.text == f"1-101: For (online), receipt {receipt_a}", mine.text

    result, ledger = close(estate, 3)
    text = result.content
    assert "Use the maintenance fund to repair the roofs?\nPASSED" in text, text
    assert "For 4 owners, 440 m²" in text, text
    assert "Against 1 owners, 100 m²" in text, text
    assert "Abstain 1 owners, 100 m²" in text, text
    assert "Participation: 6 of 8 owners (75%), 640 m² of 860 m² (" in text, text
    assert "of which entered from paper: 3" in text, text
    found = checks(result)
    assert found[PO].startswith("6 of 8 ("), text
    assert found[PO].endswith("✅"), text
    assert found[PA].startswith("640 m² of 860 m² ("), text
    assert found[PA].endswith("✅"), text
    assert found[AO2].startswith("4 of 6 ("), text
    assert found[AO2].endswith("✅"), text
    assert found[AA2].startswith("440 m² of 640 m² ("), text
    assert found[AA2].endswith("✅"), text
    record = re.search(r"Record: (\S+) \(check with /verify 3\)", text)
    assert record is not None and FINGERPRINT.fullmatch(record.group(1)), text
    assert fake.wait_for(lambda: current(fake, group, result.message_id).pinned or None, timeout=10)

    # the ledger: every counted ballot by unit, building, area and receipt; no names
    assert ledger.content.startswith("📒 Ledger of vote #3"), ledger.content
    assert f"Fingerprint {record.group(1)};" in ledger.content, ledger.content
    assert ledger_rows(ledger) == [
        ["ballots", "1-101", "1", "90.00", "For", "online", receipts["1-101"]],
        ["ballots", "1-102", "1", "90.00", "For", "paper ballot", receipts["1-102"]],
        ["ballots", "1-201 1-202", "1", "180.00", "For", "online", receipts["1-201 1-202"]],
        ["ballots", "2-101", "2", "100.00", "Against", "paper ballot", receipts["2-101"]],
        ["ballots", "2-102", "2", "100.00", "Abstain", "paper ballot", receipts["2-102"]],
        ["ballots", "2-201", "2", "80.00", "For", "online", receipts["2-201"]],
    ]
    content = ledger.document.content.decode("utf-8-sig") if ledger.document else ""
    for name in ("Anna", "Chen", "Ｃｈｅｎ", "Fang", "Chair", "Admin", "developer", "开发商"):
        assert name not in content, (name, content)

    # /verify: intact, with the fingerprint the result published
    mark = fake.mark(group)
    fake.send_message(group, f, "/verify 3")
    verified = fake.wait_for_message(
        group, contains="The record of vote #3", after=mark, timeout=SLOW
    )
    assert verified.content.startswith("✅"), verified.content
    assert verified.content.endswith(f"Fingerprint {record.group(1)}"), verified.content


def test_developer_keys_differing_in_case_are_not_called_different_owners(
    estate: Estate,
) -> None:
    fake, group = estate.fake, estate.group
    register = REGISTER.replace(b"3-102,3,70,developer", b"3-102,3,70,Developer")
    mark = fake.mark(group)
    fake.send_document(group, estate.admin, "units.csv", register, caption="/units")
    reply = fake.wait_for_message(
        group,
        predicate=lambda m: "owners by headcount" in m.content,
        after=mark,
        timeout=SLOW,
    )
    assert "8 owners by headcount" in reply.content, reply.content
    wrong = [
        line
        for line in reply.content.splitlines()
        if "eveloper" in line and "different owners" in line
    ]
    assert wrong == [], reply.content


def test_a_voter_still_finds_the_ballot_after_the_register_is_corrected(estate: Estate) -> None:
    fake, group = estate.fake, estate.group
    card = open_vote(estate, "Use the maintenance fund to repair the roofs? double-majority 7d", 1)
    receipt_c = press(estate, card, estate.c, "For")
    mark = fake.mark(group)
    fake.send_document(group, estate.admin, "units.csv", CORRECTED, caption="/units")
    preview = fake.wait_for_message(group, contains="check the owners first", after=mark)
    fake.wait_for_callback_answer(
        fake.press_button_by_text(group, preview, estate.admin, "Confirm")
    )
    fake.wait_for(
        lambda: "Open votes #1 keep" in current(fake, group, preview.message_id).content or None,
        timeout=SLOW,
        describe=lambda: "the import summary",
    )
    mine = fake.wait_for_callback_answer(
        fake.press_button_by_text(group, card, estate.c, "My ballot")
    )
    assert mine.text == f"1-201, 1-202: For (online), receipt {receipt_c}", mine.text
