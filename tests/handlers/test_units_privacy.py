"""A register file refused in the group leaves the group too (issue 11 left it there): it holds
owners' names and phones whether or not it could be imported. Refused for bad rows, sent by a
member who is no administrator, or its doubts cancelled: the file's message is deleted, and the
refusal still arrives although the message it quotes is gone."""

from __future__ import annotations

import pytest

from tests.handlers.harness import HandlerHarness, user
from tests.handlers.scenes import CREATOR, GROUP, document
from tests.handlers.test_owners_handlers import REGISTER
from tests.handlers.test_residents_handlers import keyboard_of

MALLORY = user(66, "Mallory")
BAD_ROW = REGISTER.replace(b"2-102,2,100,E,", b"2-102,2,lots,E,")
# 2-102 is on line 7: the header is line 1, 1-101 line 2
REFUSED = {
    "en": "1 bad rows; nothing was changed. Fix them and send the file again:\n"
    "line 7: area “lots” is not a number of m² (up to 2 decimals)",
    "zh": "有 1 行有误，没有做任何更改。请改正后重新发送：\n"
    "第 7 行：面积“lots”不是有效的平方米数（最多两位小数）",
}


async def set_up(h: HandlerHarness, lang: str) -> None:
    h.request.admins.add((GROUP["id"], CREATOR["id"]))
    await h.say(GROUP, CREATOR, "/setup Sunny Garden")
    if lang == "zh":
        await h.say(GROUP, CREATOR, "/lang zh")


def deleted(h: HandlerHarness) -> list[int]:
    return [int(d["message_id"]) for d in h.request.sent("deleteMessage", GROUP["id"])]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_register_refused_for_a_bad_row_leaves_the_group(
    harness: HandlerHarness, lang: str
) -> None:
    h = harness
    await set_up(h, lang)
    h.request.files["bad"] = BAD_ROW
    sent = h.message(GROUP, CREATOR, None, document=document("bad"), caption="/units")
    await h.feed({"message": sent})
    assert deleted(h) == [sent["message_id"]]
    refusal = h.request.sent("sendMessage", GROUP["id"])[-1]
    assert refusal["text"] == REFUSED[lang]
    assert refusal["reply_parameters"]["allow_sending_without_reply"] is True
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        assert await uow.units.stored(community.id) == []  # nothing saved


async def test_a_register_posted_by_a_member_who_is_no_admin_leaves_the_group(
    harness: HandlerHarness,
) -> None:
    h = harness
    await set_up(h, "en")
    h.request.files["register"] = REGISTER
    sent = h.message(GROUP, MALLORY, None, document=document("register"), caption="/units")
    await h.feed({"message": sent})
    assert deleted(h) == [sent["message_id"]]
    assert h.request.texts(GROUP["id"])[-1].startswith("Only an administrator")


async def test_a_register_whose_doubts_are_cancelled_leaves_the_group(
    harness: HandlerHarness,
) -> None:
    h = harness
    await set_up(h, "en")
    variant = REGISTER.replace(b"1-202,1,60,C,", "1-202,1,60,Ｃ ,".encode())
    h.request.files["variant"] = variant
    sent = h.message(GROUP, CREATOR, None, document=document("variant"), caption="/units")
    await h.feed({"message": sent})
    assert deleted(h) == []  # waiting for Confirm or Cancel
    cancel = keyboard_of(h.request.sent("sendMessage", GROUP["id"])[-1])[1][1]
    await h.press(GROUP, CREATOR, None, cancel)
    assert deleted(h) == [sent["message_id"]]
