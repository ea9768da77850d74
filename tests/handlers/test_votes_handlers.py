"""Topics and votes through the handlers, with real PTB updates and an offline Bot API."""

from __future__ import annotations

import asyncio
import csv
import io

from bot.residents.cases import claim_ownership, decide_ownership
from bot.roles.model import Actor
from tests.conftest import NOW
from tests.handlers.closing import close_by_hand
from tests.handlers.harness import HandlerHarness, group, private, user
from tests.handlers.test_residents_handlers import CREATOR, GROUP, keyboard_of, set_up

OWNERS = {
    "A": "1-101",
    "B": "1-102",
    "C": "1-201",
    "D": "2-101",
    "E": "2-102",
    "F": "2-201",
    "G": "2-202",
}
PEOPLE = {name: user(500 + i, f"Owner {name}") for i, name in enumerate(OWNERS)}
COMMITTEE = user(9, "Chair Wu")


async def residents(h: HandlerHarness) -> None:
    await set_up(h)
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        codes = await uow.codes.active(community.id)
    if not codes:
        h.request.private_open.add(CREATOR["id"])
        await h.say(GROUP, CREATOR, "/codes")
        async with h.database.unit_of_work() as uow:
            codes = await uow.codes.active(community.id)
    for name, unit in OWNERS.items():
        person = PEOPLE[name]
        h.request.private_open.add(person["id"])
        await h.say(private(person), person, f"/join {unit} {codes[unit]}")
        async with h.database.unit_of_work() as uow:  # a code proves residence; an admin
            claim = await claim_ownership(  # verifies the owner (issue 8)
                uow,
                community=community,
                user_id=person["id"],
                user_name=person["first_name"],
                unit_code=unit,
                now=NOW,
            )
            await decide_ownership(
                uow,
                community=community,
                ownership_id=claim.id,
                actor=Actor(CREATOR["id"], is_chat_admin=True),
                actor_name="Carol",
                approve=True,
                now=NOW,
            )
    await h.say(
        GROUP, CREATOR, "/role committee", reply_to_message=h.message(GROUP, COMMITTEE, "hello")
    )


def last_sent(h: HandlerHarness, chat_id: int) -> dict:
    return h.request.sent("sendMessage", chat_id)[-1]


