"""TelegramRateLimiter against the fake Bot API: Telegram's sliding windows, per-chat pauses."""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from handlers.rate_limit import RateLimitArgs, TelegramRateLimiter, retry_after_seconds
from tests.fake_telegram import FakeChat, FakeTelegram, FakeUser, FloodLimits

TOKEN = "123456:TEST-TOKEN"
VOTE = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])


@dataclass
class People:
    alice: FakeUser
    bob: FakeUser
    group: FakeChat
    other_group: FakeChat


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(TOKEN, limits=FloodLimits.unlimited()) as server:
        yield server


@pytest.fixture
def people(fake: FakeTelegram) -> People:
    alice = fake.add_user("Alice")
    bob = fake.add_user("Bob")
    group = fake.create_group("Sunny Garden", creator=alice, members=[bob])
    other_group = fake.create_group("Maple Court", creator=alice)
    for chat in (group, other_group):
        fake.add_bot_to_group(chat, by=alice)
    fake.open_private_chat(alice)
    return People(alice, bob, group, other_group)


@asynccontextmanager
async def limited_bot(
    fake: FakeTelegram, limiter: TelegramRateLimiter
) -> AsyncIterator[ExtBot[RateLimitArgs]]:
    bot = ExtBot(
        TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url, rate_limiter=limiter
    )
    async with bot:
        yield bot


def texts(fake: FakeTelegram, chat: FakeChat | FakeUser) -> list[str | None]:
    return [m.text for m in fake.bot_messages(chat)]


def test_retry_after_seconds_reads_timedeltas_and_ints(monkeypatch: pytest.MonkeyPatch) -> None:
    assert retry_after_seconds(RetryAfter(dtm.timedelta(seconds=1.5))) == 1.5
    monkeypatch.setenv("PTB_TIMEDELTA", "false")
    with pytest.warns(Warning, match="retry_after"):
        assert retry_after_seconds(RetryAfter(7)) == 7.0


async def test_sends_to_a_group_keep_to_its_sliding_window_in_order(
    fake: FakeTelegram, people: People
) -> None:
    fake.limits = FloodLimits(group_per_minute=3, group_window=2.0)
    limiter = TelegramRateLimiter(group_per_minute=3, group_window=2.0)
    async with limited_bot(fake, limiter) as bot:
        started = time.monotonic()
        await asyncio.gather(*(bot.send_message(people.group.id, f"m{i}") for i in range(6)))
        elapsed = time.monotonic() - started
    assert texts(fake, people.group) == [f"m{i}" for i in range(6)]
    assert fake.stats.too_many_requests == 0
    assert fake.stats.calls["sendMessage"] == 6
    assert elapsed >= 2.0  # 3 at once, the other 3 once the first have left the window


async def test_private_and_overall_windows(fake: FakeTelegram, people: People) -> None:
    fake.limits = FloodLimits(
        private_burst=2, private_window=0.5, overall_per_second=3, overall_window=0.5
    )
    limiter = TelegramRateLimiter(
        private_burst=2, private_window=0.5, overall_per_second=3, overall_window=0.5
    )
    users = [fake.add_user(name) for name in ("Carol", "Dave", "Erin", "Frank")]
    for user in users:
        fake.open_private_chat(user)
    async with limited_bot(fake, limiter) as bot:
        started = time.monotonic()
        await asyncio.gather(
            *(bot.send_message(people.alice.id, f"a{i}") for i in range(4)),
            *(bot.send_message(user.id, "hi") for user in users),
        )
        elapsed = time.monotonic() - started
    assert texts(fake, people.alice) == ["a0", "a1", "a2", "a3"]
    assert all(texts(fake, user) == ["hi"] for user in users)
    assert fake.stats.too_many_requests == 0
    assert elapsed >= 1.0  # 8 messages, 3 per half second


async def test_callback_answers_are_not_held_up_by_a_saturated_group(
    fake: FakeTelegram, people: People
) -> None:
    fake.limits = FloodLimits(group_per_minute=3, group_window=1.0)
    limiter = TelegramRateLimiter(group_per_minute=3, group_window=1.0)
    async with limited_bot(fake, limiter) as bot:
        card = await bot.send_message(people.group.id, "Vote", reply_markup=VOTE)
        await bot.send_message(people.group.id, "2")
        await bot.send_message(people.group.id, "3")
        waiting = asyncio.create_task(bot.send_message(people.group.id, "4"))
        await asyncio.sleep(0.1)
        assert not waiting.done()

        started = time.monotonic()
        query_id = fake.press_button(people.group, card.message_id, people.bob, "yes")
        updates = await bot.get_updates()
        query = next(u.callback_query for u in updates if u.callback_query)
        assert query.id == query_id
        await query.answer("Counted")
        await bot.get_chat(people.group.id)
        await bot.send_chat_action(people.group.id, "typing")
        assert time.monotonic() - started < 0.5
        answer = fake.callback_answer(query_id)
        assert answer is not None and answer.text == "Counted"
        assert not waiting.done()
        await waiting
    assert texts(fake, people.group) == ["Vote", "2", "3", "4"]
    assert fake.stats.too_many_requests == 0


async def test_a_429_pauses_the_chat_and_is_retried(
    fake: FakeTelegram, people: People, caplog: pytest.LogCaptureFixture
) -> None:
    fake.limits = FloodLimits(group_per_minute=2, group_window=1.0)  # stricter than the limiter
    limiter = TelegramRateLimiter(group_per_minute=3, group_window=1.0)
    caplog.set_level(logging.INFO, logger="handlers.rate_limit")
    async with limited_bot(fake, limiter) as bot:
        for i in range(3):
            await bot.send_message(people.group.id, f"m{i}")
    assert texts(fake, people.group) == ["m0", "m1", "m2"]
    assert fake.stats.too_many_requests == 1
    (record,) = [r for r in caplog.records if r.name == "handlers.rate_limit"]
    assert record.levelno == logging.INFO and record.exc_info is None
    assert "retry 1 of 3" in record.getMessage()


