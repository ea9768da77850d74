"""LiveCards at a clean stop: pending cards are drawn first, for a bounded time; what is left
stays pending (the next start-up redraws it)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram.ext import ExtBot

from handlers.live_cards import LiveCards
from handlers.rate_limit import RateLimitArgs
from tests.fake_telegram import FakeChat, FakeTelegram, FloodLimits
from tests.handlers.test_live_cards import TOKEN, Tally, TimingLimiter, post_card, shown


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(TOKEN, limits=FloodLimits.unlimited()) as server:
        yield server


@pytest.fixture
def group(fake: FakeTelegram) -> FakeChat:
    alice = fake.add_user("Alice")
    chat = fake.create_group("Sunny Garden", creator=alice)
    fake.add_bot_to_group(chat, by=alice)
    return chat


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[ExtBot[RateLimitArgs]]:
    async with ExtBot(
        TOKEN,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        rate_limiter=TimingLimiter(group_per_minute=1000),
    ) as ext_bot:
        yield ext_bot


async def test_a_stop_with_drain_draws_the_pending_cards_at_once(
    fake: FakeTelegram, group: FakeChat, bot: ExtBot[RateLimitArgs]
) -> None:
    tally = Tally()
    first = await post_card(bot, tally, group, 1)
    second = await post_card(bot, tally, group, 2)
    cards = LiveCards(bot, tally.render, card_interval=60, chat_interval=60, tick=0.02)
    await cards.start()
    tally.bump(1, cards)
    tally.bump(2, cards)
    for _ in range(200):  # the first draw goes out; the next waits a minute
        if (
            shown(fake, group, first) == "Vote 1: 1 yes"
            or shown(fake, group, second) == "Vote 2: 1 yes"
        ):
            break
        await asyncio.sleep(0.02)
    tally.bump(1, cards)
    tally.bump(2, cards)
    started = time.monotonic()
    assert await cards.stop(drain=5.0) == 0
    assert time.monotonic() - started < 2.0
    assert shown(fake, group, first) == "Vote 1: 2 yes"
    assert shown(fake, group, second) == "Vote 2: 2 yes"
    assert cards.pending == frozenset()


async def test_a_drain_that_runs_out_of_time_leaves_the_rest_pending(
    fake: FakeTelegram, group: FakeChat, bot: ExtBot[RateLimitArgs]
) -> None:
    tally = Tally()
    mid = await post_card(bot, tally, group, 1)
    cards = LiveCards(bot, tally.render)
    tally.gate = asyncio.Event()  # rendering hangs
    tally.bump(1, cards)
    started = time.monotonic()
    assert await cards.stop(drain=0.3) == 1
    assert 0.3 <= time.monotonic() - started < 2.0
    assert cards.pending == frozenset({1})
    assert shown(fake, group, mid) == "Vote 1: 0 yes"
