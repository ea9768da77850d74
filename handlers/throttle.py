"""Per-user throttling of button presses and messages, decided before any handler runs.

`Throttle.admit(user_id, kind)` says what to do with one update of a user:
- `PASS`: within the limit, go on;
- `WARN`: over the limit, the first time in this throttled spell: answer one "slow down"
  (`common.slow_down`) and do nothing else;
- `DROP`: over the limit again in the same spell: ignore silently.

A user is over the limit when the attempts of that kind in the last window (1 s for presses,
60 s for messages) already number the limit; every attempt counts, the dropped ones too. So the
spell lasts as long as the user keeps going faster than the limit, and ends with the first
attempt once their rate is back under it. A user pressing 50 times a second gets one WARN and
then only DROPs until they slow down, so one "slow down" is sent per spell, never one a second.
Users are counted apart: nobody else is slowed.

Memory: per user and kind at most `limit` timestamps (a ring), and users whose last attempt
is older than the window are forgotten (swept at most once a window, so `admit` stays O(1)
amortized). Not thread-safe: it is called from the one event loop.

Why not the `limits` package (the moving window of `limits.storage.MemoryStorage`), although
generic rate limiting should come from a library: it does not fit here, for four reasons.
1. Its moving window records only admitted hits (`acquire_entry` appends on success), so a user
   hammering continuously is let through again whenever a slot frees, and every such pass would
   end the spell and earn another WARN: a "slow down" every second instead of one per spell. The
   spell needs every attempt counted, which its strategies do not offer.
2. `MemoryStorage` reads the wall clock (`time.time()`) itself and takes no clock: it jumps with
   clock changes, and tests could not drive it deterministically.
3. It expires entries from a `threading.Timer` it starts anew every 10 ms while hits arrive: a
   stream of threads beside the event loop on a small machine.
4. It keeps a key for every user ever seen (its expiry leaves an empty list behind), so memory
   grows with the users instead of staying bounded.
What is left is one ring of timestamps per user and kind, about as long as the adapter would
have been.
"""

from __future__ import annotations

import enum
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["press", "message"]


class Verdict(enum.Enum):
    PASS = enum.auto()  # go on
    WARN = enum.auto()  # answer one "slow down", nothing else
    DROP = enum.auto()  # ignore silently


@dataclass(slots=True)
class _Window:
    """The latest attempts of one user of one kind (at most `limit` of them) and whether the
    user was already warned in the current spell."""

    limit: int
    attempts: deque[float] = field(init=False)
    warned: bool = False

    def __post_init__(self) -> None:
        self.attempts = deque(maxlen=self.limit)

    def admit(self, now: float, seconds: float) -> Verdict:
        over = len(self.attempts) == self.limit and self.attempts[0] > now - seconds
        self.attempts.append(now)
        if not over:
            self.warned = False
            return Verdict.PASS
        if self.warned:
            return Verdict.DROP
        self.warned = True
        return Verdict.WARN


class _Limit:
    """One limit (so many attempts per window) over all users."""

    def __init__(self, limit: int, seconds: float) -> None:
        if limit < 1:
            raise ValueError("a limit admits at least one attempt")
        self.limit = limit
        self.seconds = seconds
        self.users: dict[int, _Window] = {}
        self._swept_at: float | None = None

    def admit(self, user_id: int, now: float) -> Verdict:
        self._sweep(now)
        window = self.users.get(user_id)
        if window is None:
            window = self.users[user_id] = _Window(self.limit)
        return window.admit(now, self.seconds)

    def _sweep(self, now: float) -> None:
        """Forget the users with no attempt in the last window: nothing of theirs counts."""
        if self._swept_at is not None and now - self._swept_at < self.seconds:
            return
        self._swept_at = now
        quiet = [u for u, w in self.users.items() if w.attempts[-1] <= now - self.seconds]
        for user_id in quiet:
            del self.users[user_id]


class Throttle:
    """Per-user limits: `presses_per_second` button presses in any second and
    `messages_per_minute` messages in any minute. `clock`: seconds, monotonic."""

    def __init__(
        self,
        *,
        presses_per_second: int = 10,
        messages_per_minute: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._limits: dict[Kind, _Limit] = {
            "press": _Limit(presses_per_second, 1.0),
            "message": _Limit(messages_per_minute, 60.0),
        }

    def admit(self, user_id: int, kind: Kind) -> Verdict:
        return self._limits[kind].admit(user_id, self._clock())

    def tracked(self) -> int:
        """How many (user, kind) pairs are remembered now (for tests and logs)."""
        return sum(len(limit.users) for limit in self._limits.values())