async def test_without_retry_the_429_is_raised_at_once_and_the_chat_stays_paused(
    fake: FakeTelegram, people: People
) -> None:
    fake.limits = FloodLimits(group_per_minute=1, group_window=1.0)
    async with limited_bot(fake, TelegramRateLimiter()) as bot:
        await bot.send_message(people.group.id, "first")
        started = time.monotonic()
        with pytest.raises(RetryAfter):
            await bot.send_message(
                people.group.id, "stale", rate_limit_args=RateLimitArgs(retry=False)
            )
        assert time.monotonic() - started < 0.5
        await bot.send_message(people.group.id, "later")  # waits out the pause: no second 429
        assert time.monotonic() - started >= 0.9
    assert texts(fake, people.group) == ["first", "later"]
    assert fake.stats.too_many_requests == 1
    assert fake.stats.calls["sendMessage"] == 3


async def test_a_paused_chat_does_not_delay_other_chats_or_answers(
    fake: FakeTelegram, people: People
) -> None:
    fake.limits = FloodLimits(group_per_minute=1, group_window=1.0)
    async with limited_bot(fake, TelegramRateLimiter()) as bot:
        card = await bot.send_message(people.group.id, "Vote", reply_markup=VOTE)
        with pytest.raises(RetryAfter):
            await bot.send_message(people.group.id, "x", rate_limit_args=RateLimitArgs(retry=False))
        waiting = asyncio.create_task(bot.send_message(people.group.id, "after the pause"))
        await asyncio.sleep(0.05)

        started = time.monotonic()
        await bot.send_message(people.other_group.id, "elsewhere")
        await bot.send_message(people.alice.id, "in private")
        query_id = fake.press_button(people.group, card.message_id, people.bob, "yes")
        updates = await bot.get_updates()
        await next(u.callback_query for u in updates if u.callback_query).answer("Counted")
        assert time.monotonic() - started < 0.5
        assert fake.callback_answer(query_id) is not None
        assert not waiting.done()
        await waiting
    assert texts(fake, people.group) == ["Vote", "after the pause"]
    assert texts(fake, people.other_group) == ["elsewhere"]
    assert fake.stats.too_many_requests == 1


# --- process_request on its own ----------------------------------------------------------------


class Recorder:
    """A stand-in for the HTTP call: records when it ran, optionally answers 429 first."""

    def __init__(self, flood_answers: int = 0, retry_after: float = 0.01) -> None:
        self.calls: list[tuple[str, float]] = []
        self.flood_answers = flood_answers
        self.retry_after = retry_after

    async def send(self, limiter: TelegramRateLimiter, endpoint: str, **data: Any) -> Any:
        async def callback(*_: Any, **__: Any) -> bool:
            self.calls.append((endpoint, time.monotonic()))
            if self.flood_answers:
                self.flood_answers -= 1
                raise RetryAfter(dtm.timedelta(seconds=self.retry_after))
            return True

        return await limiter.process_request(callback, (), {}, endpoint, data, None)


async def test_only_sends_and_edits_wait() -> None:
    limiter = TelegramRateLimiter(group_per_minute=3, group_window=0.4)
    recorder = Recorder()
    started = time.monotonic()
    await recorder.send(limiter, "sendMediaGroup", chat_id=-5, media=["a", "b", "c"])
    for endpoint in (
        "answerCallbackQuery",
        "getChatMember",
        "deleteMessage",
        "pinChatMessage",
        "sendChatAction",
        "getMe",
    ):
        await recorder.send(limiter, endpoint, chat_id=-5)
    assert time.monotonic() - started < 0.1
    await recorder.send(limiter, "editMessageText", chat_id="-5")  # same chat, spelt as str
    assert time.monotonic() - started >= 0.4  # the album used up the window: one per message


async def test_gives_up_after_max_retries_without_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.rate_limit")
    limiter = TelegramRateLimiter(max_retries=2)
    recorder = Recorder(flood_answers=10)
    with pytest.raises(RetryAfter):
        await recorder.send(limiter, "sendMessage", chat_id=42, text="hi")
    assert len(recorder.calls) == 3
    first, *_, last = [t for _, t in recorder.calls]
    assert last - first >= 0.02  # each retry waited out its pause
    records = [r for r in caplog.records if r.name == "handlers.rate_limit"]
    assert len(records) == 3
    assert all(r.levelno == logging.INFO and r.exc_info is None for r in records)
    assert "giving up" in records[-1].getMessage()


async def test_at_most_max_in_flight_requests_reach_the_http_pool_and_polling_is_apart() -> None:
    """A burst of button answers queues here, not in httpcore's pool (which walks its queue and
    connections on every event); the long poll never takes a place."""
    limiter = TelegramRateLimiter(max_in_flight=2)
    running = peak = 0
    release = asyncio.Event()

    async def call() -> bool:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1
        return True

    async def poll() -> bool:
        await release.wait()
        return True

    polls = [
        asyncio.ensure_future(limiter.process_request(poll, (), {}, "getUpdates", {}, None))
        for _ in range(3)
    ]
    answers = [
        limiter.process_request(call, (), {}, "answerCallbackQuery", {}, None) for _ in range(10)
    ]
    sends = [
        limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 5 + i}, None)
        for i in range(3)
    ]
    assert all(await asyncio.gather(*answers, *sends))  # though three long polls are open
    assert peak == 2
    release.set()
    assert all(await asyncio.gather(*polls))
