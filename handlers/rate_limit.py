"""Flood limits the way Telegram counts them: sliding windows, and pauses per chat.

PTB's ``AIORateLimiter`` uses leaky buckets (a burst of 20, then one every 3 s per group), which
overruns Telegram's "about 20 messages a minute per group" sliding window; and on any 429 it
pauses every request of the bot, answerCallbackQuery included, so button presses go unanswered
for up to a minute. ``TelegramRateLimiter`` throttles only what Telegram counts (sends and
edits), gives each chat its own window and its own pause, and lets everything else through.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import math
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]

_COUNTED_PREFIXES = ("send", "edit", "copyMessage", "forwardMessage")
# Not a message: Telegram doesn't count it, and "typing…" must not queue behind a chat's sends.
_NOT_COUNTED = frozenset({"sendChatAction"})
# Requests that post several messages at once use up one place in the window per message.
_BATCH_PARAMETER = {
    "sendMediaGroup": "media",
    "copyMessages": "message_ids",
    "forwardMessages": "message_ids",
}
# Past this many chats, idle ones are forgotten so the state doesn't grow with every chat ever seen.
_MAX_IDLE_CHATS = 1000


@dataclass(frozen=True)
class RateLimitArgs:
    """Per request: ``bot.edit_message_text(..., rate_limit_args=RateLimitArgs(retry=False))``.

    ``retry=False`` is for requests that are redrawn from the latest state later anyway (live
    cards): after a 429 a retry would only send a stale state and spend the chat's budget.
    """

    retry: bool = True


def retry_after_seconds(exc: RetryAfter) -> float:
    """``exc.retry_after`` in seconds, as a timedelta (PTB_TIMEDELTA=true) or an int."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class _Window:
    """Requests of one sliding window: answered ones by answer time, plus those in flight.

    Telegram stamps a request when it arrives, somewhere between our sending it and reading the
    answer; stamping it at the answer is the only choice that never lets the next one in early.
    """

    def __init__(self, limit: int | None, length: float) -> None:
        self.limit = limit
        self.length = length
        self.answered: deque[float] = deque()
        self.in_flight = 0

    def wait(self, weight: int, now: float) -> float:
        """Seconds until ``weight`` more fit; ``math.inf``: not before a request in flight ends."""
        self._expire(now)
        used = len(self.answered) + self.in_flight
        if self.limit is None or used == 0 or used + weight <= self.limit:
            return 0.0
        must_expire = used + min(weight, self.limit) - self.limit
        if must_expire > len(self.answered):
            return math.inf
        return self.answered[must_expire - 1] + self.length - now

    def idle(self, now: float) -> bool:
        self._expire(now)
        return self.in_flight == 0 and not self.answered

    def _expire(self, now: float) -> None:
        while self.answered and self.answered[0] <= now - self.length:
            self.answered.popleft()


@dataclass
class _Chat:
    window: _Window
    # asyncio.Lock wakes its waiters in order: requests to one chat go out first come, first served
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    paused_until: float = 0.0