async def test_propose_support_vote_close_publish(harness: HandlerHarness) -> None:
    h = harness
    await residents(h)
    await h.say(GROUP, CREATOR, "/settings support_threshold 2")
    assert h.request.texts(GROUP["id"])[-1] == "Support threshold: 2 households."

    await h.say(
        GROUP,
        PEOPLE["A"],
        "/propose Install an elevator in building 2\nThe stairs are hard for the elderly.",
    )
    card = last_sent(h, GROUP["id"])
    assert card["text"].startswith(
        "📝 Topic #1: Install an elevator in building 2\nThe stairs are hard"
    )
    support = keyboard_of(card)[0][1]
    await h.press(GROUP, user(77, "Stranger"), None, support)
    assert h.request.answers()[-1]["text"].startswith("Only verified residents can support")
    await h.press(GROUP, PEOPLE["B"], None, support)
    assert (
        h.request.answers()[-1]["text"]
        == "You support this topic (household 1-102). Press again to withdraw."
    )
    await h.say(GROUP, COMMITTEE, "/vote 1")
    assert "is not in discussion" in h.request.texts(GROUP["id"])[-1]
    await h.press(GROUP, PEOPLE["C"], None, support)
    assert "is now in discussion" in h.request.texts(GROUP["id"])[-1]

    await h.say(GROUP, PEOPLE["A"], "/vote 1")
    assert h.request.texts(GROUP["id"])[-1].startswith("Only committee members")
    await h.say(GROUP, COMMITTEE, "/vote 1")
    draft = last_sent(h, GROUP["id"])
    assert draft["text"].startswith("🗳 New vote #1: Install an elevator in building 2")
    buttons = dict(keyboard_of(draft))
    await h.press(GROUP, PEOPLE["A"], None, buttons["双过半 (Civil Code)"])
    assert (
        h.request.answers()[-1]["text"]
        == "Only the committee member who started this vote can set it up."
    )
    await h.press(GROUP, COMMITTEE, None, buttons["双过半 (Civil Code)"])
    assert "✅ 双过半 (Civil Code)" in dict(keyboard_of(h.request.sent("editMessageText")[-1]))
    await h.press(GROUP, COMMITTEE, None, buttons["▶ Start the vote"])
    vote_card = last_sent(h, GROUP["id"])
    assert vote_card["text"].startswith(
        "🗳 Vote #1: Install an elevator in building 2\nRule: Civil Code 双过半"
    )
    assert "Participation: 0 of 8 owners (0%), 0 m² of 860 m² (0%)" in vote_card["text"]
    ballot = dict(keyboard_of(vote_card))
    assert list(ballot) == ["👍 For", "👎 Against", "✋ Abstain", "🧾 My ballot"]
    edits_before = len(h.request.sent("editMessageText"))

    for name, label in {
        "A": "👍 For",
        "B": "👍 For",
        "C": "👍 For",
        "D": "👎 Against",
        "E": "✋ Abstain",
        "F": "👍 For",
    }.items():
        await h.press(GROUP, PEOPLE[name], None, ballot[label])
    assert h.request.answers()[-1]["text"].startswith(
        "Recorded: For — 2-201. You can change it until"
    )
    await h.press(GROUP, PEOPLE["B"], None, ballot["👎 Against"])
    await h.press(GROUP, PEOPLE["B"], None, ballot["👍 For"])  # changed back
    await h.press(GROUP, user(77, "Stranger"), None, ballot["👍 For"])
    assert h.request.answers()[-1]["text"].startswith("Only verified residents")
    # no edit per press: the live card is redrawn by LiveCards, not by the press handler
    assert len(h.request.sent("editMessageText")) == edits_before

    await h.say(GROUP, COMMITTEE, "/result 1")
    assert "still open" in h.request.texts(GROUP["id"])[-1]
    await close_by_hand(h, GROUP, PEOPLE["A"], 1)
    assert h.request.texts(GROUP["id"])[-1].startswith(
        "Only committee members and administrators can close"
    )
    await close_by_hand(h, GROUP, COMMITTEE, 1)
    result = h.request.texts(GROUP["id"])[-1]
    assert result.startswith("📢 Result of vote #1: Install an elevator in building 2\nPASSED")
    assert "Participation needs at least 2/3 of owners: 6 of 8 (75%) ✅" in result
    assert (
        "Approval needs more than half of the participating area: 440 m² of 640 m² (68.8%) ✅"
        in result
    )
    assert "By building: 1: 3/3, 2: 3/4, 3: 0/1" in result
    assert h.request.sent("pinChatMessage")
    closed_card = h.request.sent("editMessageText", GROUP["id"])[-1]
    assert "Closed" in closed_card["text"] and "reply_markup" not in closed_card

    await h.press(GROUP, PEOPLE["G"], None, ballot["👍 For"])
    assert (
        h.request.answers()[-1]["text"]
        == "Vote #1 is closed; ballots can no longer be cast or changed."
    )
    await close_by_hand(h, GROUP, COMMITTEE, 1)
    assert h.request.texts(GROUP["id"])[-1] == "Vote #1 is already closed."
    await h.say(GROUP, PEOPLE["A"], "/verify 1")
    assert h.request.texts(GROUP["id"])[-1].startswith(
        "✅ The record of vote #1 is intact: 10 entries"  # opening + 8 ballots + close
    )
    await h.say(GROUP, PEOPLE["A"], "/topics")
    assert (
        "#1 Install an elevator in building 2 — ⑤ published: passed (2 👍)"
        in h.request.texts(GROUP["id"])[-1]
    )

    h.request.private_open.add(COMMITTEE["id"])
    await h.say(GROUP, COMMITTEE, "/export 1")
    assert h.request.texts(GROUP["id"])[-1] == "I have sent the ballots to you in a private chat."


async def test_a_free_question_vote_with_options_and_export(harness: HandlerHarness) -> None:
    h = harness
    await residents(h)
    await h.say(GROUP, COMMITTEE, "/vote Repaint the gate green? simple 30m building 1 secret")
    card = last_sent(h, GROUP["id"])
    assert "Building 1 only · secret ballot" in card["text"]
    ballot = dict(keyboard_of(card))
    await h.press(GROUP, PEOPLE["D"], None, ballot["👍 For"])
    assert h.request.answers()[-1]["text"] == "This vote is for the residents of building 1 only."
    await h.press(GROUP, PEOPLE["A"], None, ballot["👍 For"])
    await h.press(GROUP, PEOPLE["C"], None, ballot["👎 Against"])
    h.request.private_open.add(COMMITTEE["id"])
    await h.say(GROUP, COMMITTEE, "/export 1")
    # issue 8: no per-voter data of a secret vote while it is open (this used to send the file)
    assert h.request.texts(GROUP["id"])[-1].startswith("Vote #1 is a secret ballot and still open")
    assert h.request.sent("sendDocument", COMMITTEE["id"]) == []
    h.request.private_open.discard(PEOPLE["B"]["id"])
    # (the rep of building 2 reaches no one in a building-1 vote: see test_votes_trust.py)
    await h.say(GROUP, COMMITTEE, "/remind 1")
    # the header first; the reminders go out in the background (they may be done already)
    header = [t for t in h.request.texts(GROUP["id"]) if t.startswith("⏰ Vote #1")]
    assert header[-1].startswith("⏰ Vote #1 “Repaint the gate green?” closes")
    for _ in range(100):
        if h.request.texts(GROUP["id"])[-1].startswith("Reminded"):
            break
        await asyncio.sleep(0.02)
    # building 1: A voted, C voted (1-201); B (1-102) has not, and cannot be written to
    assert (
        h.request.texts(GROUP["id"])[-1]
        == "Reminded 0 residents privately; 1 have not started a chat with me and were skipped."
    )
    await close_by_hand(h, GROUP, COMMITTEE, 1)
    await h.say(GROUP, COMMITTEE, "/export 1")
    document = h.request.sent("sendDocument", COMMITTEE["id"])[-1]
    assert "Secret ballot" in document["caption"]


