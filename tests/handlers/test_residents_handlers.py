"""The foundation's handlers with real PTB Update objects and an offline Bot API."""

from __future__ import annotations

import pytest

from bot.communities.cases import set_vote_periods
from handlers import callbacks
from tests.conftest import WORKED_EXAMPLE_CSV
from tests.handlers.harness import HandlerHarness, group, private, user

GROUP = group(-1001)
CREATOR = user(1, "Carol")
REP = user(7, "Rep Bob")
ALICE = user(42, "Alice")
MALLORY = user(66, "Mallory")


async def set_up(h: HandlerHarness) -> None:
    h.request.admins.add((GROUP["id"], CREATOR["id"]))
    await h.say(GROUP, CREATOR, "/setup Sunny Garden")
    h.request.files["units-file"] = WORKED_EXAMPLE_CSV
    document = {
        "file_id": "units-file",
        "file_unique_id": "uf",
        "file_name": "units.csv",
        "file_size": len(WORKED_EXAMPLE_CSV),
    }
    await h.feed({"message": h.message(GROUP, CREATOR, None, document=document, caption="/units")})
    await h.say(GROUP, CREATOR, "/role rep 2", reply_to_message=h.message(GROUP, REP, "hi"))
    async with h.database.unit_of_work() as uow:  # the owners were told: votes open at once
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        await set_vote_periods(uow, community, notice_days=0, is_admin=True)


async def test_setup_refused_for_a_non_admin_and_nothing_changes(harness: HandlerHarness) -> None:
    await harness.say(GROUP, MALLORY, "/setup Evil")
    assert harness.request.texts(GROUP["id"]) == [
        "Only the group's creator or an administrator can set it up."
    ]
    await harness.say(GROUP, MALLORY, "/join 1-101")
    assert "not set up as a community" in harness.request.texts(GROUP["id"])[-1]


