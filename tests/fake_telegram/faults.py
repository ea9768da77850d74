"""Fault injection: a seeded share of the bot's calls answered the way a bad day at Telegram does.

Kinds (``FaultKind``), and what python-telegram-bot v22 raises for each:

- ``retry_after``: 429 with ``parameters.retry_after`` (``FaultPlan.retry_after`` s), not applied
  → ``telegram.error.RetryAfter``.
- ``internal_error``: 500 ``Internal Server Error`` (JSON), not applied → ``NetworkError``.
- ``bad_gateway``: 502 with nginx's HTML page (not JSON), not applied → ``NetworkError``
  ("Bad Gateway (502). Parsing the server response … failed").
- ``timeout``: the request is held ``FaultPlan.hang`` seconds, then the connection is dropped
  without an answer, not applied → ``NetworkError`` (``httpx.RemoteProtocolError``), or
  ``TimedOut`` when ``hang`` exceeds the client's read timeout (PTB's default: 5 s).
- ``lost_answer``: the call IS applied (the message is sent, the press answered, the offset
  confirmed), then held and dropped like ``timeout``: the client sees an error for something
  that happened, the case that makes blind retries duplicate.

Which calls: ``methods`` (canonical Bot API names) or, when ``None``, every method except
``getUpdates``. ``getUpdates`` is faulted only with ``get_updates=True``, and never with
``retry_after`` (Telegram does not flood-limit polling). It is left out by default because PTB's
updater sleeps 1 s, then 1.5 s, … after each failed poll, which slows every test down; a
``timeout`` or ``lost_answer`` there leaves the updates queued, so they are delivered again.
File downloads are never faulted.

The decisions are a pure function of the seed and the order of eligible calls: the n-th eligible
call of a run gets the same answer for the same seed, whatever the timing.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["retry_after", "internal_error", "bad_gateway", "timeout", "lost_answer"]
FAULT_KINDS: tuple[FaultKind, ...] = (
    "retry_after",
    "internal_error",
    "bad_gateway",
    "timeout",
    "lost_answer",
)
DEFAULT_FAULTS: tuple[FaultKind, ...] = ("retry_after", "internal_error", "bad_gateway", "timeout")
"""Faults that leave nothing applied (``lost_answer`` must be asked for)."""

APPLIED: frozenset[FaultKind] = frozenset({"lost_answer"})
DROPPED: frozenset[FaultKind] = frozenset({"timeout", "lost_answer"})
STATUS: dict[FaultKind, int] = {"retry_after": 429, "internal_error": 500, "bad_gateway": 502}

BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class FaultPlan:
    """Which share of which calls fail, how, and with which seed."""

    share: float = 0.1
    kinds: tuple[FaultKind, ...] = DEFAULT_FAULTS
    methods: frozenset[str] | None = None
    get_updates: bool = False
    seed: int = 0
    retry_after: int = 1
    hang: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0:
            raise ValueError(f"share must be within [0, 1], not {self.share}")
        if not self.kinds:
            raise ValueError("kinds must name at least one fault")
        unknown = [k for k in self.kinds if k not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kinds {unknown}; known: {FAULT_KINDS}")
        if self.retry_after < 1:
            raise ValueError("retry_after must be at least 1 s")
        if self.hang < 0:
            raise ValueError("hang must not be negative")

    @classmethod
    def of(
        cls,
        share: float = 0.1,
        kinds: Collection[FaultKind] = DEFAULT_FAULTS,
        *,
        methods: Collection[str] | None = None,
        get_updates: bool = False,
        seed: int = 0,
        retry_after: int = 1,
        hang: float = 0.0,
    ) -> FaultPlan:
        """A plan from loose arguments (any collections; kinds keep their given order)."""
        return cls(
            share=share,
            kinds=tuple(dict.fromkeys(kinds)),
            methods=None if methods is None else frozenset(methods),
            get_updates=get_updates,
            seed=seed,
            retry_after=retry_after,
            hang=hang,
        )


@dataclass
class FaultInjector:
    """Draws the fault (or none) for each call, in order, from the plan's seeded generator."""

    plan: FaultPlan
    _rng: random.Random = field(init=False, repr=False)
    _methods: frozenset[str] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.plan.seed)
        methods = self.plan.methods
        self._methods = None if methods is None else frozenset(m.lower() for m in methods)

    def draw(self, method: str) -> FaultKind | None:
        """The fault for this call of ``method`` (canonical name), or None to answer normally."""
        polling = method == "getUpdates"
        if polling and not self.plan.get_updates:
            return None
        if not polling and self._methods is not None and method.lower() not in self._methods:
            return None
        kinds = [k for k in self.plan.kinds if not (polling and k == "retry_after")]
        if not kinds:
            return None
        if self._rng.random() >= self.plan.share:
            return None
        return kinds[self._rng.randrange(len(kinds))]
