"""Telegram-like flood limits: sliding windows per group, per private chat and overall."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FloodLimits:
    """Maximum sends+edits per sliding window; ``None`` disables a limit."""

    group_per_minute: int | None = 20
    group_window: float = 60.0
    private_burst: int | None = 3
    private_window: float = 3.0
    overall_per_second: int | None = 30
    overall_window: float = 1.0

    @classmethod
    def unlimited(cls) -> FloodLimits:
        """No flood limits at all."""
        return cls(group_per_minute=None, private_burst=None, overall_per_second=None)


class _Window:
    """Timestamps of accepted requests inside one sliding window."""

    def __init__(self) -> None:
        self.hits: deque[float] = deque()

    def wait_time(self, limit: int | None, length: float, now: float, count: int = 1) -> float:
        """Seconds until ``count`` more messages fit (0 if they fit now).

        More messages than the whole window holds (an album of 5 in a private chat) fit once
        the window is empty, as Telegram lets an album through a quiet chat.
        """
        while self.hits and self.hits[0] <= now - length:
            self.hits.popleft()
        if limit is None or len(self.hits) + count <= limit or not self.hits:
            return 0.0
        must_expire = len(self.hits) + min(count, limit) - limit
        return self.hits[must_expire - 1] + length - now


class FloodGate:
    """Decides whether a send/edit to a chat is allowed now and records it."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._overall = _Window()
        self._chats: dict[int, _Window] = {}

    def try_acquire(self, chat_id: int, *, private: bool, count: int = 1) -> int | None:
        """Record ``count`` messages and return None, or return retry_after (s) recording none."""
        now = self._clock()
        lim = self.limits
        chat = self._chats.setdefault(chat_id, _Window())
        if private:
            chat_wait = chat.wait_time(lim.private_burst, lim.private_window, now, count)
        else:
            chat_wait = chat.wait_time(lim.group_per_minute, lim.group_window, now, count)
        overall = self._overall.wait_time(lim.overall_per_second, lim.overall_window, now, count)
        wait = max(chat_wait, overall)
        if wait > 0:
            return max(1, math.ceil(wait))
        chat.hits.extend([now] * count)
        self._overall.hits.extend([now] * count)
        return None