async def test_setup_units_join_and_review(harness: HandlerHarness) -> None:
    h = harness
    await set_up(h)
    texts = h.request.texts(GROUP["id"])
    assert texts[0].startswith("This group is now the community “Sunny Garden”")
    assert texts[1].startswith("🏠 Start here, residents of Sunny Garden:")  # pinned (issue 11)
    assert texts[2].startswith(
        "Unit register saved: 10 units in 3 buildings, 8 owners by headcount"
    )
    assert "total area 860 m²" in texts[2]
    assert texts[3] == "Rep Bob is now building rep of building 2."

    h.request.private_open.update({REP["id"], MALLORY["id"]})
    await h.say(GROUP, ALICE, "/join 2-101 tenant")
    # the group hears neither who asked nor for which unit; the building's rep gets the card
    assert h.request.texts(GROUP["id"])[-1] == (
        "Your request has gone to the building's reviewers privately. You will hear from me in "
        "a private chat."
    )
    card = h.request.sent("sendMessage", REP["id"])[-1]
    assert "Alice asks to join 2-101 (building 2) as tenant" in card["text"]
    buttons = card["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in buttons] == ["✅ Approve", "❌ Reject"]
    approve = buttons[0]["callback_data"]

    # a forged copy in Mallory's own chat: re-checked as a reviewer of building 2, refused
    await h.press(private(MALLORY), MALLORY, 1, approve, card["reply_markup"])
    assert h.request.answers()[-1]["show_alert"] is True
    assert "Only administrators and the reps of building 2" in h.request.answers()[-1]["text"]

    h.request.private_open.add(ALICE["id"])
    await h.press(private(REP), REP, None, approve)
    assert h.request.answers()[-1]["text"] == "Approved: 2-101"
    edited = h.request.sent("editMessageText")[-1]
    assert "✅ Approved by Rep Bob" in edited["text"]
    assert "reply_markup" not in edited
    assert "approved. Welcome!" in h.request.texts(ALICE["id"])[-1]

    await h.press(private(REP), REP, None, approve)
    assert h.request.answers()[-1]["text"] == "Already approved by Rep Bob."
    assert not any("Alice" in text or "2-101" in text for text in h.request.texts(GROUP["id"]))

    await h.say(private(ALICE), ALICE, "/me")
    assert "2-101 — tenant, verified" in h.request.texts(ALICE["id"])[-1]


@pytest.mark.parametrize(
    "data",
    [
        "v1:jr:99999:a",  # unknown id
        "v1:jr:abc:a",  # garbled
        "v1:jr:1:x",  # unknown value
        "v0:jr:1:a",  # another version
        "something else",
    ],
)
async def test_forged_or_stale_buttons_get_a_clear_answer(
    harness: HandlerHarness, data: str
) -> None:
    await set_up(harness)
    await harness.press(GROUP, CREATOR, None, data)
    answer = harness.request.answers()[-1]
    assert answer["show_alert"] is True
    assert answer["text"] in {
        "This button is no longer valid.",
        "This request does not exist in this community.",
    }


async def test_a_request_of_another_community_cannot_be_decided_here(
    harness: HandlerHarness,
) -> None:
    h = harness
    await set_up(h)
    other = group(-2002, "Other")
    h.request.admins.add((other["id"], MALLORY["id"]))
    await h.say(other, MALLORY, "/setup Other")
    h.request.private_open.add(CREATOR["id"])
    await h.say(GROUP, ALICE, "/join 1-101")  # no rep of building 1: the group's admin reviews
    card = h.request.sent("sendMessage", CREATOR["id"])[-1]
    approve = card["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await h.press(other, MALLORY, None, approve, card["reply_markup"])
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    h.request.private_open.add(MALLORY["id"])
    await h.press(private(MALLORY), MALLORY, 1, approve, card["reply_markup"])
    assert "Only administrators and the reps of building 1" in h.request.answers()[-1]["text"]
    assert h.request.sent("editMessageText") == []


async def test_unknown_commands_and_bad_arguments_get_usage(harness: HandlerHarness) -> None:
    await set_up(harness)
    await harness.say(GROUP, ALICE, "/frobnicate")
    assert (
        harness.request.texts(GROUP["id"])[-1]
        == "I don't know /frobnicate. Send /help to see what you can do."
    )
    count = len(harness.request.texts())
    await harness.say(GROUP, ALICE, "/frobnicate@some_other_bot")
    assert len(harness.request.texts()) == count
    await harness.say(GROUP, ALICE, "/join 1-101 owner extra words")
    assert harness.request.texts(GROUP["id"])[-1].startswith("Usage: /join <unit>")
    await harness.say(GROUP, ALICE, "/join 9-999")
    assert harness.request.texts(GROUP["id"])[-1].startswith("There is no unit 9-999")


async def test_codes_in_a_group_are_refused_and_private_code_join_verifies(
    harness: HandlerHarness,
) -> None:
    h = harness
    await set_up(h)
    await h.say(GROUP, CREATOR, "/codes")
    assert "Open a private chat" in h.request.texts(GROUP["id"])[-1]
    h.request.private_open.add(CREATOR["id"])
    await h.say(GROUP, CREATOR, "/codes")
    assert h.request.texts(GROUP["id"])[-1] == "I have sent the codes to you in a private chat."
    assert h.request.sent("sendDocument", CREATOR["id"])

    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        code = (await uow.codes.active(community.id))["3-101"]
    await h.say(GROUP, ALICE, f"/join 3-101 {code}")
    # deleted and replaced (tests/handlers/test_slips_handlers.py); Alice never started the bot
    assert "Codes go only to me in a private chat" in h.request.texts(GROUP["id"])[-1]
    async with h.database.unit_of_work() as uow:
        code = (await uow.codes.active(community.id))["3-101"]
    h.request.private_open.add(ALICE["id"])
    await h.say(private(ALICE), ALICE, f"/join 3-101 {code[:4]}-{code[4:]}")
    assert (
        h.request.texts(ALICE["id"])[-1]
        == "✅ Verified: you are now a resident of 3-101 in Sunny Garden."
    )


async def test_an_unexpected_error_gets_an_apology_without_details(
    harness: HandlerHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    import handlers.residents.commands as residents

    async def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals /home/bot/db")

    monkeypatch.setattr(residents, "load_profile", explode)
    await harness.say(GROUP, ALICE, "/me")
    text = harness.request.texts(GROUP["id"])[-1]
    assert text.startswith("Sorry, something went wrong")
    assert "secret" not in text


def test_callback_data_stays_within_64_bytes() -> None:
    assert len(callbacks.pack(callbacks.JOIN_REVIEW, 2**63 - 1, "a").encode()) <= 64
    with pytest.raises(ValueError, match="too long"):
        callbacks.pack(callbacks.JOIN_REVIEW, "x" * 80)


async def test_a_group_upgraded_to_a_supergroup_stays_the_community(
    harness: HandlerHarness,
) -> None:
    await set_up(harness)
    new_group = group(-100999, "Sunny Garden")
    await harness.feed(
        {"message": harness.message(new_group, CREATOR, None, migrate_from_chat_id=GROUP["id"])}
    )
    await harness.say(new_group, ALICE, "/join 1-101")
    texts = harness.request.texts(new_group["id"])
    assert texts[-2].startswith("Your request has gone")
    assert texts[-1].startswith("A join request waits for review")  # the rep never started me
    async with harness.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(new_group["id"])
    assert community is not None


def keyboard_of(params: dict) -> list[tuple[str, str]]:
    return [
        (b["text"], b["callback_data"])
        for row in params["reply_markup"]["inline_keyboard"]
        for b in row
    ]


async def test_joining_with_buttons_alone(harness: HandlerHarness) -> None:
    h = harness
    await set_up(h)
    h.request.private_open.add(ALICE["id"])
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
    assert community is not None
    await h.say(private(ALICE), ALICE, f"/start join-{community.id}")
    start = h.request.sent("sendMessage", ALICE["id"])[-1]
    assert start["text"].startswith("You are joining Sunny Garden")
    buildings = keyboard_of(start)
    assert [text for text, _ in buildings] == ["Building 1", "Building 2", "Building 3"]

    await h.press(private(ALICE), ALICE, 1000, buildings[1][1])
    units = keyboard_of(h.request.sent("editMessageText")[-1])
    assert [text for text, _ in units] == ["2-101", "2-102", "2-201", "2-202", "◀ Back"]

    await h.press(private(ALICE), ALICE, 1000, units[2][1])
    relation = h.request.sent("editMessageText")[-1]
    assert relation["text"] == "2-201: do you own it or rent it?"
    owner = keyboard_of(relation)[0][1]

    h.request.private_open.add(REP["id"])
    await h.press(private(ALICE), ALICE, 1000, owner)
    assert "Alice asks to join 2-201 (building 2) as owner" in h.request.texts(REP["id"])[-1]
    assert h.request.sent("editMessageText")[-1]["text"].startswith("Your request to join 2-201")

    # a unit id of another community (forged) finds nothing, and nothing is filed
    await h.press(private(ALICE), ALICE, 1000, f"v1:jp:{community.id + 1}:r:1:o")
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    await h.press(private(ALICE), ALICE, 1000, f"v1:jp:{community.id}:r:99999:o")
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    async with h.database.unit_of_work() as uow:
        assert [m.unit_code for m in await uow.residents.live_of_user(ALICE["id"])] == ["2-201"]


async def test_join_in_the_group_without_a_unit_offers_the_private_chat(
    harness: HandlerHarness,
) -> None:
    await set_up(harness)
    await harness.say(GROUP, ALICE, "/join")
    sent = harness.request.sent("sendMessage", GROUP["id"])[-1]
    assert sent["text"].startswith("To join your household")
    url = sent["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert url.startswith("https://t.me/community_test_bot?start=join-")


async def test_leave_with_a_button_and_only_ones_own(harness: HandlerHarness) -> None:
    h = harness
    await set_up(h)
    await h.say(GROUP, ALICE, "/join 1-101")
    await h.say(GROUP, ALICE, "/leave")  # Alice never started the bot: the private chat first
    assert h.request.texts(GROUP["id"])[-1].startswith("I cannot write to you privately yet.")
    h.request.private_open.add(ALICE["id"])
    await h.say(GROUP, ALICE, "/leave")  # the list names her unit: it goes privately
    assert h.request.texts(GROUP["id"])[-1] == "I have sent it to you in a private chat."
    assert not any("1-101" in text for text in h.request.texts(GROUP["id"]))
    sent = h.request.sent("sendMessage", ALICE["id"])[-1]
    assert sent["text"] == "Which household do you want to leave?"
    (label, data), *_ = keyboard_of(sent)
    assert label == "Leave 1-101 · Sunny Garden"
    await h.press(private(MALLORY), MALLORY, 5, data, sent["reply_markup"])
    assert h.request.answers()[-1]["text"] == "This is not one of your households."
    await h.press(private(ALICE), ALICE, None, data)  # asked first
    asked = h.request.sent("editMessageText")[-1]
    assert asked["text"] == "Leave 1-101 in Sunny Garden? You can join again later."
    (_, yes), (_, _no) = keyboard_of(asked)
    await h.press(private(MALLORY), MALLORY, 5, yes, asked["reply_markup"])
    assert h.request.answers()[-1]["text"] == "This is not one of your households."
    await h.press(private(ALICE), ALICE, None, yes)
    assert h.request.answers()[-1]["text"] == "You have left 1-101 in Sunny Garden."
    await h.say(GROUP, ALICE, "/leave")
    assert h.request.texts(GROUP["id"])[-1] == "You have no household to leave here."
    assert not any("1-101" in text for text in h.request.texts(GROUP["id"]))


async def test_language_for_oneself_and_for_the_community(harness: HandlerHarness) -> None:
    h = harness
    await set_up(h)
    h.request.private_open.add(ALICE["id"])
    await h.say(private(ALICE), ALICE, "/lang zh")
    assert h.request.texts(ALICE["id"])[-1] == "我会用中文和您交流。"
    await h.say(private(ALICE), ALICE, "/me")
    assert h.request.texts(ALICE["id"])[-1].startswith("您还没有认证任何房屋")
    await h.say(private(ALICE), ALICE, "/lang klingon")
    assert h.request.texts(ALICE["id"])[-1] == "用法：/lang zh 或 /lang en"
    await h.say(GROUP, ALICE, "/lang zh")
    assert (
        h.request.texts(GROUP["id"])[-1]
        == "Only an administrator can change the community's language."
    )
    await h.say(GROUP, CREATOR, "/lang")
    choose = h.request.sent("sendMessage", GROUP["id"])[-1]
    assert [text for text, _ in keyboard_of(choose)] == ["中文", "English"]
    await h.press(GROUP, CREATOR, None, keyboard_of(choose)[0][1])
    assert h.request.answers()[-1]["text"] == "社区Sunny Garden现在使用中文。"
    await h.say(GROUP, ALICE, "/join 9-9")
    assert h.request.texts(GROUP["id"])[-1] == "登记表中没有房号 9-9。请核对，例如 3-2-501。"


async def test_a_long_member_list_goes_to_the_private_chat(harness: HandlerHarness) -> None:
    h = harness
    h.request.admins.add((GROUP["id"], CREATOR["id"]))
    await h.say(GROUP, CREATOR, "/setup Big Estate")
    rows = "".join(f"5-{i},5,80,owner{i}\n" for i in range(100, 160))
    h.request.files["big"] = f"unit,building,area_m2,owner\n{rows}".encode()
    document = {"file_id": "big", "file_unique_id": "big", "file_name": "units.csv"}
    await h.feed({"message": h.message(GROUP, CREATOR, None, document=document, caption="/units")})
    async with h.database.unit_of_work() as uow:
        community = await uow.communities.by_chat(GROUP["id"])
        assert community is not None
        codes = await uow.codes.active(community.id)
    assert codes == {}
    await h.say(GROUP, CREATOR, "/codes")  # the admin has no private chat yet: deep link offered
    h.request.private_open.add(CREATOR["id"])
    await h.say(GROUP, CREATOR, "/codes")
    async with h.database.unit_of_work() as uow:
        codes = await uow.codes.active(community.id)
    for n, (unit, code) in enumerate(sorted(codes.items())):
        resident = user(10_000 + n, f"Resident number {n}")
        h.request.private_open.add(resident["id"])
        await h.say(private(resident), resident, f"/join {unit} {code}")
    await h.say(GROUP, CREATOR, "/members")
    assert h.request.texts(GROUP["id"])[-1] == "I have sent it to you in a private chat."
    listing = h.request.texts(CREATOR["id"])[-1]
    assert (
        "Building 5 (60 households)" in listing
        and "5-159: Resident number 59 (resident)" in listing
    )


async def test_units_as_a_reply_and_oversized_files(harness: HandlerHarness) -> None:
    h = harness
    h.request.admins.add((GROUP["id"], CREATOR["id"]))
    await h.say(GROUP, CREATOR, "/setup Sunny Garden")
    huge = {
        "file_id": "huge",
        "file_unique_id": "h",
        "file_name": "units.csv",
        "file_size": 10 * 1024 * 1024,
    }
    await h.feed({"message": h.message(GROUP, CREATOR, None, document=huge, caption="/units")})
    assert (
        h.request.texts(GROUP["id"])[-1]
        == "The file is too large (at most 2 MB). Nothing was changed."
    )
    assert h.request.sent("getFile") == []

    await h.say(GROUP, CREATOR, "/units")
    assert h.request.texts(GROUP["id"])[-1].startswith("Send the unit register as a CSV file")

    h.request.files["later"] = WORKED_EXAMPLE_CSV
    document = {"file_id": "later", "file_unique_id": "l", "file_name": "units.csv"}
    earlier = h.message(GROUP, MALLORY, None, document=document)
    await h.say(GROUP, CREATOR, "/units", reply_to_message=earlier)
    assert h.request.texts(GROUP["id"])[-1].startswith("Unit register saved: 10 units")
