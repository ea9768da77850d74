"""The path from `getUpdates` to the handlers (issue 9): nothing fetched is lost, nothing applied
twice, and one user's updates never wait for another's.

- `InboxBot.get_updates` stores each fetched batch in the inbox (`storage.inbox`), durably,
  before returning it, and asks Telegram for updates after the last one stored: a batch is
  confirmed to Telegram only once it is on disk. A SIGKILL at any instant loses nothing fetched;
  what was stored and not yet applied is replayed at the next start (`replay_inbox`).
- An update fetched again that the inbox holds is not handed to the handlers: if it was applied,
  a press is answered again with the answer it got the first time.
- `OrderedProcessor` runs the updates of different users (and chats) concurrently and each
  user's in the order Telegram sent them. While a handler runs, `storage.inbox.APPLYING` names
  its update, so the handler's commit marks it done in the same transaction as its effect.
- The per-user throttle is asked first: a flood gets one "slow down" and is then ignored.
- A press answered after Telegram's answer window (about 15 s: typically one replayed after a
  restart) cannot show its pop-up any more; `InboxBot.answer_callback_query` logs that and
  returns False instead of raising, so the handler goes on and no apology is tried.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from telegram import Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import BaseUpdateProcessor, ExtBot

from bot.config import Language
from bot.i18n import parse_language, t
from handlers.context import utc_now
from handlers.throttle import Throttle, Verdict
from storage.database import Database
from storage.inbox import APPLYING, Fetched, Known

log = logging.getLogger(__name__)

MAX_CONCURRENT = 256  # handlers running at once; queued ones wait without holding a slot
FLUSH_MARKS_EVERY = 0.5  # seconds: read-only updates are marked done at least this often
PRUNE_EVERY = 6 * 3600.0


def order_key(update: Update) -> int:
    """Whose updates must stay in order: the user's; for updates without one, the chat's."""
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return 0


class Pipeline:
    """What the bot and the processor share: the database's inbox, the throttle, the language
    to answer in when nothing better is known."""

    def __init__(self, database: Database, throttle: Throttle, default_language: Language) -> None:
        self.database = database
        self.throttle = throttle
        self.default_language = default_language
        self._flusher: asyncio.Task[None] | None = None

    async def receive(self, bot: ExtBot[Any], updates: Sequence[Update]) -> list[Update]:
        """Store a fetched batch durably; return the updates the handlers have not seen yet.
        Those fetched again are answered again (presses) or skipped."""
        fetched = [
            Fetched(
                u.update_id,
                u.callback_query.id if u.callback_query else None,
                json.dumps(u.to_dict(), ensure_ascii=False),
            )
            for u in updates
        ]
        # Marks not written yet count too; read them first: the commit below writes them.
        pending = {f.update_id: self.database.marks.pending(f.update_id) for f in fetched}
        async with self.database.unit_of_work() as uow:
            known = await uow.inbox.store(fetched, now=utc_now())
            await uow.commit()
        held = {k.update_id: _with_pending(k, *pending[k.update_id]) for k in known}
        await asyncio.gather(
            *(
                self.answer_again(bot, update, again)
                for update in updates
                if (again := held.get(update.update_id)) and again.done and again.callback_id
            )
        )
        if held:
            log.info("%d updates fetched again were already in the inbox: skipped", len(held))
        return [u for u in updates if u.update_id not in held]

    async def answer_again(self, bot: ExtBot[Any], update: Update, known: Known) -> None:
        """A press applied before (the answer may have been lost): the same answer again."""
        assert known.callback_id is not None
        if known.answer is None:  # applied, but the answer never went out
            text, alert = t(self.language_of(update), "common.already_applied"), False
        else:
            first = json.loads(known.answer)
            text, alert = first.get("text"), bool(first.get("show_alert"))
        with contextlib.suppress(TelegramError):  # most often: already answered, or too old
            await bot.answer_callback_query(known.callback_id, text=text, show_alert=alert)

    def language_of(self, update: Update) -> Language:
        user = update.effective_user
        return parse_language(user.language_code if user else None) or self.default_language

    async def apply(self, update: Update, coroutine: Awaitable[Any]) -> None:
        """Run the handlers of one update, unless the throttle says otherwise."""
        verdict = self._admit(update)
        if verdict is not Verdict.PASS:
            _discard(coroutine)
            if verdict is Verdict.WARN:
                await self._slow_down(update)
            self.database.marks.add(update.update_id)
            return
        token = APPLYING.set((update.update_id,))
        try:
            await coroutine
        finally:
            APPLYING.reset(token)
            self.database.marks.add(update.update_id)

    def answered(self, text: str | None, show_alert: bool | None) -> None:
        """A press of the update being applied was answered: kept to answer a redelivery."""
        applying = APPLYING.get()
        if len(applying) == 1:
            answer = {"text": text, "show_alert": bool(show_alert)}
            self.database.marks.add(applying[0], json.dumps(answer, ensure_ascii=False))

    def _admit(self, update: Update) -> Verdict:
        user = update.effective_user
        if user is None:
            return Verdict.PASS
        return self.throttle.admit(user.id, "press" if update.callback_query else "message")

    async def _slow_down(self, update: Update) -> None:
        text = t(self.language_of(update), "common.slow_down")
        with contextlib.suppress(TelegramError):
            if update.callback_query is not None:
                await update.callback_query.answer(text, show_alert=True)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(text)

    async def replay(self, queue: asyncio.Queue[object], bot: ExtBot[Any]) -> int:
        """Queue the stored updates not yet applied (a crash cut them short), oldest first."""
        async with self.database.unit_of_work() as uow:
            payloads = await uow.inbox.undone()
        for payload in payloads:
            update = Update.de_json(json.loads(payload), bot)
            if update is not None:
                await queue.put(update)
        return len(payloads)

    async def next_offset(self) -> int:
        async with self.database.unit_of_work() as uow:
            last = await uow.inbox.last_update_id()
        return 0 if last is None else last + 1

    def start(self) -> None:
        self._flusher = asyncio.get_running_loop().create_task(self._flush_forever())

    async def stop(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
            self._flusher = None
        await self.database.flush_marks()

    async def _flush_forever(self) -> None:
        since_prune = PRUNE_EVERY
        while True:
            await asyncio.sleep(FLUSH_MARKS_EVERY)
            try:
                await self.database.flush_marks()
                since_prune += FLUSH_MARKS_EVERY
                if since_prune >= PRUNE_EVERY:
                    since_prune = 0.0
                    async with self.database.unit_of_work() as uow:
                        pruned = await uow.inbox.prune(now=utc_now())
                        await uow.commit()
                    if pruned:
                        log.info("inbox: forgot %d updates applied long ago", pruned)
            except Exception:
                log.exception("inbox: writing the marks failed; trying again")


def too_late(error: BadRequest) -> bool:
    """Telegram's answer to a press answered after its window (or unknown to it)."""
    return "query is too old" in error.message.lower()


