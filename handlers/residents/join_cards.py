"""Filing a join request and sending its review card to the reviewers, privately: the one
path for `/join <unit>` typed in the group or in private, and for the join buttons. The card
is written into the outbox with the request (`request_join`: one entry per reviewer, or one
for the staff chat) and sent by `deliver_join_card`, so a request never lacks its card. The
applicant's name and unit are never shown to the whole group: when no reviewer can be
reached, the group only hears that a request waits and that reps should open /pending."""

from __future__ import annotations

from collections.abc import Awaitable

from telegram import InlineKeyboardMarkup

from bot.communities.model import Community
from bot.config import Language
from bot.outbox import OutboxEntry
from bot.residents.cases import attach_card, request_join, review_missed
from bot.residents.model import Membership, MembershipStatus, Relation
from bot.residents.ports import ResidentsUnitOfWork
from handlers.common import actor_in, admins_of
from handlers.context import BotContext
from handlers.residents.render import join_card
from handlers.residents.review_copies import Kind, Request, deliver_copy, redraw_copies


async def submit_join_request(
    context: BotContext,
    community: Community,
    *,
    user_id: int,
    user_name: str,
    unit_code: str,
    relation: Relation,
    reply_to_message_id: int | None = None,
) -> Membership:
    applicant = await actor_in(context, community, user_id)  # a reviewer here: admins told
    # the group's Telegram administrators review when no rep or stored admin does
    chat_admins = await admins_of(context, community) if community.staff_chat_id is None else []
    async with context.services.uow() as uow:
        membership = await request_join(
            uow,
            community=community,
            user_id=user_id,
            user_name=user_name,
            unit_code=unit_code,
            relation=relation,
            now=context.services.now(),
            reply_to=reply_to_message_id,
            applicant=applicant,
            chat_admins=chat_admins,
        )
    context.services.wake_outbox()
    return membership


def _copies(uow: ResidentsUnitOfWork, membership_id: int) -> Awaitable[list[tuple[int, int]]]:
    return uow.residents.cards(membership_id)


JOIN_CARD = Kind("join card", "join.waiting_in_group", attach_card, review_missed, _copies)


async def deliver_join_card(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.JOIN_CARD` to one reviewer (`to`: their user id; 0: the staff chat), drawn as the
    request stands: redrawn where that chat has its copy; sent once while the request waits;
    never once it is decided or withdrawn. A reviewer the bot cannot write to is recorded as
    unreachable and skipped (`Undeliverable`); when every reviewer was missed, the group is
    told that a request waits, without who asked or for which unit (`review_copies`)."""
    membership_id = entry.intent.subject
    async with context.services.uow() as uow:
        membership = await uow.residents.get(membership_id)
        community = await uow.communities.get(membership.community_id) if membership else None
        cards = dict(await uow.residents.cards(membership_id)) if membership else {}
    if membership is None or community is None:
        return
    to = entry.intent.params.get("to")
    found = membership  # bound for the drawing below

    def draw(lang: Language) -> tuple[str, InlineKeyboardMarkup | None]:
        return join_card(found, community, lang)

    pending = membership.status is MembershipStatus.PENDING
    request = Request(membership.id, community, pending, cards, draw)
    # no `to` (an entry of old) or below 0: nobody to review it
    await deliver_copy(context, entry, JOIN_CARD, request, to if isinstance(to, int) else -1)


async def redraw_join_cards(
    context: BotContext,
    membership: Membership,
    community: Community,
    *,
    reason: str | None = None,
    note: str | None = None,
) -> None:
    """Every reviewer's copy of the card redrawn as the request stands ("approved by Rep
    Bob")."""
    async with context.services.uow() as uow:
        cards = await uow.residents.cards(membership.id)

    def draw(lang: Language) -> tuple[str, InlineKeyboardMarkup | None]:
        return join_card(membership, community, lang, reason=reason, note=note)

    await redraw_copies(context, cards, community, draw, what=f"join card {membership.id}")
