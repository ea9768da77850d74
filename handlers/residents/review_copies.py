"""What the review cards of join and ownership requests share: one copy per reviewer's chat
(a reviewer privately, or the staff chat), each in its reader's language, redrawn together
after a decision, and a reviewer that could not be reached recorded as such."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.communities.model import Community
from bot.config import Language
from bot.notices.cases import note_private_chat
from handlers.common import edit_text, language_of
from handlers.context import BotContext

log = logging.getLogger(__name__)

Draw = Callable[[Language], tuple[str, InlineKeyboardMarkup | None]]


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
