"""The outbox sender: delivers what the use cases wrote into the outbox (`bot/outbox.py`) after
their commit, in the background, until it went out.

- **Lanes.** Entries of one lane (a community's group, its staff, one person) go out one after
  another, in the order they were written; each lane runs in its own task, so one chat waiting
  for its flood window (the rate limiter waits per chat) or backing off never holds up another.
- **Retries.** 429: tried again after `retry_after` (not counted as an attempt). Timeouts,
  network errors and Telegram's 5xx: again with a growing backoff, up to `transient_attempts`.
  A group that became a supergroup is followed by the deliverers (`handlers.common.in_chat`
  updates the stored ids) and, if it moved again, tried at once. Forbidden (blocked, kicked),
  chat not found and other errors that persist: up to `max_attempts`, then given up on (logged
  and marked failed), and the lane goes on with its next entry.
- **Wake-ups.** `wake()` right after a commit that added entries starts their delivery at once;
  otherwise the sender sleeps until the next entry falls due. `start()` resends what a previous
  process left pending. Delivery is at least once: a stop (or a crash) after Telegram accepted a
  send but before the entry was marked done delivers it again, which is why deliverers draw from
  state and skip or edit what is already there."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.outbox import (
    EntryStatus,
    OutboxEntry,
    OutboxUnitOfWork,
    Tell,
    delivered,
    give_up,
    pending_heads,
    retry_later,
)
from handlers.rate_limit import retry_after_seconds

log = logging.getLogger(__name__)

Deliver = Callable[[OutboxEntry], Awaitable[None]]
"""Does what the entry says, drawing from the database; raises if it did not go out."""

T = TypeVar("T")


class Undeliverable(Exception):
    """Raised by a deliverer whose recipient cannot be reached at all (a person who never
    started a chat with the bot, where no other way is wanted): given up on at once, marked
    failed, so that a later entry of the lane can tell whom it missed."""


# The longest the sender sleeps without looking (entries are also found when woken).
MAX_SLEEP = 30.0
# At a stop, a delivery under way gets this long to finish before it is cut short.
STOP_GRACE = 2.0


@dataclass(frozen=True, slots=True)
class Counts:
    """What start-up found left by the previous process."""

    pending: int
    lanes: int


class OutboxSender:
    def __init__(
        self,
        uow: Callable[[], OutboxUnitOfWork],
        deliveries: Mapping[Tell, Deliver],
        *,
        now: Callable[[], datetime],
        max_attempts: int = 5,
        transient_attempts: int = 60,
        backoff: float = 2.0,
        max_backoff: float = 300.0,
        max_lanes: int = 64,
    ) -> None:
        self._uow = uow
        self._deliveries = deliveries
        self._now = now
        self._max_attempts = max_attempts
        self._transient_attempts = transient_attempts
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._max_lanes = max_lanes
        self._lanes: dict[str, asyncio.Task[None]] = {}
        self._woken = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._stopping = False

    def wake(self) -> None:
        """Entries were committed: deliver them now rather than at the next look."""
        self._woken.set()

    async def start(self) -> Counts:
        """Start delivering in the background, first what a previous process left pending."""

        async def look(uow: OutboxUnitOfWork) -> tuple[int, int]:
            heads = await pending_heads(uow, now=self._now())
            return await uow.outbox.count(EntryStatus.PENDING), len(heads)

        pending, lanes = await self._db(look)
        self._stopping = False
        if self._runner is None:
            self._runner = asyncio.create_task(self._run(), name="outbox")
        return Counts(pending, lanes)

    async def stop(self, *, drain: float = 0.0) -> int:
        """Stop delivering; with `drain`, first deliver what is due for at most that long.
        What is left stays pending for the next start. Returns how many entries are left."""
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.cancel()
            await asyncio.wait([runner])
        if drain > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.settle(), drain)
        self._stopping = True  # lanes stop between entries
        lanes = list(self._lanes.values())
        if lanes:
            await asyncio.wait(lanes, timeout=STOP_GRACE)
        for task in lanes:
            task.cancel()
        if lanes:
            await asyncio.wait(lanes)
        return await self._db(lambda uow: uow.outbox.count(EntryStatus.PENDING))

    async def _db(self, op: Callable[[OutboxUnitOfWork], Awaitable[T]]) -> T:
        """The sender's own reads and bookkeeping, each in its own task: a stop that cancels
        the sender never cuts a transaction short."""

        async def run() -> T:
            async with self._uow() as uow:
                return await op(uow)

        return await asyncio.shield(asyncio.ensure_future(run()))

    async def settle(self) -> None:
        """Deliver everything due now, and return once every lane is done or waiting."""
        while True:
            await self._start_due_lanes()
            running = list(self._lanes.values())
            if not running:
                return
            await asyncio.wait(running)

    async def _run(self) -> None:
        while True:
            self._woken.clear()
            try:
                wait = await self._start_due_lanes()
            except Exception:
                log.exception("outbox: looking for due entries failed")
                wait = MAX_SLEEP
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), min(wait, MAX_SLEEP))

    async def _start_due_lanes(self) -> float:
        """Start a task for every lane whose next entry is due; seconds until the next one."""
        heads = await self._db(lambda uow: uow.outbox.lane_heads())
        now = self._now()
        if self._stopping:
            return MAX_SLEEP
        wait = MAX_SLEEP
        for entry in heads:
            lane = entry.intent.lane
            if lane in self._lanes:
                continue
            if entry.due_at > now:
                wait = min(wait, (entry.due_at - now).total_seconds())
            elif len(self._lanes) < self._max_lanes:
                self._spawn(lane)
        return max(wait, 0.05)

    def _spawn(self, lane: str) -> None:
        task = asyncio.create_task(self._lane(lane), name=f"outbox-{lane}")
        self._lanes[lane] = task

        def done(_: asyncio.Task[None]) -> None:
            if self._lanes.get(lane) is task:
                del self._lanes[lane]
            self.wake()  # a later entry of the lane may be due, or another lane may start

        task.add_done_callback(done)

    async def _lane(self, lane: str) -> None:
        while not self._stopping:
            entry = await self._db(lambda uow: uow.outbox.head(lane))
            if entry is None or entry.due_at > self._now():
                return
            try:
                if not await self._deliver(entry):
                    return  # waiting: the lane keeps its order
            except asyncio.CancelledError:
                raise
            except Exception:  # the bookkeeping itself failed: look again later
                log.exception("outbox: entry %s of %s could not be recorded", entry.id, lane)
                return

    async def _deliver(self, entry: OutboxEntry) -> bool:
        """Try once; True if the lane may go on (delivered or given up), False if it waits."""
        intent = entry.intent
        deliver = self._deliveries.get(intent.kind)
        try:
            if deliver is None:
                raise LookupError(f"nothing delivers {intent.kind}")
            await deliver(entry)
        except RetryAfter as exc:
            delay = retry_after_seconds(exc)
            log.info("outbox: %s %s waits %.0f s (flood limit)", intent.kind, intent.subject, delay)
            return await self._later(entry, delay, counted=False, error=str(exc))
        except Undeliverable as exc:
            log.info("outbox: %s %s to %s: %s", intent.kind, intent.subject, intent.lane, exc)
            missed = _error(exc)
            await self._db(lambda uow: give_up(uow, entry.id, now=self._now(), error=missed))
            return True
        except ChatMigrated as exc:  # moved again after in_chat followed it once: at once
            if entry.attempts + 1 >= self._max_attempts:
                return await self._give_up(entry, exc)
            return await self._later(entry, 0.0, counted=True, error=str(exc))
        except (Forbidden, BadRequest) as exc:
            return await self._persistent(entry, exc)
        except NetworkError as exc:  # timeouts, connection errors, Telegram's 5xx
            if entry.attempts + 1 >= self._transient_attempts:
                return await self._give_up(entry, exc)
            return await self._later(entry, self._delay(entry), counted=True, error=str(exc))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("outbox: delivering %s %s failed", intent.kind, intent.subject)
            return await self._persistent(entry, exc)
        await self._db(lambda uow: delivered(uow, entry.id, now=self._now()))
        return True

    async def _persistent(self, entry: OutboxEntry, exc: Exception) -> bool:
        if entry.attempts + 1 >= self._max_attempts:
            return await self._give_up(entry, exc)
        return await self._later(entry, self._delay(entry), counted=True, error=_error(exc))

    def _delay(self, entry: OutboxEntry) -> float:
        return float(min(self._max_backoff, self._backoff * 2**entry.attempts))

    async def _later(self, entry: OutboxEntry, delay: float, *, counted: bool, error: str) -> bool:
        due_at = self._now() + timedelta(seconds=delay)
        await self._db(
            lambda uow: retry_later(uow, entry, due_at=due_at, counted=counted, error=error)
        )
        return delay <= 0  # at once: the lane goes on with it now

    async def _give_up(self, entry: OutboxEntry, exc: Exception) -> bool:
        intent = entry.intent
        log.warning(
            "outbox: gave up on %s %s to %s after %d tries: %s",
            intent.kind,
            intent.subject,
            intent.lane,
            entry.attempts + 1,
            _error(exc),
        )
        await self._db(lambda uow: give_up(uow, entry.id, now=self._now(), error=_error(exc)))
        return True


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"