def _with_pending(known: Known, handled: bool, answer: str | None) -> Known:
    """Handled in this run, its mark not written yet: done, as far as redelivery goes."""
    if not handled:
        return known
    return Known(known.update_id, known.callback_id, True, known.answer or answer)


def _discard(coroutine: Awaitable[Any]) -> None:
    close: Callable[[], None] | None = getattr(coroutine, "close", None)
    if close is not None:
        close()


class InboxBot(ExtBot[Any]):
    """The bot, with `getUpdates` going through the inbox (see the module's docstring)."""

    _pipeline: Pipeline | None = None
    _stored_up_to: int = 0  # PTB freezes a bot's public attributes: these are private

    async def get_updates(
        self, offset: int | None = None, *args: Any, **kwargs: Any
    ) -> tuple[Update, ...]:
        pipeline = self._pipeline
        if pipeline is None:
            return await super().get_updates(offset, *args, **kwargs)
        # Everything up to _stored_up_to is on disk: confirming it to Telegram is safe.
        offset = max(offset or 0, self._stored_up_to)
        updates = await super().get_updates(offset, *args, **kwargs)
        if not updates:
            return updates
        fresh = await pipeline.receive(self, updates)
        self._stored_up_to = max(self._stored_up_to, updates[-1].update_id + 1)
        return tuple(fresh)

    async def answer_callback_query(
        self,
        callback_query_id: str,
        text: str | None = None,
        show_alert: bool | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        try:
            answered = await super().answer_callback_query(
                callback_query_id, text, show_alert, *args, **kwargs
            )
        except BadRequest as exc:
            if not too_late(exc):
                raise
            # Past Telegram's answer window (a press replayed after a restart, or a busy bot):
            # the pop-up can no longer be shown; what the press did stands, the handler goes on.
            log.info("press %s answered too late: %s", callback_query_id, exc)
            return False
        if self._pipeline is not None:
            self._pipeline.answered(text, show_alert)
        return answered

    def use(self, pipeline: Pipeline, *, next_offset: int = 0) -> None:
        """Go through `pipeline` from now on, asking for updates from `next_offset` on."""
        self._pipeline = pipeline
        self._stored_up_to = next_offset


class OrderedProcessor(BaseUpdateProcessor):
    """Concurrent across users and chats, in order within each (see the module's docstring).

    PTB's own bound (`max_concurrent_updates`) is set high, so that updates queued behind their
    user's earlier ones do not hold a slot; `MAX_CONCURRENT` bounds the handlers that run."""

    def __init__(self, pipeline: Callable[[], Pipeline | None]) -> None:
        super().__init__(max_concurrent_updates=1_000_000)
        self._pipeline = pipeline
        self._slots = asyncio.Semaphore(MAX_CONCURRENT)
        self._queues: dict[int, tuple[asyncio.Lock, list[int]]] = {}

    async def initialize(self) -> None:
        """Nothing to set up: the pipeline is made when the services start."""

    async def shutdown(self) -> None:
        """Nothing to tear down: PTB waits for the running updates itself."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        pipeline = self._pipeline()
        if not isinstance(update, Update) or pipeline is None:
            await coroutine
            return
        async with self._in_order(order_key(update)), self._slots:
            await pipeline.apply(update, coroutine)

    @contextlib.asynccontextmanager
    async def _in_order(self, key: int) -> AsyncIterator[None]:
        """A FIFO lock per key, forgotten when no update of that key is waiting."""
        lock, users = self._queues.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._queues[key]
