"""Cards that show live counts (vote tallies), redrawn at a pace Telegram allows.

Telegram allows about 20 sends and edits a minute per group, so a card can't be edited on every
button press. A press only marks its card dirty (``touch``); a background task redraws dirty
cards from their latest state, so a card shows the newest count rather than every count in
between. Each card waits ``card_interval`` after its previous edit, and edits in one chat are
``chat_interval`` apart, the card that has waited longest going first.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import ExtBot

from handlers.rate_limit import RateLimitArgs, TelegramRateLimiter, retry_after_seconds

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Card:
    """What a card's message should show now."""

    chat_id: int
    message_id: int
    text: str
    reply_markup: InlineKeyboardMarkup | None
    caption: bool = False  # a photo's or document's caption (a notice with a file)


Render = Callable[[int], Awaitable[Card | None]]
"""A key (e.g. a vote id) -> its card's latest state; None: the card is no longer live."""


class LiveCards:
    """Coalesces the touches of live cards into few edits; see the module docstring."""

    def __init__(
        self,
        bot: Bot,
        render: Render,
        *,
        card_interval: float = 5.0,
        chat_interval: float = 4.0,
        tick: float = 0.5,
    ) -> None:
        self._bot = bot
        self._render = render
        self._card_interval = card_interval
        self._chat_interval = chat_interval
        self._tick = tick
        # After a 429 the card is redrawn from the latest state anyway; a retry would be stale.
        # Only our limiter understands RateLimitArgs (plain Bot and AIORateLimiter reject it).
        limited = isinstance(bot, ExtBot) and isinstance(bot.rate_limiter, TelegramRateLimiter)
        self._rate_limit_args = RateLimitArgs(retry=False) if limited else None
        self._dirty: dict[int, float] = {}  # key -> since when
        self._chat_of: dict[int, int] = {}  # key -> chat, learnt from its last render
        self._card_next: dict[int, float] = {}  # key -> earliest next edit
        self._chat_next: dict[int, float] = {}  # chat -> earliest next edit
        self._editing: Counter[int] = Counter()  # chat -> edits in flight
        self._drawing: dict[int, asyncio.Task[None]] = {}  # key -> its draw in progress
        self._runner: asyncio.Task[None] | None = None

    @property
    def pending(self) -> frozenset[int]:
        """Keys whose cards still have to be redrawn."""
        return frozenset(self._dirty)

    def touch(self, key: int) -> None:
        """The card's state changed: redraw it when its turn comes."""
        self._dirty.setdefault(key, time.monotonic())

    async def start(self) -> None:
        """Start the background task that redraws dirty cards."""
        if self._runner is None:
            self._runner = asyncio.create_task(self._run(), name="live-cards")

    async def stop(self, *, drain: float = 0.0) -> int:
        """Stop redrawing; cards cut short stay pending. With `drain`, the pending cards are
        first drawn for at most that many seconds (at a clean shutdown): one after another in
        each chat, whatever the intervals, the rate limiter keeping to Telegram's limits.
        Returns how many cards are left pending."""
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.cancel()
            await asyncio.wait([runner])
        if drain > 0 and self._dirty:
            drainer = asyncio.create_task(self._drain(), name="live-cards-drain")
            await asyncio.wait([drainer], timeout=drain)
            drainer.cancel()
            await asyncio.wait([drainer])
        tasks = list(self._drawing.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        return len(self._dirty)

    async def draw_now(self, key: int) -> None:
        """Redraw at once, whatever the intervals (a closed vote's result must not wait)."""
        while (running := self._drawing.get(key)) is not None:
            await asyncio.wait([running])  # its older state must not land after ours
        await asyncio.wait([self._spawn(key, force=True)])

    async def _drain(self) -> None:
        """Draw every pending card now: the chats side by side, each chat's cards in turn (the
        cards whose chat is not known yet count as one chat)."""
        by_chat: dict[int | None, list[int]] = {}
        for key in sorted(self._dirty, key=self._dirty.__getitem__):
            by_chat.setdefault(self._chat_of.get(key), []).append(key)

        async def in_turn(keys: list[int]) -> None:
            for key in keys:
                if key in self._dirty:
                    await self.draw_now(key)

        await asyncio.gather(*(in_turn(keys) for keys in by_chat.values()))

    async def _run(self) -> None:
        while True:
            try:
                self._start_due_draws(time.monotonic())
            except Exception:
                log.exception("live cards: scheduling failed")
            await asyncio.sleep(self._tick)

    def _start_due_draws(self, now: float) -> None:
        self._forget_past(now)
        taken = {self._chat_of.get(key) for key in self._drawing}  # one draw per chat at a time
        for key in sorted(self._dirty, key=self._dirty.__getitem__):
            if key in self._drawing or self._card_next.get(key, 0.0) > now:
                continue
            chat = self._chat_of.get(key)
            if chat is not None:  # else its chat is learnt, and checked, when it is rendered
                if chat in taken or not self._chat_free(chat, now):
                    continue
                taken.add(chat)
            self._spawn(key, force=False)

    def _spawn(self, key: int, *, force: bool) -> asyncio.Task[None]:
        task = asyncio.create_task(self._draw(key, force=force), name=f"live-card-{key}")
        self._drawing[key] = task

        def done(_: asyncio.Task[None]) -> None:
            if self._drawing.get(key) is task:
                del self._drawing[key]

        task.add_done_callback(done)
        return task

    async def _draw(self, key: int, *, force: bool) -> None:
        since = self._dirty.pop(key, None)
        if since is None and not force:
            return
        since = time.monotonic() if since is None else since
        try:
            await self._render_and_edit(key, since, force=force)
        except asyncio.CancelledError:
            self._mark_dirty(key, since)
            raise

    async def _render_and_edit(self, key: int, since: float, *, force: bool) -> None:
        try:
            card = await self._render(key)
        except Exception:
            log.exception("live card %s: rendering failed", key)
            self._mark_dirty(key, since)
            self._card_next[key] = time.monotonic() + self._card_interval
            return
        if card is None:
            self._forget(key)
            return
        chat = self._chat_of[key] = card.chat_id
        if not force and not self._chat_free(chat, time.monotonic()):
            self._mark_dirty(key, since)  # another card of the chat went first
            return
        chat_wait, card_wait = self._chat_interval, self._card_interval
        self._editing[chat] += 1
        try:
            await self._edit(card)
        except RetryAfter as exc:
            chat_wait = card_wait = retry_after_seconds(exc)
            log.info("live card %s: flood limit, chat %s waits %.1f s", key, chat, chat_wait)
            self._mark_dirty(key, since)
        except (BadRequest, Forbidden) as exc:
            if "message is not modified" not in exc.message.lower():
                log.warning("live card %s dropped: %s", key, exc.message)
                self._forget(key)
        except Exception:
            log.exception("live card %s: editing failed", key)
            self._mark_dirty(key, since)
        finally:
            self._editing[chat] -= 1
            if not self._editing[chat]:
                del self._editing[chat]
        now = time.monotonic()
        self._chat_next[chat] = max(self._chat_next.get(chat, 0.0), now + chat_wait)
        if key in self._chat_of:  # not forgotten
            self._card_next[key] = now + card_wait

    async def _edit(self, card: Card) -> None:
        if card.caption:
            await self._bot.edit_message_caption(
                chat_id=card.chat_id,
                message_id=card.message_id,
                caption=card.text,
                reply_markup=card.reply_markup,
            )
            return
        if self._rate_limit_args is not None and isinstance(self._bot, ExtBot):
            await self._bot.edit_message_text(
                card.text,
                chat_id=card.chat_id,
                message_id=card.message_id,
                reply_markup=card.reply_markup,
                rate_limit_args=self._rate_limit_args,
            )
        else:
            await self._bot.edit_message_text(
                card.text,
                chat_id=card.chat_id,
                message_id=card.message_id,
                reply_markup=card.reply_markup,
            )

    def _chat_free(self, chat: int, now: float) -> bool:
        return not self._editing[chat] and self._chat_next.get(chat, 0.0) <= now

    def _mark_dirty(self, key: int, since: float) -> None:
        """Dirty again, keeping its place in the queue (a touch meanwhile came later)."""
        self._dirty[key] = min(since, self._dirty.get(key, since))

    def _forget(self, key: int) -> None:
        for state in (self._dirty, self._chat_of, self._card_next):
            state.pop(key, None)

    def _forget_past(self, now: float) -> None:
        """Keep only what still matters, so the state doesn't grow with every card ever drawn."""
        for key, ready in list(self._card_next.items()):
            if ready <= now and key not in self._dirty and key not in self._drawing:
                del self._card_next[key]
                self._chat_of.pop(key, None)
        for chat, ready in list(self._chat_next.items()):
            if ready <= now:
                del self._chat_next[chat]
