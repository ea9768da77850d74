"""What the review cards of join and ownership requests share: one copy per reviewer's chat
(a reviewer privately, or the staff chat), each in its reader's language, delivered by
`deliver_copy` (routed by the outbox entry's `to`, redrawn where the chat has its copy, sent
once while the request waits), redrawn together after a decision, and a reviewer that could not
be reached recorded as such; when every reviewer was missed, the group only hears that a
request waits (no name, no unit)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.communities.model import Community
from bot.config import Language
from bot.i18n import t
from bot.notices.cases import note_private_chat
from bot.outbox import OutboxEntry
from bot.residents.ports import ResidentsUnitOfWork
from handlers.common import edit_text, language_of, send_text
from handlers.context import BotContext
from handlers.outbox import Undeliverable

log = logging.getLogger(__name__)

Draw = Callable[[Language], tuple[str, InlineKeyboardMarkup | None]]


@dataclass(frozen=True, slots=True)
class Kind:
    """How one kind of review card keeps its copies (use cases taking the request's id)."""

    name: str  # "join card", for the log
    waiting_key: str  # what the group hears when no reviewer could be reached
    attach: Callable[[ResidentsUnitOfWork, int, int, int], Awaitable[None]]  # id, chat, message
    record_miss: Callable[[ResidentsUnitOfWork, int, int], Awaitable[int]]  # id, chat → missed
    copies: Callable[[ResidentsUnitOfWork, int], Awaitable[list[tuple[int, int]]]]


@dataclass(frozen=True, slots=True)
class Request:
    """One request as its card is delivered: its id, community, whether it still waits, the
    copies it has (chat → message) and how to draw it."""

    id: int
    community: Community
    pending: bool
    cards: Mapping[int, int]
    draw: Draw


async def deliver_copy(
    context: BotContext, entry: OutboxEntry, kind: Kind, request: Request, to: int
) -> None:
    """The copy for `to` (a reviewer's user id; 0: the staff chat; below 0: nobody could
    review, so the group hears that a request waits, unless a copy reached someone). Redrawn
    where that chat has its copy, sent once while the request waits, never once it is decided.
    A chat the bot cannot write to is recorded as missed and skipped (`Undeliverable`)."""
    community = request.community
    if to < 0:
        if request.pending and not request.cards:
            await tell_group_waiting(context, community, kind)
        return
    chat_id = community.staff_chat_id if to == 0 else to
    if chat_id is None:  # the staff chat was unset meanwhile
        await tell_group_waiting(context, community, kind)
        return
    text, keyboard = request.draw(await reader_language(context, chat_id, community))
    if chat_id in request.cards:
        await edit_text(context, chat_id, request.cards[chat_id], text, reply_markup=keyboard)
        return
    if not request.pending:
        return
    try:
        card: Message = await send_text(context, chat_id, text, reply_markup=keyboard)
    except (Forbidden, BadRequest) as exc:
        await _missed(context, entry, kind, request, chat_id, exc)
        raise Undeliverable(f"{kind.name} not delivered to {chat_id}: {exc}") from exc
    async with context.services.uow() as uow:
        await kind.attach(uow, request.id, card.chat_id, card.message_id)
    await note_reached(context, chat_id, reachable=True)


async def _missed(
    context: BotContext,
    entry: OutboxEntry,
    kind: Kind,
    request: Request,
    chat_id: int,
    exc: TelegramError,
) -> None:
    """Record the reviewer as missed (and a person as unreachable); the last one missed, with
    no copy delivered anywhere, tells the group."""
    log.info("%s %s not delivered to %s: %s", kind.name, request.id, chat_id, exc)
    await note_reached(context, chat_id, reachable=False)
    async with context.services.uow() as uow:
        missed = await kind.record_miss(uow, request.id, chat_id)
        cards = await kind.copies(uow, request.id)
    total = entry.intent.params.get("of")
    if not cards and isinstance(total, int) and missed >= total:
        await tell_group_waiting(context, request.community, kind)


async def tell_group_waiting(context: BotContext, community: Community, kind: Kind) -> None:
    await send_text(context, community.chat_id, t(community.language, kind.waiting_key))


async def reader_language(context: BotContext, chat_id: int, community: Community) -> Language:
    """A reviewer reads in their language, the staff chat in the community's."""
    if chat_id > 0:
        return await language_of(context, chat_id, community.language)
    return community.language


async def note_reached(context: BotContext, chat_id: int, *, reachable: bool) -> None:
    """A person's private chat worked (or answered 403): what /unread and /progress count."""
    if chat_id > 0:
        async with context.services.uow() as uow:
            await note_private_chat(uow, chat_id, reachable=reachable, now=context.services.now())


async def redraw_copies(
    context: BotContext,
    copies: Sequence[tuple[int, int]],
    community: Community,
    draw: Draw,
    *,
    what: str,
) -> None:
    """Every copy redrawn as the request stands, each in its reader's language; a copy that
    is gone or blocked is skipped, a timeout or 5xx raised after the others were drawn (the
    outbox tries again: an edit repeats safely)."""
    retry: TelegramError | None = None
    for chat_id, message_id in copies:
        text, keyboard = draw(await reader_language(context, chat_id, community))
        try:
            await edit_text(context, chat_id, message_id, text, reply_markup=keyboard)
        except (Forbidden, BadRequest) as exc:
            log.info("%s in %s not redrawn: %s", what, chat_id, exc)
        except TelegramError as exc:
            retry = retry or exc
    if retry is not None:
        raise retry
