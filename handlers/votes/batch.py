"""Group commit for ballot presses (issue 9, "durable and fast"). When a building presses at
once, the presses waiting at the same moment are cast together by `cast_ballots`: one
transaction, one commit, and what they share (the vote, the chain's head, the households and the
frozen voters) read once. A press is answered only after that commit, as before; it waits at
most for the batch ahead of it, and a lone press is cast at once, alone.

Why: a use case's queries are trips between the event loop and aiosqlite's thread, made while
the connection's lock is held, and on a busy loop each trip waits its turn; a dozen per press
made the lock, not the disk, the limit of a burst (bench/README.md). Every press's update is
marked done in the batch's commit (`storage.inbox.APPLYING` holds all their ids), so a
redelivered press changes nothing, exactly as when cast alone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.communities.model import Community
from bot.errors import NotFound, UserError
from bot.ports import UnitOfWork
from bot.users.model import UserProfile
from bot.votes.ballots import BallotPress, CastResult, cast_ballots
from handlers.context import BotContext
from storage.inbox import APPLYING

log = logging.getLogger(__name__)

MAX_BATCH = 200  # presses cast in one transaction


Cast = tuple[Community, CastResult | UserError, UserProfile | None]


@dataclass(slots=True)
class _Waiting:
    chat_id: int | None  # the group the press came from (its community); None: in private
    vote_id: int
    press: BallotPress
    updates: tuple[int, ...]
    cast: asyncio.Future[Cast] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class BallotBatcher:
    def __init__(self, uow: Callable[[], UnitOfWork], now: Callable[[], datetime]) -> None:
        self._uow = uow
        self._now = now
        self._queue: asyncio.Queue[_Waiting] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    async def cast(
        self, chat_id: int | None, vote_id: int, press: BallotPress
    ) -> tuple[Community, CastResult, UserProfile | None]:
        """Cast one press made in the group `chat_id`, or in a private chat (None: the vote's
        own community), with the others waiting now: the community, the result and the
        presser's profile. A refusal is raised as the `UserError` it is."""
        waiting = _Waiting(chat_id, vote_id, press, APPLYING.get())
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._run(), name="ballots")
        self._queue.put_nowait(waiting)
        community, result, profile = await waiting.cast
        if isinstance(result, UserError):
            raise result
        return community, result, profile

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            groups: dict[tuple[int | None, int], list[_Waiting]] = {}
            for waiting in batch:
                groups.setdefault((waiting.chat_id, waiting.vote_id), []).append(waiting)
            for group in groups.values():
                await self._cast_group(group)

    async def _cast_group(self, group: list[_Waiting]) -> None:
        token = APPLYING.set(tuple(u for waiting in group for u in waiting.updates))
        try:
            async with self._uow() as uow:
                community = await _community(uow, group[0].chat_id, group[0].vote_id)
                if community is None:
                    raise NotFound("votes.not_found")
                results = await cast_ballots(
                    uow,
                    community=community,
                    vote_id=group[0].vote_id,
                    presses=[waiting.press for waiting in group],
                    now=self._now(),
                )
                profiles = await uow.users.get_many({w.press.user_id for w in group})
        except UserError as refusal:  # no community here: every press gets the refusal
            for waiting in group:
                if not waiting.cast.done():
                    waiting.cast.set_exception(refusal)
            return
        except Exception as exc:  # every press of the batch fails as one would alone
            log.exception("casting %d ballots of vote %s failed", len(group), group[0].vote_id)
            for waiting in group:
                if not waiting.cast.done():
                    waiting.cast.set_exception(exc)
            return
        finally:
            APPLYING.reset(token)
        for waiting, result in zip(group, results, strict=True):
            if not waiting.cast.done():  # its handler may have been cancelled meanwhile
                waiting.cast.set_result((community, result, profiles.get(waiting.press.user_id)))


async def _community(uow: UnitOfWork, chat_id: int | None, vote_id: int) -> Community | None:
    """The group's community; for a private press, the vote's (`cast_ballots` then checks
    that it was pressed in the presser's own chat)."""
    if chat_id is not None:
        return await uow.communities.by_chat(chat_id)
    vote = await uow.votes.get(vote_id)
    return await uow.communities.get(vote.community_id) if vote is not None else None


def ballot_batcher(context: BotContext) -> BallotBatcher:
    """The application's batcher, made on the first press."""
    batcher = context.bot_data.get("ballots")
    if not isinstance(batcher, BallotBatcher):
        services = context.services
        batcher = BallotBatcher(services.uow, lambda: services.now())
        context.bot_data["ballots"] = batcher
    return batcher


async def stop_ballots(bot_data: dict[Any, Any]) -> None:
    batcher = bot_data.pop("ballots", None)
    if isinstance(batcher, BallotBatcher):
        await batcher.stop()