async def test_bad_vote_commands(harness: HandlerHarness) -> None:
    h = harness
    await residents(h)
    for text, answer in [
        ("/vote", "Usage: /vote <topic number | question>"),
        ("/vote 9", "There is no topic #9 here."),
        ("/vote 1 unanimous", "I don't understand “unanimous”."),
        ("/vote Paint it? 3w", "“3w” is not a duration I accept"),
        ("/vote Paint it? 2d building 9", "Building 9 is not in the register."),
        ("/close", "There is no open vote now."),  # a picker, with nothing to pick
        ("/close x", "Usage: /close <vote number>"),
        ("/result x", "Usage: /result <vote number>"),
        ("/verify 4", "There is no vote #4 here."),
        ("/settings support_threshold 0", "The threshold must be a whole number from 1 to 1000."),
        (
            "/settings",
            "Usage: /settings support_threshold <n> | response_time <30m|24h|3d> | plan_time <3d> | notice_days <days> | publication_days <days>. Now: support threshold 3 households; respond within 1 d, resolve within 3 d; Civil Code votes announced 0 days ahead, results published for objections 7 days.",
        ),
    ]:
        await h.say(GROUP, COMMITTEE if not text.startswith("/settings") else CREATOR, text)
        assert h.request.texts(GROUP["id"])[-1].startswith(answer), (
            text,
            h.request.texts(GROUP["id"])[-1],
        )
    await h.press(GROUP, COMMITTEE, None, "v1:vb:99999:f")
    assert h.request.answers()[-1]["text"] == "This vote does not exist in this community."
    await h.press(GROUP, COMMITTEE, None, "v1:vb:1:q")
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."


async def test_a_vote_of_another_community_cannot_be_cast_here(harness: HandlerHarness) -> None:
    h = harness
    await residents(h)
    await h.say(GROUP, COMMITTEE, "/vote Paint it? 1d")
    vote_data = dict(keyboard_of(last_sent(h, GROUP["id"])))["👍 For"]
    other = group(-3003, "Other")
    h.request.admins.add((other["id"], CREATOR["id"]))
    await h.say(other, CREATOR, "/setup Other")
    await h.press(other, PEOPLE["A"], None, vote_data)
    assert h.request.answers()[-1]["text"] == "This vote does not exist in this community."


def test_export_rows_parse_as_csv() -> None:
    # updated for issue 8: readable headers and values in the community's language and time zone
    from datetime import UTC, datetime, timedelta
    from decimal import Decimal

    from bot.communities.model import Community
    from bot.votes.model import Vote, VoteStatus
    from bot.votes.tally import Choice, Rule
    from handlers.votes.commands import ExportRow, ballots_csv

    vote = Vote(1, 1, 3, None, "Q", Rule.SIMPLE, timedelta(days=1), None, False, VoteStatus.OPEN, 1)
    community = Community(1, -1001, "Sunny Garden", "en", "Asia/Shanghai")
    row = ExportRow(
        ("1-101",),
        ("1",),
        ("A",),
        Decimal("90.00"),
        Choice.FOR,
        'Ann, "the" owner',
        datetime(2026, 11, 22, 0, 0, tzinfo=UTC),
    )
    data = ballots_csv(vote, [row], community)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        {
            "Vote": "3",
            "Unit": "1-101",
            "Building": "1",
            "Owner": "A",
            "Area (m²)": "90",
            "Choice": "For",
            "Voter": 'Ann, "the" owner',
            "Time cast": "22 Nov 2026 08:00",  # midnight UTC is 8 a.m. in Shanghai
        }
    ]
