"""Interim: the per-user throttle's interface (the full one lands from the throttle branch)."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from typing import Literal


class Verdict(enum.Enum):
    PASS = "pass"  # noqa: S105 (not a password)
    WARN = "warn"
    DROP = "drop"


class Throttle:
    def __init__(
        self,
        *,
        presses_per_second: int = 10,
        messages_per_minute: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock

    def admit(self, user_id: int, kind: Literal["press", "message"]) -> Verdict:
        return Verdict.PASS
