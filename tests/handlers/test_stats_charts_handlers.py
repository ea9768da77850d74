"""The /stats charts (issue 12, item 2) through the handlers, on the community of
tests/stats_seed.py: `/stats chart` posts the four charts as one album where asked; the 📈 Charts
button sends them to the presser privately; a forged or carried-off payload is refused. The
series drawn are worked out by hand from the seed's docstring."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from PIL import Image

from bot.stats.cases import community_stats
from handlers.stats.album import chart_spec
from handlers.stats.charts import CHART_SIZE_PX
from storage.database import Database
from tests.handlers.harness import HandlerHarness, group, private, user
from tests.stats_seed import ADMIN, ALICE, CHAT, seed_stats

GROUP = group(CHAT)
ALICE_EN = user(ALICE, "Alice")
ALICE_ZH = user(ALICE, "Alice", "zh")
STRANGER = user(99, "Sam")
NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


@pytest.fixture
async def seeded(harness: HandlerHarness) -> HandlerHarness:
    await seed_stats(harness.database)
    return harness


def albums(h: HandlerHarness, chat_id: int) -> list[tuple[list[dict[str, Any]], list[bytes]]]:
    """Each album sent to the chat: its items and the PNG files uploaded with it."""
    found = []
    for call in h.request.calls:
        if call.method == "sendMediaGroup" and int(call.params["chat_id"]) == chat_id:
            media = call.params["media"]
            items = json.loads(media) if isinstance(media, str) else media
            found.append((items, list(call.uploads.values())))
    return found


def assert_four_charts(files: list[bytes]) -> None:
    assert len(files) == 4
    for data in files:
        picture = Image.open(io.BytesIO(data))
        assert picture.format == "PNG"
        assert picture.size == CHART_SIZE_PX


async def test_the_series_drawn_are_the_seeds_figures(db: Database) -> None:
    community_id = await seed_stats(db)
    async with db.unit_of_work() as uow:
        community = await uow.communities.get(community_id)
        assert community is not None
        stats = await community_stats(uow, community, now=NOW)
    _, titles, votes, buildings, counts, categories, statuses, hours = chart_spec(stats, "en")
    assert titles[0] == "Participation in each vote"
    # #1 2 of 8 (closed 10-10), #2 4 of 8 (10-27), #3 3 of 7 owners (11-09), #4 open since 11-15
    assert votes == (("#1 10/10", 0.25), ("#2 10/27", 0.5), ("#3 11/9", 3 / 7), ("#4 11/15", 0.75))
    # building 1: 2/4, 3/4, 3/4 → 2/3; building 2: 0, 1/4, 1/4, 3/4 → 5/16
    assert [label for label, _ in buildings] == ["Building 1", "Building 2"]
    assert [share for _, share in buildings] == pytest.approx([2 / 3, 5 / 16])
    # seven statuses read as four: the elevator's closed ticket and its new one apart
    assert dict(counts) == {
        ("🛗 Elevator", "fixed"): 1,
        ("🛗 Elevator", "waiting"): 1,
        ("💧 Water & electricity", "fixed"): 1,
        ("🧹 Sanitation", "being fixed"): 1,
        ("🔊 Noise", "rejected"): 1,
        ("📝 Other", "waiting"): 1,
    }
    assert statuses == ("waiting", "being fixed", "fixed", "rejected")
    # only the kinds reported, in the form's order: no empty rows on a phone
    assert categories == (
        "💧 Water & electricity",
        "🛗 Elevator",
        "🧹 Sanitation",
        "🔊 Noise",
        "📝 Other",
    )
    assert hours == (24.0, 54.0)  # #1 10-10 → 10-11, #2 11-10 00:00 → 11-12 06:00


async def test_stats_chart_posts_the_album_in_the_group(seeded: HandlerHarness) -> None:
    h = seeded
    await h.say(GROUP, ALICE_EN, "/stats chart")
    ((items, files),) = albums(h, CHAT)
    assert [item["type"] for item in items] == ["photo"] * 4
    assert items[0]["caption"] == "📈 Sunny Garden · all time"
    assert all("caption" not in item for item in items[1:])
    assert_four_charts(files)


async def test_in_chinese_for_one_building(db: Database) -> None:
    await seed_stats(db, language="zh")
    h = await HandlerHarness.start(db)
    try:
        await h.say(GROUP, ALICE_ZH, "/stats 图表 楼栋 2")
        ((items, files),) = albums(h, CHAT)
        assert items[0]["caption"] == "📈 Sunny Garden · 2号楼"
        assert_four_charts(files)
        await h.say(GROUP, ALICE_ZH, "/stats chart building 9")  # refused, nothing drawn
        assert h.request.texts(CHAT)[-1] == "登记册里没有 9 号楼。登记的楼栋有：1, 2。"
        assert len(albums(h, CHAT)) == 1
    finally:
        await h.stop()


async def test_the_charts_button_sends_them_privately(seeded: HandlerHarness) -> None:
    h = seeded
    await h.say(GROUP, ALICE_EN, "/stats")
    # never started a private chat: the album is refused (403), and the presser told how
    await h.press(GROUP, ALICE_EN, None, "v1:sc:1")
    assert h.request.answers()[-1]["text"] == (
        "I cannot write to you privately yet: open a private chat with me, press Start, then"
        " press Charts again."
    )
    h.request.private_open.add(ALICE)
    await h.press(GROUP, ALICE_EN, None, "v1:sc:1")
    assert h.request.answers()[-1]["text"] == "I sent you the charts privately."
    _refused, (items, files) = albums(h, ALICE)
    assert items[0]["caption"] == "📈 Sunny Garden · all time"
    assert_four_charts(files)
    assert albums(h, CHAT) == []  # the group gets no pictures from a press


async def test_a_month_and_a_building_ride_on_the_button(seeded: HandlerHarness) -> None:
    h = seeded
    h.request.private_open.add(ALICE)
    await h.say(GROUP, ALICE_EN, "/stats month 2026-11")
    await h.press(GROUP, ALICE_EN, None, "v1:sc:1:2026-11")
    ((items, _),) = albums(h, ALICE)
    assert items[0]["caption"] == "📈 Sunny Garden · month 2026-11"
    await h.say(GROUP, ALICE_EN, "/stats building 2 month 2026-11")
    await h.press(GROUP, ALICE_EN, None, "v1:sc:1:2:2026-11")
    assert albums(h, ALICE)[-1][0][0]["caption"] == ("📈 Sunny Garden · building 2, month 2026-11")


@pytest.mark.parametrize(
    "data", ["v1:sc:999", "v1:sc:x", "v1:sc:1:2:2026-11:9", "v1:sc:", "v1:sc:1:9"]
)
async def test_a_forged_payload_is_refused(seeded: HandlerHarness, data: str) -> None:
    h = seeded
    h.request.private_open.add(ALICE)
    keyboard = {"inline_keyboard": [[{"text": "📈 Charts", "callback_data": data}]]}
    await h.press(GROUP, ALICE_EN, 5, data, keyboard)
    answer = h.request.answers()[-1]["text"]
    assert answer in ("This button is no longer valid.",) or answer.startswith("There is no")
    assert albums(h, ALICE) == []


async def test_a_payload_carried_to_another_group_or_stranger_is_refused(
    seeded: HandlerHarness,
) -> None:
    h = seeded
    h.request.private_open.update({ALICE, STRANGER["id"]})
    keyboard = {"inline_keyboard": [[{"text": "📈 Charts", "callback_data": "v1:sc:1"}]]}
    await h.press(group(-100555), ALICE_EN, 5, "v1:sc:1", keyboard)
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    # privately, by someone with no tie to the community
    await h.press(private(STRANGER), STRANGER, 5, "v1:sc:1", keyboard)
    assert h.request.answers()[-1]["text"] == "This button is no longer valid."
    assert albums(h, ALICE) == [] and albums(h, STRANGER["id"]) == []
    # privately by the admin: the album in that chat
    h.request.private_open.add(ADMIN)
    await h.press(private(user(ADMIN, "Carol")), user(ADMIN, "Carol"), 5, "v1:sc:1", keyboard)
    assert len(albums(h, ADMIN)) == 1
