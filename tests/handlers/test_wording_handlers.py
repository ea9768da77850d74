"""What the key screens say, in Chinese and in English (issue 11, item 9): the vote card and the
result give each threshold in words with what it still lacks, the join screen uses plain words,
and an open card's "time left" is redrawn every hour.

The figures are ../shared/domain.md's worked example (860 m², 8 owners), worked out by hand:
A, B, C for (C holds 180 m²), D against, E abstains, F for; G and the developer do not vote."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import partial

import pytest

from bot.communities.cases import set_community_language
from bot.config import Language
from handlers.context import BotContext
from handlers.live_cards import LiveCards
from handlers.votes.commands import render_vote_card
from handlers.votes.jobs import CARD_REFRESH_JOB, refresh_open_cards, schedule_card_refresh
from tests.conftest import NOW
from tests.handlers.closing import close_by_hand
from tests.handlers.harness import HandlerHarness, user
from tests.handlers.test_outbox_tellings import in_language
from tests.handlers.test_reports_handlers import ALICE, STAFF_GROUP, quick_report
from tests.handlers.test_reports_handlers import residents as report_residents
from tests.handlers.test_residents_handlers import CREATOR, GROUP, keyboard_of, set_up
from tests.handlers.test_votes_handlers import COMMITTEE, PEOPLE, residents

VOTE = {
    "zh": "/vote 提高维修资金的缴存标准 双四分之三 3天",
    "en": "/vote Raise the maintenance fund double-three-quarters 3d",
}
BALLOTS = {
    "zh": {
        "A": "👍 赞成",
        "B": "👍 赞成",
        "C": "👍 赞成",
        "D": "👎 反对",
        "E": "✋ 弃权",
        "F": "👍 赞成",
    },
    "en": {
        "A": "👍 For",
        "B": "👍 For",
        "C": "👍 For",
        "D": "👎 Against",
        "E": "✋ Abstain",
        "F": "👍 For",
    },
}
# nobody has voted yet: 2/3 of 8 owners is 5⅓, so 6 are needed; 2/3 of 860 m² is 573.333…,
# 573.34 m² to the hundredth; approval has no participants to count yet, so no shortfall
FRESH = {
    "zh": [
        "须三分之二以上业主参与：已有 0 户 / 共 8 户（0%）❌，还差 6 户",
        "须三分之二以上专有面积的业主参与：已有 0 m² / 共 860 m²（0%）❌，还差 573.34 m²",
        "须四分之三以上参与业主赞成：已有 0 户 / 共 0 户（0%）❌",
    ],
    "en": [
        "Participation needs at least 2/3 of owners: 0 of 8 (0%) ❌ — 6 more households needed",
        "Participation needs at least 2/3 of the area: 0 m² of 860 m² (0%) ❌ — 573.34 m² more needed",
        "Approval needs at least 3/4 of the participating owners: 0 of 0 (0%) ❌",
    ],
}
# all six voted: 6 of 8 owners and 640 of 860 m² (74.4%) take part; 3/4 of 6 is 4.5, so 5
# owners for are needed and 4 are; 3/4 of 640 m² is 480 m² and 440 m² are for
VOTED = {
    "zh": [
        "须三分之二以上业主参与：已有 6 户 / 共 8 户（75%）✅",
        "须三分之二以上专有面积的业主参与：已有 640 m² / 共 860 m²（74.4%）✅",
        "须四分之三以上参与业主赞成：已有 4 户 / 共 6 户（66.7%）❌，还差 1 户",
        "须赞成业主的专有面积达到参与面积的四分之三以上：已有 440 m² / 共 640 m²（68.8%）❌，还差 40 m²",
    ],
    "en": [
        "Participation needs at least 2/3 of owners: 6 of 8 (75%) ✅",
        "Participation needs at least 2/3 of the area: 640 m² of 860 m² (74.4%) ✅",
        "Approval needs at least 3/4 of the participating owners: 4 of 6 (66.7%) ❌"
        " — 1 more household needed",
        "Approval needs at least 3/4 of the participating area: 440 m² of 640 m² (68.8%) ❌"
        " — 40 m² more needed",
    ],
}
OUTCOME = {"zh": "\n未通过\n", "en": "\nREJECTED\n"}
LEFT = {"zh": ("（还剩 3 天）", "（还剩 2 天 23 小时）"), "en": ("(3 d left)", "(2 d 23 h left)")}
JOIN_SCREEN = {
    "zh": "认证我家房屋：点下面的按钮，在私聊中选楼栋和房号。也可以在本群发送 /join <房号>，"
    "例如 /join 3-2-501（租户请在后面加“租户”）。",
    "en": None,  # the English text is unchanged; only checked to be English
}
LATIN = re.compile(r"[A-Za-z]")


async def community_in(h: HandlerHarness, language: Language) -> None:
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        await set_community_language(uow, community, language, is_admin=True)


def card_edits(h: HandlerHarness) -> list[str]:
    return [c["text"] for c in h.request.sent("editMessageText", GROUP["id"])]


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_the_card_and_the_result_say_each_threshold_in_words(
    harness: HandlerHarness, language: Language
) -> None:
    h = harness
    await residents(h)
    await community_in(h, language)
    await h.say(GROUP, COMMITTEE, VOTE[language])
    card = h.request.sent("sendMessage", GROUP["id"])[-1]
    for line in FRESH[language]:
        assert line in card["text"].splitlines(), card["text"]
    ballot = dict(keyboard_of(card))
    if language == "zh":
        assert all(not LATIN.search(label) for label in ballot), ballot
    for name, label in BALLOTS[language].items():
        await h.press(GROUP, PEOPLE[name], None, ballot[label])

    await h.services.vote_cards.draw_now(1)
    live = card_edits(h)[-1]
    for line in VOTED[language]:
        assert line in live.splitlines(), live

    await close_by_hand(h, GROUP, COMMITTEE, 1)
    result = h.request.texts(GROUP["id"])[-1]
    assert OUTCOME[language] in result, result
    for line in VOTED[language]:
        assert line in result.splitlines(), result


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_the_join_screen_in_the_group(harness: HandlerHarness, language: Language) -> None:
    h = harness
    await set_up(h)
    await community_in(h, language)
    await h.say(GROUP, user(66, "Mei", language), "/join")
    screen = h.request.sent("sendMessage", GROUP["id"])[-1]
    expected = JOIN_SCREEN[language]
    if expected is not None:
        assert screen["text"] == expected
        labels = [b["text"] for row in screen["reply_markup"]["inline_keyboard"] for b in row]
        assert labels and not any(LATIN.search(label) for label in labels), labels
    else:
        assert screen["text"].startswith("To join your household: type /join <unit> here")


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_an_open_cards_time_left_is_redrawn_after_an_hour(
    harness: HandlerHarness, language: Language
) -> None:
    h = harness
    clock = [NOW]
    h.services.vote_cards = LiveCards(
        h.app.bot, partial(render_vote_card, h.database.unit_of_work, lambda: clock[0])
    )
    await residents(h)
    await community_in(h, language)
    await h.say(GROUP, COMMITTEE, VOTE[language])
    card = h.request.sent("sendMessage", GROUP["id"])[-1]
    before, after = LEFT[language]
    assert before in card["text"], card["text"]

    clock[0] = NOW + timedelta(hours=1)
    edits = len(card_edits(h))
    touched = await refresh_open_cards(BotContext(h.app))
    assert touched == 1 and h.services.vote_cards.pending == {1}
    assert await h.services.vote_cards.stop(drain=5) == 0
    assert len(card_edits(h)) == edits + 1
    assert after in card_edits(h)[-1], card_edits(h)[-1]


async def test_the_refresh_runs_every_hour_once(harness: HandlerHarness) -> None:
    h = harness
    schedule_card_refresh(h.app)
    schedule_card_refresh(h.app)  # start-up twice: still one job
    assert h.app.job_queue is not None
    jobs = h.app.job_queue.get_jobs_by_name(CARD_REFRESH_JOB)
    assert len(jobs) == 1
    assert jobs[0].job.trigger.interval == timedelta(hours=1)


# Alice (2-101) reports from the group on 22 Nov 2026 17:30 (the harness's clock, Shanghai);
# staff are to acknowledge within 24 hours
TICKET = {
    "zh": (
        "🛠 报修单 #1 · 📝 其他\n地点：2-101（2 号楼）\n“The stairwell light on floor 2 is out”\n"
        "报修人：Alice（2-101），2026年11月22日 17:30\n受影响住户：1 户\n状态：已上报\n"
        "请于 2026年11月23日 17:30 前受理\n\n处理记录：\n· 2026年11月22日 17:30 上报 — Alice",
        ["受理", "处理中", "已解决", "驳回", "✉️ 给报修人留言", "📅 约上门时间"],
    ),
    "en": (
        "🛠 Ticket #1 · 📝 Other\nWhere: 2-101 (building 2)",
        [
            "Acknowledge",
            "In progress",
            "Resolved",
            "Reject",
            "✉️ Note to reporter",
            "📅 Appointment",
        ],
    ),
}


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_the_ticket_card_for_the_staff(harness: HandlerHarness, language: Language) -> None:
    h = harness
    await report_residents(h)
    await in_language(h, language)
    await h.say(STAFF_GROUP, CREATOR, "/staffchat")
    await quick_report(h, ALICE, "The stairwell light on floor 2 is out")
    card = h.request.sent("sendMessage", STAFF_GROUP["id"])[-1]
    text, labels = TICKET[language]
    if language == "zh":
        assert card["text"] == text
    else:
        assert card["text"].startswith(text), card["text"]
    assert [b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row] == labels
