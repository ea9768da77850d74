"""LiveCards against the fake Bot API: few edits, always the latest state, never a dead loop."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ExtBot

from handlers.live_cards import Card, LiveCards
from handlers.rate_limit import RateLimitArgs, TelegramRateLimiter
from tests.fake_telegram import FakeChat, FakeTelegram, FloodLimits

TOKEN = "123456:TEST-TOKEN"
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="v1:vote:yes")]])
FAST = {"card_interval": 0.05, "chat_interval": 0.05, "tick": 0.02}


class TimingLimiter(TelegramRateLimiter):
    """Records when each editMessageText really went out: (message_id, time)."""

    def __init__(self, **limits: Any) -> None:
        super().__init__(**limits)
        self.edits: list[tuple[int, float]] = []

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: RateLimitArgs | None,
    ) -> Any:
        async def timed(*a: Any, **kw: Any) -> Any:
            if endpoint == "editMessageText":
                assert rate_limit_args == RateLimitArgs(retry=False)
                self.edits.append((int(data["message_id"]), time.monotonic()))
            return await callback(*a, **kw)

        return await super().process_request(timed, args, kwargs, endpoint, data, rate_limit_args)


class Tally:
    """The state behind the cards: a count per key, and where its card is."""

    def __init__(self) -> None:
        self.counts: Counter[int] = Counter()
        self.where: dict[int, tuple[int, int]] = {}
        self.renders: Counter[int] = Counter()
        self.gate: asyncio.Event | None = None  # when set: renders wait for it (after reading)
        self.failures: Counter[int] = Counter()  # renders of a key still to fail

    def text(self, key: int) -> str:
        return f"Vote {key}: {self.counts[key]} yes"

    def bump(self, key: int, cards: LiveCards) -> None:
        self.counts[key] += 1
        cards.touch(key)

    async def render(self, key: int) -> Card | None:
        self.renders[key] += 1
        if self.failures[key]:
            self.failures[key] -= 1
            raise RuntimeError("database is locked")
        if key not in self.where:
            return None
        chat_id, message_id = self.where[key]
        text = self.text(key)
        if self.gate is not None:
            await self.gate.wait()
        return Card(chat_id, message_id, text, KEYBOARD)


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
    limiter = TimingLimiter(group_per_minute=1000)  # LiveCards itself keeps to the pace
    async with ExtBot(
        TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url, rate_limiter=limiter
    ) as ext_bot:
        yield ext_bot


def edits_of(bot: ExtBot[RateLimitArgs]) -> list[tuple[int, float]]:
    assert isinstance(bot.rate_limiter, TimingLimiter)
    return bot.rate_limiter.edits


@asynccontextmanager
async def running(cards: LiveCards) -> AsyncIterator[LiveCards]:
    await cards.start()
    try:
        yield cards
    finally:
        await cards.stop()


async def post_card(bot: Bot, tally: Tally, chat: FakeChat, key: int) -> int:
    sent = await bot.send_message(chat.id, tally.text(key), reply_markup=KEYBOARD)
    tally.where[key] = (chat.id, sent.message_id)
    return sent.message_id


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def shown(fake: FakeTelegram, chat: FakeChat, message_id: int) -> str | None:
    return next(m.text for m in fake.bot_messages(chat) if m.message_id == message_id)


def edit_count(fake: FakeTelegram, chat: FakeChat, message_id: int) -> int:
    return next(m.edit_count for m in fake.bot_messages(chat) if m.message_id == message_id)


async def test_a_storm_of_touches_becomes_a_few_edits_of_the_latest_state(
    fake: FakeTelegram, group: FakeChat, bot: ExtBot[RateLimitArgs]
) -> None:
    tally = Tally()
    mid = await post_card(bot, tally, group, 1)
    cards = LiveCards(bot, tally.render, card_interval=0.3, chat_interval=0.2, tick=0.02)
    async with running(cards):
        for _ in range(200):
            tally.bump(1, cards)
            await asyncio.sleep(0.005)
        await eventually(lambda: shown(fake, group, mid) == "Vote 1: 200 yes")
        assert cards.pending == frozenset()
    assert 2 <= edit_count(fake, group, mid) <= 6
    assert tally.renders[1] == len(edits_of(bot))  # rendered right before each edit, only then
    times = [t for _, t in edits_of(bot)]
    assert all(b - a >= 0.3 for a, b in itertools.pairwise(times))


async def test_cards_of_one_chat_take_turns_chat_interval_apart(
    fake: FakeTelegram, group: FakeChat, bot: ExtBot[RateLimitArgs]
) -> None:
    tally = Tally()
    first = await post_card(bot, tally, group, 1)
    second = await post_card(bot, tally, group, 2)
    cards = LiveCards(bot, tally.render, card_interval=0.05, chat_interval=0.35, tick=0.02)
    async with running(cards):
        for _ in range(100):
            tally.bump(1, cards)
            tally.bump(2, cards)
            await asyncio.sleep(0.01)
        await eventually(
            lambda: (
                shown(fake, group, first) == "Vote 1: 100 yes"
                and shown(fake, group, second) == "Vote 2: 100 yes"
            )
        )
    edits = edits_of(bot)
    assert len(edits) >= 3
    for (card_a, time_a), (card_b, time_b) in itertools.pairwise(edits):
        assert time_b - time_a >= 0.35
        assert card_a != card_b  # the card that waited longest goes first: they alternate


async def test_a_deleted_card_is_dropped_and_others_go_on(
    fake: FakeTelegram,
    group: FakeChat,
    bot: ExtBot[RateLimitArgs],
    caplog: pytest.LogCaptureFixture,
) -> None:
    tally = Tally()
    gone = await post_card(bot, tally, group, 1)
    kept = await post_card(bot, tally, group, 2)
    await bot.delete_message(group.id, gone)
    cards = LiveCards(bot, tally.render, **FAST)
    async with running(cards):
        tally.bump(1, cards)
        tally.bump(2, cards)
        await eventually(lambda: shown(fake, group, kept) == "Vote 2: 1 yes")
        await eventually(lambda: not cards.pending)
        await asyncio.sleep(0.2)
    assert tally.renders[1] == 1
    (warning,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warning.levelno == logging.WARNING
    assert "message to edit not found" in warning.message.lower()


async def test_not_modified_is_harmless_with_a_plain_bot(
    fake: FakeTelegram, group: FakeChat, caplog: pytest.LogCaptureFixture
) -> None:
    tally = Tally()
    async with Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as plain:
        mid = await post_card(plain, tally, group, 1)
        cards = LiveCards(plain, tally.render, **FAST)
        async with running(cards):
            cards.touch(1)  # nothing changed: the edit is answered "message is not modified"
            await eventually(lambda: fake.stats.not_modified == 1)
            await eventually(lambda: not cards.pending)
            tally.bump(1, cards)
            await eventually(lambda: shown(fake, group, mid) == "Vote 1: 1 yes")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_after_a_429_the_chat_waits_and_then_the_latest_state_is_drawn(
    fake: FakeTelegram, group: FakeChat, bot: ExtBot[RateLimitArgs]
) -> None:
    tally = Tally()
    fake.limits = FloodLimits(group_per_minute=2, group_window=1.0)
    mid = await post_card(bot, tally, group, 1)
    await bot.send_message(group.id, "the chat's budget is used up")
    cards = LiveCards(bot, tally.render, **FAST)
    async with running(cards):
        tally.bump(1, cards)
        await eventually(lambda: fake.stats.too_many_requests == 1)
        flooded = time.monotonic()
        await asyncio.sleep(0.1)
        assert cards.pending == {1}
        tally.bump(1, cards)
        tally.bump(1, cards)
        await eventually(lambda: shown(fake, group, mid) == "Vote 1: 3 yes")
        assert time.monotonic() - flooded >= 0.9
    assert fake.stats.too_many_requests == 1
    assert edit_count(fake, group, mid) == 1


async def test_a_touch_while_drawing_is_not_lost(
    fake: FakeTelegram, group: FakeChat, bot: ExtBot[RateLimitArgs]
) -> None:
    tally = Tally()
    mid = await post_card(bot, tally, group, 1)
    cards = LiveCards(bot, tally.render, **FAST)
    tally.gate = asyncio.Event()
    async with running(cards):
        tally.bump(1, cards)
        await eventually(lambda: tally.renders[1] == 1)  # it read "1 yes" and waits
        tally.bump(1, cards)
        tally.gate.set()
        await eventually(lambda: shown(fake, group, mid) == "Vote 1: 2 yes")
    assert edit_count(fake, group, mid) == 2


async def test_draw_now_ignores_the_intervals_and_lands_last(
    fake: FakeTelegram, group: FakeChat, bot: ExtBot[RateLimitArgs]
) -> None:
    tally = Tally()
    mid = await post_card(bot, tally, group, 1)
    cards = LiveCards(bot, tally.render, card_interval=30, chat_interval=30, tick=0.02)
    async with running(cards):
        tally.bump(1, cards)
        await eventually(lambda: shown(fake, group, mid) == "Vote 1: 1 yes")
        tally.bump(1, cards)
        await asyncio.sleep(0.1)
        assert cards.pending == {1}  # its interval has not passed
        await cards.draw_now(1)
        assert shown(fake, group, mid) == "Vote 1: 2 yes"
        assert cards.pending == frozenset()

        # a draw still in flight with an older state lands first, the latest one last
        tally.gate = asyncio.Event()
        tally.counts[1] = 10
        closing = asyncio.create_task(cards.draw_now(1))
        await eventually(lambda: tally.renders[1] == 3)
        tally.counts[1] = 11
        second = asyncio.create_task(cards.draw_now(1))
        await asyncio.sleep(0.05)
        tally.gate.set()
        await asyncio.gather(closing, second)
    assert shown(fake, group, mid) == "Vote 1: 11 yes"


async def test_failing_renders_are_logged_and_retried_and_none_stops_tracking(
    fake: FakeTelegram,
    group: FakeChat,
    bot: ExtBot[RateLimitArgs],
    caplog: pytest.LogCaptureFixture,
) -> None:
    tally = Tally()
    mid = await post_card(bot, tally, group, 1)
    tally.failures[1] = 2
    cards = LiveCards(bot, tally.render, **FAST)
    async with running(cards):
        tally.bump(1, cards)
        cards.touch(99)  # no such vote: render says None
        await eventually(lambda: shown(fake, group, mid) == "Vote 1: 1 yes")
        await eventually(lambda: not cards.pending)
    assert tally.renders[1] == 3 and tally.renders[99] == 1
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 2 and all(r.exc_info for r in errors)


async def test_stop_is_clean_and_keeps_what_was_cut_short(
    fake: FakeTelegram, group: FakeChat, bot: ExtBot[RateLimitArgs]
) -> None:
    tally = Tally()
    mid = await post_card(bot, tally, group, 1)
    cards = LiveCards(bot, tally.render, **FAST)
    await cards.stop()  # never started: nothing to do
    tally.gate = asyncio.Event()
    await cards.start()
    tally.bump(1, cards)
    await eventually(lambda: tally.renders[1] == 1)
    started = time.monotonic()
    await cards.stop()
    assert time.monotonic() - started < 0.5
    assert cards.pending == {1}
    assert not [t for t in asyncio.all_tasks() if (t.get_name() or "").startswith("live-card")]
    await cards.stop()
    tally.gate.set()
    async with running(cards):
        await eventually(lambda: shown(fake, group, mid) == "Vote 1: 1 yes")
