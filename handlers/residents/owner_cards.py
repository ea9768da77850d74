"""The review card of a request to be verified as owner, sent to the reviewers privately (or
the staff chat) as a join request's is (`join_cards.py`): one copy per reviewer's chat, each
stored (`ownership_cards`) and redrawn after the decision. The applicant's name and unit are
never shown to the whole group: when no reviewer can be reached, the group only hears that a
request waits and that reps should open /pending."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.communities.model import Community
from bot.config import Language
from bot.i18n import t
from bot.outbox import OutboxEntry
from bot.residents.cases import attach_ownership_card, ownership_review_missed
from bot.residents.model import Ownership, OwnershipStatus
from handlers.common import edit_text, send_text
from handlers.context import BotContext
from handlers.outbox import Undeliverable
from handlers.residents.render import owner_card
from handlers.residents.review_copies import note_reached, reader_language, redraw_copies

log = logging.getLogger(__name__)


async def deliver_owner_card(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.OWNER_CARD`, drawn as the request stands. `to` a user id (0: the staff chat):
    that reviewer's copy, redrawn where it exists, sent once while the request waits; a
    reviewer the bot cannot write to is recorded and skipped (`Undeliverable`), and when all
    were missed the group hears that a request waits (no name, no unit). `to` -1: nobody to
    review, the group is told. No `to` (a shared phone settled it): every copy redrawn."""
    ownership_id = entry.intent.subject
    async with context.services.uow() as uow:
        claim = await uow.ownerships.get(ownership_id)
        community = await uow.communities.get(claim.community_id) if claim else None
        cards = dict(await uow.ownerships.cards(ownership_id)) if claim else {}
    if claim is None or community is None:
        return
    to = entry.intent.params.get("to")
    if not isinstance(to, int):
        await redraw_owner_cards(context, claim, community)
        if claim.status is OwnershipStatus.PENDING and not cards:  # an entry of old
            await _tell_group_waiting(context, community)
        return
    if to < 0:
        if claim.status is OwnershipStatus.PENDING and not cards:
            await _tell_group_waiting(context, community)
        return
    chat_id = community.staff_chat_id if to == 0 else to
    if chat_id is None:  # the staff chat was unset meanwhile
        await _tell_group_waiting(context, community)
        return
    text, keyboard = owner_card(
        claim, community, await reader_language(context, chat_id, community)
    )
    if chat_id in cards:
        await edit_text(context, chat_id, cards[chat_id], text, reply_markup=keyboard)
        return
    if claim.status is not OwnershipStatus.PENDING:
        return
    try:
        card: Message = await send_text(context, chat_id, text, reply_markup=keyboard)
    except (Forbidden, BadRequest) as exc:
        await _missed(context, entry, claim, community, chat_id, exc)
        raise Undeliverable(f"owner card not delivered to {chat_id}: {exc}") from exc
    async with context.services.uow() as uow:
        await attach_ownership_card(uow, claim.id, card.chat_id, card.message_id)
    await note_reached(context, chat_id, reachable=True)


async def _missed(
    context: BotContext,
    entry: OutboxEntry,
    claim: Ownership,
    community: Community,
    chat_id: int,
    exc: TelegramError,
) -> None:
    log.info("owner card %s not delivered to %s: %s", claim.id, chat_id, exc)
    await note_reached(context, chat_id, reachable=False)
    async with context.services.uow() as uow:
        missed = await ownership_review_missed(uow, claim.id, chat_id)
        cards = await uow.ownerships.cards(claim.id)
    total = entry.intent.params.get("of")
    if not cards and isinstance(total, int) and missed >= total:
        await _tell_group_waiting(context, community)


async def _tell_group_waiting(context: BotContext, community: Community) -> None:
    await send_text(context, community.chat_id, t(community.language, "owner.waiting_in_group"))


async def redraw_owner_cards(context: BotContext, claim: Ownership, community: Community) -> None:
    """Every reviewer's copy redrawn as the request stands."""
    async with context.services.uow() as uow:
        cards = await uow.ownerships.cards(claim.id)

    def draw(lang: Language) -> tuple[str, InlineKeyboardMarkup | None]:
        return owner_card(claim, community, lang)

    await redraw_copies(context, cards, community, draw, what=f"owner card {claim.id}")