class TelegramRateLimiter(BaseRateLimiter[RateLimitArgs]):
    """Keeps sends and edits within Telegram's flood limits; see the module docstring.

    A 429 pauses only its chat; the request is retried up to ``max_retries`` times unless its
    ``RateLimitArgs.retry`` is false. Defaults are Telegram's: 20 a minute per group, 3 in 3 s
    per private chat (a burst allowance, about one a second sustained), 30 a second overall.
    """

    def __init__(
        self,
        *,
        group_per_minute: int | None = 20,
        group_window: float = 60.0,
        private_burst: int | None = 3,
        private_window: float = 3.0,
        overall_per_second: int | None = 30,
        overall_window: float = 1.0,
        max_retries: int = 3,
        max_in_flight: int = 4,
    ) -> None:
        self._group = (group_per_minute, group_window)
        # HTTP requests in flight at once (getUpdates apart). httpcore's pool walks its whole
        # queue of waiting requests on every event: a burst of a thousand button answers queued
        # there cost most of the event loop (bench/README.md); waiting here costs nothing.
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._private = (private_burst, private_window)
        self._max_retries = max_retries
        self._overall = _Window(overall_per_second, overall_window)
        # the overall window is shared: chats take their turns in order, none can starve
        self._overall_lock = asyncio.Lock()
        self._chats: dict[int | str | None, _Chat] = {}
        self._answer = asyncio.Event()  # set (and replaced) whenever a request in flight ends

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: RateLimitArgs | None,
    ) -> ApiResult:
        """Wait until the request fits its chat's and the overall window, then send it."""
        if endpoint == "getUpdates":  # the long poll: it holds no slot
            return await callback(*args, **kwargs)
        if endpoint in _NOT_COUNTED or not endpoint.startswith(_COUNTED_PREFIXES):
            async with self._in_flight:
                return await callback(*args, **kwargs)
        chat_id = _chat_key(data.get("chat_id"))
        chat = self._chat(chat_id)
        batch = data.get(_BATCH_PARAMETER.get(endpoint, ""))
        weight = max(1, len(batch)) if isinstance(batch, list | tuple) else 1
        retry = rate_limit_args.retry if rate_limit_args is not None else True
        attempt = 0
        while True:
            await self._acquire(chat, weight)
            try:
                async with self._in_flight:
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                delay = retry_after_seconds(exc)
                loop = asyncio.get_running_loop()
                chat.paused_until = max(chat.paused_until, loop.time() + delay)
                attempt += 1
                if not retry or attempt > self._max_retries:
                    log.info(
                        "429 on %s to chat %s: chat paused %.1f s, giving up after %d retries",
                        endpoint,
                        chat_id,
                        delay,
                        attempt - 1,
                    )
                    raise
                log.info(
                    "429 on %s to chat %s: chat paused %.1f s, then retry %d of %d",
                    endpoint,
                    chat_id,
                    delay,
                    attempt,
                    self._max_retries,
                )
            finally:
                self._release(chat, weight)

    def _chat(self, chat_id: int | str | None) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            if len(self._chats) >= _MAX_IDLE_CHATS:
                self._forget_idle_chats()
            if chat_id is None:  # inline messages: only the overall limit applies
                limit, length = None, 0.0
            elif isinstance(chat_id, str) or chat_id < 0:
                limit, length = self._group
            else:
                limit, length = self._private
            chat = self._chats[chat_id] = _Chat(_Window(limit, length))
        return chat

    def _forget_idle_chats(self) -> None:
        now = asyncio.get_running_loop().time()
        for chat_id, chat in list(self._chats.items()):
            if not chat.lock.locked() and chat.paused_until <= now and chat.window.idle(now):
                del self._chats[chat_id]

    async def _acquire(self, chat: _Chat, weight: int) -> None:
        loop = asyncio.get_running_loop()
        async with chat.lock:
            while True:
                now = loop.time()
                wait = max(chat.paused_until - now, chat.window.wait(weight, now))
                if wait > 0:
                    await self._sleep(wait)
                    continue
                async with self._overall_lock:
                    while (wait := self._overall.wait(weight, loop.time())) > 0:
                        await self._sleep(wait)
                    now = loop.time()
                    if chat.paused_until > now or chat.window.wait(weight, now) > 0:
                        continue  # a 429 paused the chat while we waited for the overall window
                    chat.window.in_flight += weight
                    self._overall.in_flight += weight
                    return

    def _release(self, chat: _Chat, weight: int) -> None:
        now = asyncio.get_running_loop().time()
        for window in (chat.window, self._overall):
            window.in_flight -= weight
            window.answered.extend([now] * weight)
        self._answer.set()
        self._answer = asyncio.Event()

    async def _sleep(self, seconds: float) -> None:
        if math.isinf(seconds):
            await self._answer.wait()
        else:
            await asyncio.sleep(seconds)


def _chat_key(chat_id: object) -> int | str | None:
    """Chat ids as ints ("-100…" too, so both spellings share a window); @usernames stay str."""
    if isinstance(chat_id, str):
        try:
            return int(chat_id)
        except ValueError:
            return chat_id
    return chat_id if isinstance(chat_id, int) else None
