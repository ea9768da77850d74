"""Fault injection in the fake Bot API: each kind reaches python-telegram-bot as the error a real
bad day at Telegram gives, is applied or not as documented, and the share holds for a seed."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from . import FAULT_KINDS, FakeTelegram, FaultKind, FaultPlan, FloodLimits

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB warns about int time periods (e.g. RetryAfter) unless opted in; warnings are errors."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(TOKEN, limits=FloodLimits.unlimited()) as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as client:
        yield client


def texts(fake: FakeTelegram, chat: int) -> list[str | None]:
    return [m.text for m in fake.bot_messages(chat)]


def outcomes(fake: FakeTelegram, calls: int) -> list[str]:
    """``calls`` raw getMe requests: "ok", the HTTP status, or "dropped"."""
    seen = []
    with httpx.Client(base_url=f"{fake.base_url}{TOKEN}") as client:
        for _ in range(calls):
            try:
                response = client.post("/getMe")
            except httpx.RemoteProtocolError:
                seen.append("dropped")
            else:
                seen.append("ok" if response.status_code == 200 else str(response.status_code))
    return seen


# --- each kind, as PTB sees it --------------------------------------------------------------------


async def test_retry_after_is_a_429_that_sends_nothing(bot: Bot, fake: FakeTelegram) -> None:
    alice = fake.add_user("Alice")
    fake.open_private_chat(alice)
    plan = fake.inject_faults(1.0, ["retry_after"], retry_after=2)
    assert fake.faults == plan == FaultPlan(1.0, ("retry_after",), retry_after=2)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(alice.id, "hello")
    assert info.value.retry_after == dtm.timedelta(seconds=2)
    assert texts(fake, alice.id) == []
    stats = fake.stats
    assert (stats.faults, stats.too_many_requests, stats.errors) == (
        {"retry_after": 1},
        1,
        {429: 1},
    )
    [call] = fake.api_calls("sendMessage")
    assert (call.status, call.fault) == (429, "retry_after")
    raw = httpx.post(f"{fake.base_url}{TOKEN}/sendMessage", data={"chat_id": alice.id, "text": "x"})
    assert raw.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 2",
        "parameters": {"retry_after": 2},
    }
    fake.clear_faults()
    assert fake.faults is None
    await bot.send_message(alice.id, "hello")
    assert texts(fake, alice.id) == ["hello"]
    assert fake.stats.faults == {"retry_after": 2}  # the counts stay


async def test_500_and_502_are_network_errors_that_send_nothing(
    bot: Bot, fake: FakeTelegram
) -> None:
    alice = fake.add_user("Alice")
    fake.open_private_chat(alice)
    fake.inject_faults(1.0, ["internal_error"])
    with pytest.raises(NetworkError, match="Internal Server Error") as info:
        await bot.send_message(alice.id, "one")
    assert not isinstance(info.value, TimedOut)
    fake.inject_faults(1.0, ["bad_gateway"])
    with pytest.raises(NetworkError, match=r"Bad Gateway \(502\)"):
        await bot.send_message(alice.id, "two")
    raw = httpx.post(f"{fake.base_url}{TOKEN}/getMe")
    assert raw.status_code == 502
    assert raw.headers["content-type"].startswith("text/html")  # nginx's page, not JSON
    assert "<h1>502 Bad Gateway</h1>" in raw.text
    assert texts(fake, alice.id) == []
    assert fake.stats.faults == {"internal_error": 1, "bad_gateway": 2}
    assert fake.stats.errors == {500: 1, 502: 2}


async def test_a_timeout_drops_the_connection_without_applying_the_call(
    bot: Bot, fake: FakeTelegram
) -> None:
    alice = fake.add_user("Alice")
    fake.open_private_chat(alice)
    fake.inject_faults(1.0, ["timeout"])
    with pytest.raises(NetworkError, match="Server disconnected"):
        await bot.send_message(alice.id, "lost")
    assert texts(fake, alice.id) == []
    [call] = fake.api_calls("sendMessage")
    assert (call.status, call.fault) == (0, "timeout")
    assert fake.stats.errors == {}  # no answer at all, so no error status either


async def test_a_hang_longer_than_the_read_timeout_raises_timed_out(fake: FakeTelegram) -> None:
    alice = fake.add_user("Alice")
    fake.open_private_chat(alice)
    request = HTTPXRequest(read_timeout=0.2)
    async with Bot(TOKEN, base_url=fake.base_url, request=request) as bot:
        fake.inject_faults(1.0, ["timeout"], hang=1.0)
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.send_message(alice.id, "slow")
        assert time.monotonic() - started < 0.9
        fake.inject_faults(1.0, ["lost_answer"], hang=1.0)
        with pytest.raises(TimedOut):
            await bot.send_message(alice.id, "applied")
    assert texts(fake, alice.id) == ["applied"]


async def test_a_lost_answer_applies_the_call_then_drops_it(bot: Bot, fake: FakeTelegram) -> None:
    alice = fake.add_user("Alice")
    fake.open_private_chat(alice)
    fake.inject_faults(1.0, ["lost_answer"])
    with pytest.raises(NetworkError, match="Server disconnected"):
        await bot.send_message(alice.id, "sent anyway")
    fake.clear_faults()
    await bot.send_message(alice.id, "sent anyway")  # a blind retry duplicates
    assert texts(fake, alice.id) == ["sent anyway", "sent anyway"]
    first = fake.api_calls("sendMessage")[0]
    assert (first.status, first.fault) == (200, "lost_answer")
    assert fake.stats.faults == {"lost_answer": 1}


# --- which calls ----------------------------------------------------------------------------------


def test_methods_choose_the_calls_and_get_updates_is_left_out_by_default(
    fake: FakeTelegram,
) -> None:
    alice = fake.add_user("Alice")
    fake.open_private_chat(alice)  # queues a /start update
    fake.inject_faults(1.0, ["internal_error"], methods={"sendMessage"})
    assert outcomes(fake, 3) == ["ok"] * 3  # getMe is not among the methods
    send = httpx.post(
        f"{fake.base_url}{TOKEN}/SENDMESSAGE", data={"chat_id": alice.id, "text": "x"}
    )
    assert send.status_code == 500  # names are matched case-insensitively, like the API's
    fake.inject_faults(1.0, ["internal_error"])  # every method but getUpdates
    polled = httpx.post(f"{fake.base_url}{TOKEN}/getUpdates")
    assert polled.status_code == 200 and len(polled.json()["result"]) == 1
    assert fake.stats.faults == {"internal_error": 1}


def test_get_updates_can_be_faulted_but_never_with_429(fake: FakeTelegram) -> None:
    alice = fake.add_user("Alice")
    fake.open_private_chat(alice)
    url = f"{fake.base_url}{TOKEN}/getUpdates"
    fake.inject_faults(1.0, ["retry_after"], get_updates=True)
    assert httpx.post(url).status_code == 200
    fake.inject_faults(1.0, ["retry_after", "bad_gateway"], get_updates=True)
    assert httpx.post(url.replace("getUpdates", "getupdates")).status_code == 502
    assert fake.stats.faults == {"bad_gateway": 1}
    assert fake.pending_update_count() == 1


def test_a_get_updates_timeout_confirms_nothing_and_a_lost_answer_confirms_the_offset(
    fake: FakeTelegram,
) -> None:
    alice, bob = fake.add_user("Alice"), fake.add_user("Bob")
    fake.open_private_chat(alice)
    fake.open_private_chat(bob)
    url = f"{fake.base_url}{TOKEN}/getUpdates"
    first = httpx.post(url).json()["result"][0]["update_id"]
    fake.inject_faults(1.0, ["timeout"], get_updates=True)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(url, data={"offset": first + 1})
    assert fake.pending_update_count() == 2  # not confirmed: the update comes again
    fake.inject_faults(1.0, ["lost_answer"], get_updates=True)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(url, data={"offset": first + 1})
    assert fake.pending_update_count() == 1  # confirmed, although the client never heard
    assert fake.stats.faults == {"timeout": 1, "lost_answer": 1}


# --- share and seed -------------------------------------------------------------------------------


def test_the_share_holds_and_a_seed_repeats_the_same_faults(fake: FakeTelegram) -> None:
    kinds: tuple[FaultKind, ...] = ("retry_after", "internal_error", "bad_gateway", "timeout")
    fake.inject_faults(0.1, kinds, seed=7)
    first = outcomes(fake, 400)
    faulted = [o for o in first if o != "ok"]
    assert 25 <= len(faulted) <= 60  # 40 expected; binomial sd ≈ 6
    assert set(faulted) == {"429", "500", "502", "dropped"}  # every kind turns up
    assert sum(fake.stats.faults.values()) == len(faulted)
    assert fake.stats.faults["timeout"] == first.count("dropped")

    fake.inject_faults(0.1, kinds, seed=7)  # the generator restarts from the seed
    assert outcomes(fake, 400) == first
    fake.inject_faults(0.1, kinds, seed=8)
    assert outcomes(fake, 400) != first
    fake.inject_faults(0.0, kinds)
    assert set(outcomes(fake, 50)) == {"ok"}


def test_a_plan_given_to_the_constructor_applies_from_the_start() -> None:
    plan = FaultPlan(share=1.0, kinds=("internal_error",))
    with FakeTelegram(TOKEN, faults=plan) as fake:
        assert fake.faults == plan
        assert outcomes(fake, 2) == ["500", "500"]


def test_plans_are_checked() -> None:
    assert FAULT_KINDS == ("retry_after", "internal_error", "bad_gateway", "timeout", "lost_answer")
    with pytest.raises(ValueError, match="share"):
        FaultPlan(share=1.5)
    with pytest.raises(ValueError, match="unknown fault kinds"):
        FaultPlan.of(0.1, ["teapot"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="at least one"):
        FaultPlan(kinds=())
    with pytest.raises(ValueError, match="retry_after"):
        FaultPlan(retry_after=0)


# --- held updates (bench bursts) ------------------------------------------------------------------


async def test_held_updates_are_delivered_at_once_on_release(bot: Bot, fake: FakeTelegram) -> None:
    users = [fake.add_user(f"U{i}") for i in range(3)]
    fake.hold_updates()
    for user in users:
        fake.open_private_chat(user)
    assert await bot.get_updates() == ()

    async def release() -> float:
        await asyncio.sleep(0.2)
        return fake.release_updates()

    releasing = asyncio.create_task(release())
    updates = await bot.get_updates(timeout=dtm.timedelta(seconds=5))
    assert time.monotonic() - await releasing < 0.15  # the waiting long poll woke up
    assert len(updates) == 3
