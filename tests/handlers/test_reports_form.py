"""The repair form of issue 11, through the handlers in English and Chinese: where in words (a
unit picked building → unit, a shared part of my building, a public area), a voice message or
a captioned photo as the description (a voice over 20 MB refused with the draft kept), Back on
every step, the community's emergency numbers for a lift; every press delivered twice too."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from bot.reports.model import Location, Voice
from handlers.throttle import Throttle
from tests.handlers.harness import HandlerHarness, user
from tests.handlers.test_reports_handlers import (
    ALICE,
    CREATOR,
    GROUP,
    REP,
    STALE,
    BotApiExtras,
    api,  # noqa: F401 (the fixture)
    button,
    card_in,
    choose,
    keyboard,
    last_answer,
    only_ticket,
    photo,
    private,
    residents,
    screen,
    tell,
    texts_to,
    tickets,
)

pytestmark = pytest.mark.usefixtures("api")  # photos, voices and admins for the harness
ALICE_ZH = user(ALICE["id"], "Alice", "zh")
CAROL_ZH = user(CREATOR["id"], "Carol", "zh")
NUMBERS = "Lift 24h: 400-123-4567"
HINT = f"🚨 If someone is trapped or in danger, call now: {NUMBERS}"


@pytest.fixture(autouse=True)
def unhurried(harness: HandlerHarness) -> None:
    """A resident taps a few times a minute, not ten times a second: the throttle's clock moves
    two seconds between updates, so a long flow in a test is never taken for a flood."""
    ticks = itertools.count(0, 2)
    harness.pipeline.throttle = Throttle(clock=lambda: float(next(ticks)))


def voice(file_id: str, size: int, seconds: int = 12) -> dict[str, Any]:
    return {
        "file_id": file_id,
        "file_unique_id": f"{file_id}-u",
        "duration": seconds,
        "file_size": size,
    }


def shown(h: HandlerHarness, person: dict[str, Any]) -> str:
    return str(screen(h, person["id"])["text"])


async def test_a_lift_fault_in_my_building_with_a_captioned_photo_and_the_emergency_numbers(
    harness: HandlerHarness, request: pytest.FixtureRequest
) -> None:
    h = harness
    await residents(h)
    await h.say(GROUP, ALICE, f"/settings emergency {NUMBERS}")  # a resident may not
    assert texts_to(h, GROUP)[-1] == "Only an administrator can change the settings."
    await h.say(GROUP, CREATOR, "/settings emergency")
    assert texts_to(h, GROUP)[-1].startswith("Usage: /settings emergency <numbers>")
    await h.say(GROUP, CREATOR, f"/settings emergency {NUMBERS}")
    assert texts_to(h, GROUP)[-1] == (
        f"Emergency numbers shown with lift and safety reports: {NUMBERS}"
    )

    await tell(h, ALICE, "/report")  # tap: the command (or the home keyboard's button)
    await choose(h, ALICE, "🛗 Elevator")  # tap 1
    assert shown(h, ALICE) == (
        "🛗 Elevator. Describe the problem in a few words, or send a voice message (🎤) or a photo with a caption.\n\n"
        + HINT
    )
    # one message: the photo with the description as its caption
    await tell(h, ALICE, None, photo=photo("lift-photo", 200_000), caption="Lift stuck at 3F")
    assert shown(h, ALICE) == "Photo 1 of at most 5 added. Send another, or press Done."
    await choose(h, ALICE, "Done")  # tap 2
    await choose(h, ALICE, "🏢 A shared part of my building")  # tap 3
    assert shown(h, ALICE) == "Which part of building 2?"
    assert list(keyboard(screen(h, ALICE["id"]))) == [
        "🛗 Lift",
        "🪜 Stairwell",
        "🚪 Entrance door",
        "⬇️ Basement",
        "🏠 Roof",
        "🚲 Bike shed",
        "◀ Back",
        "✖ Cancel",
    ]
    await choose(h, ALICE, "🛗 Lift")  # tap 4
    assert shown(h, ALICE) == (
        "Please check and submit:\n🛗 Elevator\nWhere: 🛗 Lift, building 2\n"
        "“Lift stuck at 3F”\nPhotos: 1\n\n" + HINT
    )
    await choose(h, ALICE, "✅ Submit")  # tap 5
    ticket = await only_ticket(h)
    assert ticket.location == Location(building="2", part="lift")
    assert ticket.photos == ("lift-photo",)
    assert ticket.description == "Lift stuck at 3F"
    card = card_in(h, REP["id"], 1)  # building 2's rep: a shared part of building 2
    assert card["text"].startswith("🛠 Ticket #1 · 🛗 Elevator\nWhere: 🛗 Lift, building 2\n")
    await tell(h, REP, "/reports")
    assert texts_to(h, REP)[-1].endswith(
        "#1 🛗 Elevator · 🛗 Lift, building 2 · reported · 0 h old"
    )
    await h.say(GROUP, CREATOR, "/export reports")  # the shared part in the CSV too
    extras: BotApiExtras = request.getfixturevalue("api")
    (exported,) = [data for name, data in extras.uploads.items() if name.startswith("reports-")]
    row = exported.decode("utf-8-sig").splitlines()[1]
    # in the community's language and zone: 09:30 UTC is 17:30 in Asia/Shanghai
    assert row == '1,🛗 Elevator,2,,"🛗 Lift, building 2",reported,22 Nov 2026 17:30,,,,1'


async def test_in_chinese_a_public_area_preset_and_no_hint_without_numbers(
    harness: HandlerHarness,
) -> None:
    h = harness
    await residents(h)
    await tell(h, ALICE_ZH, "/report")
    assert shown(h, ALICE) == "什么坏了？请选择类别。"
    await choose(h, ALICE_ZH, "🛗 电梯")
    assert (
        shown(h, ALICE)
        == "🛗 电梯。请用几句话描述问题，也可以发语音（🎤），或发一张带文字说明的照片。"
    )  # no numbers set
    await tell(h, ALICE_ZH, "大门口的电动门打不开")
    await choose(h, ALICE_ZH, "跳过")
    assert list(keyboard(screen(h, ALICE["id"]))) == [
        "🏠 我家（2-101）",
        "🚪 其他房屋",
        "🏢 我这栋楼的公共部位",
        "🌳 公共区域",
        "◀ 返回",
        "✖ 取消",
    ]
    await choose(h, ALICE_ZH, "🌳 公共区域")
    assert shown(h, ALICE) == "哪个公共区域？请选择，或用几个字描述，例如“北门草坪”。"
    assert list(keyboard(screen(h, ALICE["id"])))[:5] == [
        "🚧 小区大门",
        "🅿️ 停车场",
        "🌳 绿化带",
        "🤸 健身区",
        "🗑 垃圾站",
    ]
    await choose(h, ALICE_ZH, "🚧 小区大门")
    assert shown(h, ALICE) == (
        "请核对后提交：\n🛗 电梯\n地点：🚧 小区大门\n“大门口的电动门打不开”\n照片：0"
    )
    await choose(h, ALICE_ZH, "✅ 提交")
    assert (await only_ticket(h)).location == Location(part="main_gate")

    # the numbers set in Chinese are shown to a Chinese reporter of a safety hazard
    await h.say(GROUP, CREATOR, "/settings emergency 物业24小时：021-5555-0000")
    await tell(h, ALICE_ZH, "/report")
    await choose(h, ALICE_ZH, "⚠️ 安全隐患")
    assert shown(h, ALICE).endswith(
        "\n\n🚨 如有人被困或有危险，请马上拨打：物业24小时：021-5555-0000"
    )


async def test_back_on_every_step_and_the_unit_picked_with_buttons(harness: HandlerHarness) -> None:
    h = harness
    await residents(h)
    await tell(h, ALICE, "/report")
    category = "What is broken? Choose a category."
    assert "◀ Back" not in keyboard(screen(h, ALICE["id"]))  # the first step: Cancel only
    await choose(h, ALICE, "🛗 Elevator")
    stale_back = button(screen(h, ALICE["id"]), "◀ Back")
    await choose(h, ALICE, "◀ Back")
    assert shown(h, ALICE) == category
    await h.press(private(ALICE), ALICE, 1, stale_back)  # the same Back again: stale now
    assert last_answer(h)["text"] == STALE
    await choose(h, ALICE, "💧 Water & electricity")
    await tell(h, ALICE, "The pipe in the basement leaks")
    await choose(h, ALICE, "◀ Back")  # photos → description
    assert shown(h, ALICE).startswith("💧 Water & electricity. Describe the problem")
    await tell(h, ALICE, "The pipe under the stairs leaks")
    await choose(h, ALICE, "Skip")
    await choose(h, ALICE, "◀ Back")  # where → photos
    assert shown(h, ALICE) == "Send up to 5 photos, one at a time, or press Skip."
    await choose(h, ALICE, "Skip")
    where = "Where is it? Or send a location (📎 → Location)."
    for option in ("🚪 Another unit", "🏢 A shared part", "🌳 A public area"):
        await choose(h, ALICE, option)
        await choose(h, ALICE, "◀ Back")
        assert shown(h, ALICE) == where, option
    await choose(h, ALICE, "🚪 Another unit")
    assert shown(h, ALICE) == "Which building? Or send the unit's number, e.g. 3-2-501."
    assert list(keyboard(screen(h, ALICE["id"]))) == [
        "Building 1",
        "Building 2",
        "Building 3",
        "◀ Back",
        "✖ Cancel",
    ]
    await choose(h, ALICE, "Building 1")
    assert shown(h, ALICE) == "Which unit of building 1? Or send its number, e.g. 3-2-501."
    assert list(keyboard(screen(h, ALICE["id"]))) == [
        "1-101",
        "1-102",
        "1-201",
        "1-202",
        "◀ Back",
        "✖ Cancel",
    ]
    await choose(h, ALICE, "◀ Back")  # units → buildings
    assert shown(h, ALICE).startswith("Which building?")
    await choose(h, ALICE, "Building 1")
    await choose(h, ALICE, "1-102")
    assert "Where: 1-102 (building 1)" in shown(h, ALICE)
    await choose(h, ALICE, "◀ Back")  # confirm → where
    assert shown(h, ALICE) == where
    await choose(h, ALICE, "🏠 My home")
    assert "Where: 2-101 (building 2)" in shown(h, ALICE)
    assert "“The pipe under the stairs leaks”" in shown(h, ALICE)
    await choose(h, ALICE, "✅ Submit")
    assert (await only_ticket(h)).location == Location(unit="2-101", building="2")


async def test_a_voice_message_is_the_description_and_one_over_20_mb_is_refused(
    harness: HandlerHarness,
) -> None:
    h = harness
    await residents(h)
    await tell(h, ALICE, "/report")
    await choose(h, ALICE, "🔊 Noise")
    await tell(h, ALICE, None, voice=voice("huge-voice", 20 * 1024 * 1024 + 1))
    assert texts_to(h, ALICE)[-1] == (
        "That voice message is too long to keep (at most 20 MB). Please send a shorter one, "
        "or describe it in words."
    )
    await tell(h, ALICE, None, photo=photo("no-caption", 1000))  # a photo needs words
    assert texts_to(h, ALICE)[-1].startswith("Please add a few words as the photo's caption")
    # the draft is kept: still at the description, with the category chosen
    await tell(h, ALICE, None, voice=voice("voice-1", 20 * 1024 * 1024, seconds=12))
    assert shown(h, ALICE) == "Send up to 5 photos, one at a time, or press Skip."
    await choose(h, ALICE, "Skip")
    await choose(h, ALICE, "🏠 My home")
    assert shown(h, ALICE) == (
        "Please check and submit:\n🔊 Noise\nWhere: 2-101 (building 2)\n"
        "“🎤 Voice message, 12 s”\nPhotos: 0"
    )
    await choose(h, ALICE, "✅ Submit")
    ticket = await only_ticket(h)
    assert ticket.voice == Voice("voice-1", 12) and ticket.description == ""
    assert [p["voice"] for p in h.request.sent("sendVoice", REP["id"])] == ["voice-1"]
    assert "“🎤 Voice message, 12 s”" in card_in(h, REP["id"], 1)["text"]


async def test_in_chinese_a_voice_with_a_caption(harness: HandlerHarness) -> None:
    h = harness
    await residents(h)
    await tell(h, ALICE_ZH, "/report")
    await choose(h, ALICE_ZH, "🔊 噪音")
    await tell(h, ALICE_ZH, None, voice=voice("v-zh", 5000, seconds=7), caption="楼上半夜装修")
    await choose(h, ALICE_ZH, "跳过")
    await choose(h, ALICE_ZH, "🏠 我家")
    assert "“🎤 语音 7 秒 楼上半夜装修”" in shown(h, ALICE)
    await choose(h, ALICE_ZH, "✅ 提交")
    ticket = await only_ticket(h)
    assert ticket.voice == Voice("v-zh", 7) and ticket.description == "楼上半夜装修"


async def test_the_form_with_every_press_delivered_twice(harness: HandlerHarness) -> None:
    harness.redeliver_each = True
    await test_back_on_every_step_and_the_unit_picked_with_buttons(harness)
    assert len(await tickets(harness)) == 1


async def test_the_lift_flow_with_every_update_delivered_twice(
    harness: HandlerHarness, request: pytest.FixtureRequest
) -> None:
    harness.redeliver_each = True
    await test_a_lift_fault_in_my_building_with_a_captioned_photo_and_the_emergency_numbers(
        harness, request
    )
