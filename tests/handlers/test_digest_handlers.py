"""The weekly digest through the handlers: a week seeded through the real commands and
buttons (topics, a Civil Code vote, a meeting, a notice) and tickets stored as the report form
stores them, posted as the schedule says; sent once whatever fires twice or restarts; the
schedule set with `/settings digest`; and a frequent problem proposed as a topic with Propose,
then Propose it privately."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.communities.model import Community
from bot.digest.model import Contributor, Digest, ProposalStatus
from handlers.digest.jobs import fire_digest, job_name, rearm_digests
from handlers.digest.render import digest_keyboard, digest_text
from tests.conftest import NOW
from tests.handlers.closing import close_by_hand
from tests.handlers.harness import HandlerHarness, private, user
from tests.handlers.test_residents_handlers import CREATOR, GROUP, keyboard_of, set_up
from tests.handlers.test_votes_handlers import COMMITTEE, PEOPLE, last_sent, residents

# NOW is Sunday 2026-11-22 17:30 in Shanghai: the digest is due on Monday 09:00 local, and tells
# the week from Monday 2026-11-16 09:00 (01:00 UTC) on.
DUE = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
STRANGER = user(77, "Stranger")

# The week's points, worked out from seed_week with the default amounts: B (1-102) supports
# topic 1 (+1), proposed topic 2, which reached discussion (+3), votes (+1), reads the notice
# (+1) = 6; A (1-101) proposed topic 1, which reached discussion (+3), votes, reads = 5; C, D
# and E each support once and vote = 2; F only votes = 1, sixth: not among the top 5.
EXPECTED = {
    "en": (
        "📰 Sunny Garden · the week in brief (16 Nov to 23 Nov)\n"
        "\n"
        "📝 2 new topics:\n"
        "#1 Fix the gate (step 5 of 5: Publish)\n"
        "#2 Repaint the bike shed (step 3 of 5: Review)\n"
        "\n"
        "🗳 Votes closed:\n"
        "#1 Fix the gate: passed, 6 of 8 took part (75%)\n"
        "\n"
        "🛠 Repairs: 2 reported, 1 resolved\n"
        "Reported: water and electricity 1, lift 1\n"
        "Resolved: water and electricity 1\n"
        "\n"
        "🗓 Next meeting #1: 9 Dec 2026 19:30, Community room, topics on the agenda: 1\n"
        "\n"
        "📢 This week's notices, read by:\n"
        "#1 Water off on Friday 9-12: 2 of 7 households\n"
        "\n"
        "🏅 Households that took part most:\n"
        "1-102: 6 points\n"
        "1-101: 5 points\n"
        "1-201: 2 points\n"
        "2-101: 2 points\n"
        "2-102: 2 points\n"
        "\n"
        "🔁 Reported again and again in the last 30 days:\n"
        "Building 2, lift: 3 times\n"
        "Press Propose below to make it a topic for everyone to discuss."
    ),
    "zh": (
        "📰 Sunny Garden · 本周简报（11月16日至11月23日）\n"
        "\n"
        "📝 新议题 2 个：\n"
        "#1 Fix the gate（第 5 步：公示）\n"
        "#2 Repaint the bike shed（第 3 步：审议）\n"
        "\n"
        "🗳 结束的表决：\n"
        "#1 Fix the gate：已通过，6/8 参与表决（75%）\n"
        "\n"
        "🛠 报修：新报 2 件，解决 1 件\n"
        "新报：水电 1 件、电梯 1 件\n"
        "解决：水电 1 件\n"
        "\n"
        "🗓 下次议事会 #1：2026年12月9日 19:30，Community room，议程 1 项\n"
        "\n"
        "📢 本周通知已读情况：\n"
        "#1 Water off on Friday 9-12：2/7 户已读\n"
        "\n"
        "🏅 本周积极参与的住户：\n"
        "1-102：6 分\n"
        "1-101：5 分\n"
        "1-201：2 分\n"
        "2-101：2 分\n"
        "2-102：2 分\n"
        "\n"
        "🔁 近 30 天反复报修的问题：\n"
        "2号楼 电梯：3 次\n"
        "点下面的“提议”，可以把它提成议题，大家一起商量。"
    ),
}
BUTTON = {"en": "📝 Propose: building 2, lift", "zh": "📝 提议：2号楼电梯"}


def button(params: dict[str, Any], prefix: str) -> str:
    return next(data for _, data in keyboard_of(params) if data.startswith(prefix))


async def community_id(h: HandlerHarness) -> int:
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
    assert community is not None
    return community.id


async def add_tickets(
    h: HandlerHarness, rows: Sequence[tuple[str, str | None, float, float | None]]
) -> None:
    """Tickets as the report form stores them: (category, building, days before NOW it was
    reported, days before NOW it was resolved or None), reported by a user of the register."""
    cid = await community_id(h)
    async with h.database.unit_of_work() as uow:
        conn = uow.inbox._conn
        await conn.execute(
            "INSERT OR IGNORE INTO users (id, display_name, updated_at) VALUES (5, 'Li', :now)",
            {"now": NOW.isoformat()},
        )
        for category, building, reported, resolved in rows:
            await conn.execute(
                "INSERT INTO tickets (community_id, number, category, description, reporter_id,"
                " building, status, created_at, resolved_at) VALUES (:cid, (SELECT COALESCE("
                "MAX(number), 0) + 1 FROM tickets WHERE community_id = :cid), :category, 'x', 5,"
                " :building, :status, :created, :resolved)",
                {
                    "cid": cid,
                    "category": category,
                    "building": building,
                    "status": "resolved" if resolved is not None else "reported",
                    "created": (NOW - timedelta(days=reported)).isoformat(timespec="seconds"),
                    "resolved": (NOW - timedelta(days=resolved)).isoformat(timespec="seconds")
                    if resolved is not None
                    else None,
                },
            )
        await uow.commit()


LIFTS_IN_BUILDING_2 = [
    ("elevator", "2", 1, None),
    ("elevator", "2", 10, None),
    ("elevator", "2", 20, None),
]


async def seed_week(h: HandlerHarness) -> None:
    """The week before DUE, done as residents and the committee do it."""
    await residents(h)
    await h.say(GROUP, CREATOR, "/settings support_threshold 2")
    await h.say(GROUP, PEOPLE["A"], "/propose Fix the gate")
    support = button(last_sent(h, GROUP["id"]), "v1:ts:")
    await h.press(GROUP, PEOPLE["B"], None, support)
    await h.press(GROUP, PEOPLE["C"], None, support)
    await h.say(GROUP, PEOPLE["B"], "/propose Repaint the bike shed")
    support = button(last_sent(h, GROUP["id"]), "v1:ts:")
    await h.press(GROUP, PEOPLE["D"], None, support)
    await h.press(GROUP, PEOPLE["E"], None, support)

    # the worked example of domain.md: 6 of 8 owners take part, passed as an ordinary matter
    await h.say(GROUP, COMMITTEE, "/vote 1")
    buttons = dict(keyboard_of(last_sent(h, GROUP["id"])))
    await h.press(GROUP, COMMITTEE, None, buttons["双过半 (Civil Code)"])
    await h.press(GROUP, COMMITTEE, None, buttons["▶ Start the vote"])
    ballot = dict(keyboard_of(last_sent(h, GROUP["id"])))
    choices = {"A": "👍 For", "B": "👍 For", "C": "👍 For", "D": "👎 Against", "E": "✋ Abstain"}
    for name, label in {**choices, "F": "👍 For"}.items():
        await h.press(GROUP, PEOPLE[name], None, ballot[label])
    await close_by_hand(h, GROUP, COMMITTEE, 1)

    await h.say(GROUP, COMMITTEE, "/meeting 2026-12-09 19:30 Community room")  # topic 2 on it
    await h.say(GROUP, CREATOR, "/notice Water off on Friday 9-12")
    read = button(last_sent(h, GROUP["id"]), "v1:nr:")
    await h.press(GROUP, PEOPLE["A"], None, read)
    await h.press(GROUP, PEOPLE["B"], None, read)
    await add_tickets(
        h,
        [
            *LIFTS_IN_BUILDING_2,  # one reported this week, two before: frequent all the same
            ("water_electricity", "1", 3, 1 / 24),  # reported and resolved this week
        ],
    )


def digests(h: HandlerHarness) -> list[dict[str, Any]]:
    return [m for m in h.request.sent("sendMessage", GROUP["id"]) if m["text"].startswith("📰")]


async def at(h: HandlerHarness, moment: datetime) -> None:
    h.services.now = lambda: moment


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_digest_of_a_seeded_week(harness: HandlerHarness, lang: str) -> None:
    h = harness
    await seed_week(h)
    if lang == "zh":
        await h.say(GROUP, CREATOR, "/lang zh")
    await at(h, DUE)
    assert await fire_digest(h.app, await community_id(h)) is True
    await h.settle()
    [digest] = digests(h)
    assert digest["text"] == EXPECTED[lang]
    [(label, data)] = keyboard_of(digest)
    assert label == BUTTON[lang]
    assert data == f"v1:dp:{await community_id(h)}:2:elevator"


async def quiet_community(h: HandlerHarness) -> int:
    """A community whose week has one thing to tell: a ticket reported two days before NOW."""
    await set_up(h)
    await add_tickets(h, [("noise", "1", 2, None)])
    return await community_id(h)


async def test_a_job_that_fires_twice_and_a_restart_send_one_digest(
    harness: HandlerHarness,
) -> None:
    h = harness
    cid = await quiet_community(h)
    assert await rearm_digests(h.app) == 1  # Sunday: armed for Monday 09:00
    assert h.app.job_queue is not None
    [job] = h.app.job_queue.get_jobs_by_name(job_name(cid))
    await at(h, DUE)
    await job.run(h.app)
    await job.run(h.app)  # the same job fires again
    await at(h, DUE + timedelta(hours=3))
    assert await rearm_digests(h.app) == 1  # a restart after sending
    await h.settle()
    assert [d["text"].splitlines()[2] for d in digests(h)] == ["🛠 Repairs: 1 reported, 0 resolved"]
    assert [j.name for j in h.app.job_queue.get_jobs_by_name(job_name(cid))] == [job_name(cid)]
    async with h.database.unit_of_work() as uow:
        assert await uow.digest.last_due(cid) == DUE


async def test_a_community_set_up_after_start_up_gets_its_timer_from_the_sweep(
    harness: HandlerHarness,
) -> None:
    h = harness
    assert await rearm_digests(h.app) == 0
    cid = await quiet_community(h)
    assert h.app.job_queue is not None
    assert not h.app.job_queue.get_jobs_by_name(job_name(cid))
    [sweep] = h.app.job_queue.get_jobs_by_name("digest-sweep")
    await sweep.run(h.app)
    assert h.app.job_queue.get_jobs_by_name(job_name(cid))
    assert digests(h) == []  # nothing owed: the first digest is Monday's


async def test_a_restart_less_than_a_day_late_sends_the_missed_week_once(
    harness: HandlerHarness,
) -> None:
    h = harness
    cid = await quiet_community(h)
    await at(h, DUE + timedelta(hours=5))  # the bot was down at 09:00, back at 14:00
    await rearm_digests(h.app)
    await rearm_digests(h.app)  # and restarted again
    await h.settle()
    assert len(digests(h)) == 1
    async with h.database.unit_of_work() as uow:
        assert await uow.digest.last_due(cid) == DUE


async def test_a_week_missed_by_more_than_a_day_is_skipped(harness: HandlerHarness) -> None:
    h = harness
    cid = await quiet_community(h)
    await add_tickets(h, [("noise", "1", 9, None)])  # reported the week before
    await at(h, DUE - timedelta(days=7))  # the week before went out on time
    assert await fire_digest(h.app, cid) is True
    await h.settle()
    await at(h, DUE + timedelta(days=2))  # down from Sunday to Wednesday
    await rearm_digests(h.app)
    await h.settle()
    assert len(digests(h)) == 1
    async with h.database.unit_of_work() as uow:
        assert await uow.digest.last_due(cid) == DUE - timedelta(days=7)


async def test_the_schedule_set_by_an_admin_and_off_sends_none(harness: HandlerHarness) -> None:
    h = harness
    cid = await quiet_community(h)
    await h.say(GROUP, CREATOR, "/settings digest")
    assert h.request.texts(GROUP["id"])[-1].startswith(
        "Weekly digest: every Monday at 09:00 (Asia/Shanghai) in the group.\nUsage:"
    )
    await h.say(GROUP, CREATOR, "/settings digest wed 18:30")
    assert h.request.texts(GROUP["id"])[-1] == (
        "Weekly digest: every Wednesday at 18:30 (Asia/Shanghai) in the group."
    )
    assert h.app.job_queue is not None and h.app.job_queue.get_jobs_by_name(job_name(cid))
    await h.say(GROUP, CREATOR, "/lang zh")
    await h.say(GROUP, CREATOR, "/settings digest 周一 9:00")
    assert h.request.texts(GROUP["id"])[-1] == "每周简报：每周一 09:00（Asia/Shanghai）发到群里。"
    await h.say(GROUP, CREATOR, "/settings digest off")
    assert h.request.texts(GROUP["id"])[-1] == "每周简报已关闭。"
    assert not h.app.job_queue.get_jobs_by_name(job_name(cid))
    await at(h, DUE)
    assert await fire_digest(h.app, cid) is False
    await rearm_digests(h.app)
    await h.settle()
    assert digests(h) == []


@pytest.mark.parametrize(
    ("who", "text", "answer"),
    [
        (STRANGER, "/settings digest mon 09:00", "Only an administrator can change the settings."),
        (CREATOR, "/settings digest 周八 9:00", "“周八” is not a weekday"),
        (CREATOR, "/settings digest mon 25:00", "25:00"),
        (CREATOR, "/settings digest mon", "Usage: /settings digest mon 09:00"),
    ],
)
async def test_a_bad_schedule_is_refused_and_nothing_changes(
    harness: HandlerHarness, who: dict[str, Any], text: str, answer: str
) -> None:
    h = harness
    cid = await quiet_community(h)
    before = await h.snapshot()
    await h.say(GROUP, who, text)
    assert answer in h.request.texts(GROUP["id"])[-1]
    assert await h.snapshot() == before
    async with h.database.unit_of_work() as uow:
        assert (await uow.digest.schedule(cid)).enabled is True


async def digest_with_a_frequent_problem(h: HandlerHarness, lang: str = "en") -> dict[str, Any]:
    await residents(h)
    await add_tickets(h, LIFTS_IN_BUILDING_2)
    if lang == "zh":
        await h.say(GROUP, CREATOR, "/lang zh")
    await at(h, DUE)
    await fire_digest(h.app, await community_id(h))
    await h.settle()
    [digest] = digests(h)
    return digest


PROPOSE = {
    "en": {
        "prompt": "This topic would be proposed in your name:\n\n"
        "Building 2: lift reported 3 times in 30 days. Let us discuss a lasting repair.\n\n"
        "Propose it?",
        "buttons": ["✅ Propose it", "❌ Cancel"],
        "sent": "I sent it to you privately: confirm it there.",
        "proposed": "Proposed as topic #1; its card is in the group.",
        "card": "📝 Topic #1: Building 2: lift reported 3 times in 30 days.",
        "again": "You already proposed this topic.",
    },
    "zh": {
        "prompt": "将用您的名义提出这个议题：\n\n"
        "2号楼电梯近 30 天报修 3 次，建议议一议彻底维修。\n\n要提出吗？",
        "buttons": ["✅ 提出议题", "❌ 取消"],
        "sent": "已私聊发给您，请在私聊里确认。",
        "proposed": "已提出议题 #1，议题卡片已发到群里。",
        "card": "2号楼电梯近 30 天报修 3 次，建议议一议彻底维修。",
        "again": "这个议题您已经提过了。",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_propose_a_frequent_problem_as_a_topic_once(
    harness: HandlerHarness, lang: str
) -> None:
    h = harness
    digest = await digest_with_a_frequent_problem(h, lang)
    words = PROPOSE[lang]
    resident = {**PEOPLE["D"], "language_code": lang}
    h.redeliver_each = True  # every press below delivered twice changes nothing more
    await h.press(GROUP, resident, None, keyboard_of(digest)[0][1])
    assert h.request.answers()[-1]["text"] == words["sent"]
    screen = h.request.sent("sendMessage", resident["id"])[-1]
    assert screen["text"] == words["prompt"]
    assert [label for label, _ in keyboard_of(screen)] == words["buttons"]
    propose_it = keyboard_of(screen)[0][1]

    await h.press(private(resident), resident, None, propose_it)
    assert h.request.answers()[-1]["text"] == words["proposed"]
    assert h.request.sent("editMessageText", resident["id"])[-1]["text"] == words["proposed"]
    card = last_sent(h, GROUP["id"])
    assert words["card"] in card["text"]
    assert button(card, "v1:ts:")  # the card of /propose, with Support

    # pressed again on the same screen (a slow phone): still one topic
    h.redeliver_each = False
    await h.press(
        private(resident), resident, screen["message_id"], propose_it, screen["reply_markup"]
    )
    assert h.request.answers()[-1]["text"] == words["again"]
    cid = await community_id(h)
    async with h.database.unit_of_work() as uow:
        topics = await uow.topics.of_community(cid)
    assert [t.number for t in topics] == [1]
    # and Propose on the digest again: no second draft
    await h.press(GROUP, resident, None, keyboard_of(digest)[0][1])
    assert h.request.answers()[-1]["text"] == words["again"]


async def test_a_non_resident_pressing_propose_is_refused_and_nothing_changes(
    harness: HandlerHarness,
) -> None:
    h = harness
    digest = await digest_with_a_frequent_problem(h)
    before = await h.snapshot()
    h.request.private_open.add(STRANGER["id"])
    await h.press(GROUP, STRANGER, None, keyboard_of(digest)[0][1])
    assert h.request.answers()[-1]["text"] == (
        "Only verified residents of this community can propose a topic. Join first (/join)."
    )
    assert h.request.sent("sendMessage", STRANGER["id"]) == []
    assert await h.snapshot() == before


async def test_a_forged_or_stale_propose_payload_changes_nothing(harness: HandlerHarness) -> None:
    h = harness
    digest = await digest_with_a_frequent_problem(h)
    cid = await community_id(h)
    before = await h.snapshot()
    for data in (f"v1:dp:{cid}:2:lifts", f"v1:dp:{cid + 1}:2:elevator", f"v1:dp:{cid}:2"):
        await h.press(GROUP, PEOPLE["D"], digest["message_id"], data, digest["reply_markup"])
        assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    # a building whose lifts were not reported 3 times, on a keyboard that carries it
    forged = f"v1:dp:{cid}:1:elevator"
    markup = {"inline_keyboard": [[{"text": "x", "callback_data": forged}]]}
    await h.press(GROUP, PEOPLE["D"], digest["message_id"], forged, markup)
    assert h.request.answers()[-1]["text"] == (
        "This problem no longer has 3 reports in the last 30 days."
    )
    assert await h.snapshot() == before


async def test_one_who_never_started_the_bot_is_taken_there_then_cancels(
    harness: HandlerHarness,
) -> None:
    h = harness
    digest = await digest_with_a_frequent_problem(h)
    resident = PEOPLE["E"]
    h.request.private_open.discard(resident["id"])
    await h.press(GROUP, resident, None, keyboard_of(digest)[0][1])
    answer = h.request.answers()[-1]
    assert answer["url"] == "https://t.me/community_test_bot?start=dp-1"
    h.request.private_open.add(resident["id"])
    await h.say(private(resident), resident, "/start dp-1")
    screen = h.request.sent("sendMessage", resident["id"])[-1]
    assert screen["text"] == PROPOSE["en"]["prompt"]
    await h.say(private(PEOPLE["F"]), PEOPLE["F"], "/start dp-1")  # not theirs
    assert h.request.sent("sendMessage", PEOPLE["F"]["id"])[-1]["text"] == (
        "This button is no longer valid."
    )

    propose_it = keyboard_of(screen)[0][1]
    before = await h.snapshot()
    other = PEOPLE["F"]  # the payload forged into another resident's own chat
    await h.press(private(other), other, 2, propose_it, screen["reply_markup"])
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    assert await h.snapshot() == before

    cancel = keyboard_of(screen)[1][1]
    await h.press(private(resident), resident, None, cancel)
    assert h.request.answers()[-1]["text"] == "Cancelled: no topic was proposed."
    await h.press(
        private(resident), resident, screen["message_id"], propose_it, screen["reply_markup"]
    )
    assert h.request.answers()[-1]["text"].startswith("This draft was cancelled.")
    cid = await community_id(h)
    async with h.database.unit_of_work() as uow:
        proposal = await uow.digest.proposal(1)
        assert proposal is not None and proposal.status is ProposalStatus.CANCELLED
        assert await uow.topics.of_community(cid) == []


async def test_moved_to_wednesday_the_digest_tells_what_happened_since_mondays(
    harness: HandlerHarness,
) -> None:
    h = harness
    cid = await quiet_community(h)  # a ticket on Friday 20 Nov
    await at(h, DUE)
    assert await fire_digest(h.app, cid) is True  # Monday 23 Nov 09:00
    await h.say(GROUP, CREATOR, "/settings digest wed 18:30")
    await add_tickets(h, [("parking", "2", -2, None)])  # Tuesday 24 Nov
    await at(h, datetime(2026, 11, 25, 10, 30, tzinfo=UTC))  # Wednesday 18:30 in Shanghai
    assert await fire_digest(h.app, cid) is True
    assert await fire_digest(h.app, cid) is False
    await h.settle()
    monday, wednesday = (d["text"].split("\n\n") for d in digests(h))
    assert monday[0] == "📰 Sunny Garden · the week in brief (16 Nov to 23 Nov)"
    assert monday[1] == "🛠 Repairs: 1 reported, 0 resolved\nReported: noise 1"
    assert wednesday[0] == "📰 Sunny Garden · the week in brief (23 Nov to 25 Nov)"
    assert wednesday[1] == "🛠 Repairs: 1 reported, 0 resolved\nReported: parking 1"


async def test_a_quiet_week_posts_nothing_but_counts_as_sent(harness: HandlerHarness) -> None:
    h = harness
    await set_up(h)
    cid = await community_id(h)
    await at(h, DUE)
    assert await fire_digest(h.app, cid) is True
    await h.settle()
    assert digests(h) == []
    assert await fire_digest(h.app, cid) is False


def test_top_contributors_show_the_unit_only_when_named() -> None:
    week = Digest(
        community_id=1,
        since=DUE - timedelta(days=7),
        until=DUE,
        new_topics=(),
        closed_votes=(),
        opened=(),
        resolved=(),
        next_meeting=None,
        notices=(),
        top=(Contributor("2-101", "2", 7, named=True), Contributor("1-102", "1", 5, named=False)),
        frequent=(),
    )
    en = Community(1, -100, "Sunny Garden", "en", "Asia/Shanghai")
    zh = Community(1, -100, "Sunny Garden", "zh", "Asia/Shanghai")
    assert digest_text(week, en, "en").split("\n\n")[1] == (
        "🏅 Households that took part most:\n2-101: 7 points\na household (not named): 5 points"
    )
    assert digest_text(week, zh, "zh").split("\n\n")[1] == (
        "🏅 本周积极参与的住户：\n2-101：7 分\n一户住户（不具名）：5 分"
    )
    assert "1-102" not in digest_text(week, zh, "zh")
    assert digest_keyboard(week, "zh") is None  # no frequent problem, no button


async def test_a_household_that_opted_out_is_not_named_in_the_digest(
    harness: HandlerHarness,
) -> None:
    """The points earned through the seeded week's acts, and B's `/top optout`: 1-102 keeps its
    place (6 points, first) but is not named."""
    h = harness
    await seed_week(h)
    h.request.private_open.add(PEOPLE["B"]["id"])
    await h.say(private(PEOPLE["B"]), PEOPLE["B"], "/top optout")
    await at(h, DUE)
    assert await fire_digest(h.app, await community_id(h)) is True
    await h.settle()
    [digest] = digests(h)
    section = next(part for part in digest["text"].split("\n\n") if part.startswith("🏅"))
    assert section.split("\n")[1:3] == ["a household (not named): 6 points", "1-101: 5 points"]
    assert "1-102" not in section


@pytest.mark.parametrize(
    ("lang", "ending"),
    [
        (
            "en",
            "Also: meeting_reminders <7d,1d,1h> · agenda_limit <n> · emergency <numbers>"
            " · points [<act> <n>] · digest <mon 09:00 | off>.",
        ),
        (
            "zh",
            "另有：meeting_reminders <7d,1d,1h>（议事会提醒）· agenda_limit <n>（议程条数）"
            "· emergency <电话>（紧急电话）· points [<项目> <分数>]（积分）"
            "· digest <周一 9:00 | off>（每周简报）。",
        ),
    ],
)
async def test_settings_without_words_names_every_setting(
    harness: HandlerHarness, lang: str, ending: str
) -> None:
    """Before, `/settings` alone listed neither the digest nor the points (nor the meetings'
    and the emergency numbers' settings)."""
    h = harness
    await set_up(h)
    if lang == "zh":
        await h.say(GROUP, CREATOR, "/lang zh")
    await h.say(GROUP, CREATOR, "/settings")
    assert h.request.texts(GROUP["id"])[-1].endswith(ending)
