"""Thread-safe inspection of what the bot did, and waiting until it did something."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import TypeVar

from .models import ApiCall, BotMessage, Button, CallbackAnswer, ChatRef, FakeStats, FakeUser
from .state import StoredMessage
from .world import World

T = TypeVar("T")


def bot_message_view(msg: StoredMessage) -> BotMessage:
    """Immutable snapshot of a stored bot message."""
    rows = (msg.reply_markup or {}).get("inline_keyboard", [])
    return BotMessage(
        chat_id=msg.chat.id,
        message_id=msg.message_id,
        date=msg.date,
        text=msg.text,
        caption=msg.caption,
        parse_mode=msg.parse_mode,
        reply_markup=[
            [Button(b["text"], b.get("callback_data", b.get("url"))) for b in r] for r in rows
        ],
        raw_reply_markup=copy.deepcopy(msg.reply_markup or msg.other_markup),
        document=msg.document,
        photo=msg.photo,
        pinned=msg.pinned,
        edit_count=msg.edit_count,
        reply_to_message_id=msg.reply_to.message_id if msg.reply_to else None,
        link_preview_options=copy.deepcopy(msg.link_preview_options),
        deleted=msg.deleted,
        media_group_id=msg.media_group_id,
    )


def _describe(messages: list[BotMessage]) -> str:
    if not messages:
        return "  (no bot messages)"
    lines = []
    for m in messages:
        flags = " (deleted)" if m.deleted else ""
        buttons = f" buttons={[b.text for b in m.buttons]}" if m.buttons else ""
        lines.append(f"  #{m.message_id}{flags}: {m.content[:200]!r}{buttons}")
    return "\n".join(lines)


class Inspection:
    """Read-only views (copies) of the world and blocking waits for tests."""

    _world: World

    def bot_messages(self, chat: ChatRef, *, include_deleted: bool = False) -> list[BotMessage]:
        """Messages the bot sent in ``chat``, oldest first, in their current state."""
        with self._world.lock:
            state = self._world.chat_of(chat)
            return [
                bot_message_view(m)
                for m in state.messages.values()
                if m.sender.id == self._world.bot.id
                and not m.service
                and (include_deleted or not m.deleted)
            ]

    def mark(self, chat: ChatRef) -> int:
        """Id of the newest message in ``chat`` (0 if none), for ``after=``."""
        with self._world.lock:
            return max(self._world.chat_of(chat).messages, default=0)

    def wait_for_message(
        self,
        chat: ChatRef,
        *,
        contains: str | None = None,
        predicate: Callable[[BotMessage], bool] | None = None,
        after: int | None = None,
        timeout: float = 10.0,
    ) -> BotMessage:
        """First bot message (newer than ``after``, deleted ones included) that matches."""

        def candidates() -> list[BotMessage]:
            return [
                m
                for m in self.bot_messages(chat, include_deleted=True)
                if after is None or m.message_id > after
            ]

        def find() -> BotMessage | None:
            for m in candidates():
                if (contains is None or contains in m.content) and (
                    predicate is None or predicate(m)
                ):
                    return m
            return None

        wanted = f"contains={contains!r}" if contains is not None else "predicate"
        return self.wait_for(
            find,
            timeout,
            describe=lambda: (
                f"no bot message ({wanted}, after={after}) in chat; seen:\n"
                + _describe(candidates())
            ),
        )

    def callback_answer(self, callback_query_id: str) -> CallbackAnswer | None:
        """The bot's answer to a callback query, if it answered yet."""
        with self._world.lock:
            query = self._world.callbacks.get(callback_query_id)
            if query is None:
                raise ValueError(f"unknown callback query {callback_query_id!r}")
            return query.answer

    def wait_for_callback_answer(
        self, callback_query_id: str, timeout: float = 10.0
    ) -> CallbackAnswer:
        """Block until the bot answered the callback query."""

        def describe() -> str:
            with self._world.lock:
                query = self._world.callbacks[callback_query_id]
                if query.late_answer_at is None:
                    return f"callback query {callback_query_id} was not answered"
                late = query.late_answer_at - query.pressed_at
                return (
                    f"callback query {callback_query_id} was answered too late: {late:.1f}s "
                    f"after the press (the limit is {self._world.callback_timeout}s)"
                )

        return self.wait_for(
            lambda: self.callback_answer(callback_query_id), timeout, describe=describe
        )

    def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 10.0,
        *,
        describe: Callable[[], str] | None = None,
    ) -> T:
        """Re-evaluate ``predicate`` on every change until it returns neither None nor False."""
        deadline = time.monotonic() + timeout
        with self._world.changed:
            while True:
                result = predicate()
                if result is not None and result is not False:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    detail = describe() if describe else "condition not met"
                    raise AssertionError(f"timed out after {timeout}s: {detail}")
                self._world.changed.wait(min(remaining, 0.05))

    def wait_until_idle(self, timeout: float = 10.0, *, quiet: float = 0.3) -> None:
        """Block until every update is confirmed and no request ran for ``quiet`` seconds."""
        world = self._world

        def idle() -> bool:
            return (
                not world.updates
                and world.in_flight == 0
                and time.monotonic() - world.last_activity >= quiet
            )

        self.wait_for(
            idle,
            timeout,
            describe=lambda: (
                f"{len(world.updates)} updates pending, {world.in_flight} requests in flight"
            ),
        )

    def pending_update_count(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        with self._world.lock:
            return len(self._world.updates)

    @property
    def stats(self) -> FakeStats:
        """Copy of the counters."""
        with self._world.lock:
            return self._world.stats.copy()

    def reset_stats(self) -> None:
        """Zero all counters and forget the call log."""
        with self._world.lock:
            self._world.stats = FakeStats()
            self._world.calls.clear()

    @property
    def commands(self) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """setMyCommands storage: (scope key, language_code or "") -> [(command, description)]."""
        with self._world.lock:
            return {key: list(value) for key, value in self._world.commands.items()}

    def answer_latencies(self) -> list[float]:
        """Seconds from each press to its answer, for the callback queries answered so far."""
        with self._world.lock:
            return [
                q.answered_at - q.pressed_at
                for q in self._world.callbacks.values()
                if q.answered_at is not None
            ]

    def answer_times(self) -> list[tuple[float, float]]:
        """(pressed_at, answered_at) in time.monotonic() of each callback query answered so far."""
        with self._world.lock:
            return [
                (q.pressed_at, q.answered_at)
                for q in self._world.callbacks.values()
                if q.answered_at is not None
            ]

    def unanswered_callbacks(self) -> int:
        with self._world.lock:
            return sum(1 for q in self._world.callbacks.values() if q.answered_at is None)

    def api_calls(self, method: str | None = None) -> list[ApiCall]:
        """Requests received (except getUpdates), optionally only one method."""
        with self._world.lock:
            return [c for c in self._world.calls if method is None or c.method == method]

    def member_status(self, chat: ChatRef, user: FakeUser) -> str:
        """A user's (or the bot's) status in a group."""
        with self._world.lock:
            return self._world.chat_of(chat).status_of(user.id)
