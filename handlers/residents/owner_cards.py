"""The review card of a request to be verified as owner, sent to the reviewers privately (or
the staff chat) as a join request's is (`join_cards.py`): one copy per reviewer's chat, each
stored (`ownership_cards`) and redrawn after the decision. The applicant's name and unit are
never shown to the whole group: when no reviewer can be reached, the group only hears that a
request waits and that reps should open /pending."""

from __future__ import annotations

from collections.abc import Awaitable

from telegram import InlineKeyboardMarkup

from bot.communities.model import Community
from bot.config import Language
from bot.outbox import OutboxEntry
from bot.residents.cases import attach_ownership_card, ownership_review_missed
from bot.residents.model import Ownership, OwnershipStatus
from bot.residents.ports import ResidentsUnitOfWork
from handlers.context import BotContext
from handlers.residents.render import owner_card
from handlers.residents.review_copies import Kind, Request, deliver_copy, redraw_copies


def _copies(uow: ResidentsUnitOfWork, ownership_id: int) -> Awaitable[list[tuple[int, int]]]:
    return uow.ownerships.cards(ownership_id)


OWNER_CARD = Kind(
    "owner card", "owner.waiting_in_group", attach_ownership_card, ownership_review_missed, _copies
)


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
        to = -1  # and, for an entry of old, the group told if it still waits unseen
    found = claim  # bound for the drawing below

    def draw(lang: Language) -> tuple[str, InlineKeyboardMarkup | None]:
        return owner_card(found, community, lang)

    pending = claim.status is OwnershipStatus.PENDING
    await deliver_copy(
        context, entry, OWNER_CARD, Request(claim.id, community, pending, cards, draw), to
    )


async def redraw_owner_cards(context: BotContext, claim: Ownership, community: Community) -> None:
    """Every reviewer's copy redrawn as the request stands."""
    async with context.services.uow() as uow:
        cards = await uow.ownerships.cards(claim.id)

    def draw(lang: Language) -> tuple[str, InlineKeyboardMarkup | None]:
        return owner_card(claim, community, lang)

    await redraw_copies(context, cards, community, draw, what=f"owner card {claim.id}")
