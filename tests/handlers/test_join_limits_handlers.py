"""Join requests by one user are limited (issue 9, finding 5): a stranger with the group's link
cannot post a review card per unit. The refusal comes in the reader's language, and no card is
posted for it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.communities.cases import set_community_language
from bot.communities.model import Community
from bot.config import Language
from bot.residents.cases import leave
from handlers import callbacks
from tests.conftest import NOW
from tests.handlers.harness import HandlerHarness, private, user
from tests.handlers.test_residents_handlers import GROUP, set_up

# in the group the refusal does not list the asker's waiting units (issue 11)
TOO_MANY_WAITING = {
    "en": (
        "You already have 3 join requests waiting for review. Please wait until a building rep "
        "or an administrator has answered them, or withdraw one with /leave in a private chat "
        "with me."
    ),
    "zh": "您已有 3 个认证申请在等待审核。请等楼栋长或管理员处理，或私聊我发送 /leave 撤回其中一个。",
}
TOO_MANY_THIS_HOUR = {
    "en": "You have asked to join 5 times in the last hour. Please try again in 60 min.",
    "zh": "您在过去一小时内已申请认证 5 次，请 60 分钟后再试。",
}


def review_cards(h: HandlerHarness) -> int:
    """Join review cards sent to the reviewers (Approve/Reject payloads `v1:jr:…`), in any chat:
    since issue 11 they go to the reviewers privately, never to the group."""
    return sum(
        1
        for sent in h.request.sent("sendMessage")
        if any(
            str(b.get("callback_data", "")).startswith(f"v1:{callbacks.JOIN_REVIEW}:")
            for row in sent.get("reply_markup", {}).get("inline_keyboard", [])
            for b in row
        )
    )


async def community_in(h: HandlerHarness, language: Language) -> Community:
    await set_up(h)
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        return await set_community_language(uow, community, language, is_admin=True)


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_a_fourth_waiting_request_in_the_group_is_refused_and_posts_no_card(
    harness: HandlerHarness, language: Language
) -> None:
    h = harness
    await community_in(h, language)
    stranger = user(66, "Mallory", language)
    for unit in ("1-101", "1-102", "2-101"):  # two or three flats at once are fine
        await h.say(GROUP, stranger, f"/join {unit} tenant")
    assert review_cards(h) == 3

    await h.say(GROUP, stranger, "/join 2-102 tenant")
    assert h.request.texts(GROUP["id"])[-1] == TOO_MANY_WAITING[language]
    assert not any("1-101" in text for text in h.request.texts(GROUP["id"]))
    assert review_cards(h) == 3
    async with h.database.unit_of_work() as uow:
        waiting = await uow.residents.live_of_user(stranger["id"])
    assert sorted(m.unit_code for m in waiting) == ["1-101", "1-102", "2-101"]


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_the_sixth_request_within_an_hour_by_the_join_buttons_is_refused(
    harness: HandlerHarness, language: Language
) -> None:
    """Withdrawing and asking again does not get round it: every request filed counts."""
    h = harness
    community = await community_in(h, language)
    stranger = user(66, "Mallory", language)
    h.request.private_open.add(stranger["id"])
    async with h.database.unit_of_work() as uow:
        unit = await uow.units.get(community.id, "1-101")
    assert unit is not None
    tenant = callbacks.pack(callbacks.JOIN_PICK, community.id, "r", unit.id, "t")
    for _ in range(5):
        await h.press(private(stranger), stranger, 1000, tenant)
        async with h.database.unit_of_work() as uow:
            (filed,) = await uow.residents.live_of_user(stranger["id"])
            await leave(uow, membership_id=filed.id, user_id=stranger["id"], now=NOW)
    assert review_cards(h) == 5

    await h.press(private(stranger), stranger, 1000, tenant)
    answer = h.request.answers()[-1]
    assert (answer["text"], answer["show_alert"]) == (TOO_MANY_THIS_HOUR[language], True)
    assert review_cards(h) == 5
    async with h.database.unit_of_work() as uow:
        assert await uow.residents.live_of_user(stranger["id"]) == []
        filed_this_hour = await uow.residents.review_requests(
            community.id, stranger["id"], since=NOW - timedelta(hours=1)
        )
    assert len(filed_this_hour) == 5
