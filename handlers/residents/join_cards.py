"""Filing a join request and sending its review card to the reviewers, privately: the one
path for `/join <unit>` typed in the group or in private, and for the join buttons. The card
is written into the outbox with the request (`request_join`: one entry per reviewer, or one
for the staff chat) and sent by `deliver_join_card`, so a request never lacks its card. The
applicant's name and unit are never shown to the whole group: when no reviewer can be
reached, the group only hears that a request waits and that reps should open /pending."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.communities.model import Community
from bot.config import Language
from bot.i18n import t
from bot.outbox import OutboxEntry
from bot.residents.cases import attach_card, request_join, review_missed
from bot.residents.model import Membership, MembershipStatus, Relation
from handlers.common import actor_in, admins_of, edit_text, send_text
from handlers.context import BotContext
from handlers.outbox import Undeliverable
from handlers.residents.render import join_card
from handlers.residents.review_copies import note_reached, reader_language, redraw_copies

log = logging.getLogger(__name__)


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


async def deliver_join_card(context: BotContext, entry: OutboxEntry) -> None:
    """`Tell.JOIN_CARD` to one reviewer (`to`: their user id; 0: the staff chat), drawn as the
    request stands: redrawn where that chat has its copy; sent once while the request waits;
    never once it is decided or withdrawn. A reviewer the bot cannot write to is recorded as
    unreachable and skipped (`Undeliverable`); when every reviewer was missed, the group is
    told that a request waits, without who asked or for which unit."""
    membership_id = entry.intent.subject
    async with context.services.uow() as uow:
        membership = await uow.residents.get(membership_id)
        community = await uow.communities.get(membership.community_id) if membership else None
        cards = dict(await uow.residents.cards(membership_id)) if membership else {}
    if membership is None or community is None:
        return
    to = entry.intent.params.get("to")
    if not isinstance(to, int) or to < 0:  # nobody to review it (or an entry of old)
        if membership.status is MembershipStatus.PENDING and not cards:
            await _tell_group_waiting(context, community)
        return
    chat_id = community.staff_chat_id if to == 0 else to
    if chat_id is None:  # the staff chat was unset meanwhile
        await _tell_group_waiting(context, community)
        return
    text, keyboard = join_card(
        membership, community, await reader_language(context, chat_id, community)
    )
    if chat_id in cards:
        await edit_text(context, chat_id, cards[chat_id], text, reply_markup=keyboard)
        return
    if membership.status is not MembershipStatus.PENDING:
        return
    try:
        card: Message = await send_text(context, chat_id, text, reply_markup=keyboard)
    except (Forbidden, BadRequest) as exc:
        await _missed(context, entry, membership, community, chat_id, exc)
        raise Undeliverable(f"join card not delivered to {chat_id}: {exc}") from exc
    async with context.services.uow() as uow:
        await attach_card(uow, membership.id, card.chat_id, card.message_id)
    await note_reached(context, chat_id, reachable=True)


async def _missed(
    context: BotContext,
    entry: OutboxEntry,
    membership: Membership,
    community: Community,
    chat_id: int,
    exc: TelegramError,
) -> None:
    """Record the reviewer as missed (and a person as unreachable); the last one missed, with
    no copy delivered anywhere, tells the group."""
    log.info("join card %s not delivered to %s: %s", membership.id, chat_id, exc)
    await note_reached(context, chat_id, reachable=False)
    async with context.services.uow() as uow:
        missed = await review_missed(uow, membership.id, chat_id)
        cards = await uow.residents.cards(membership.id)
    total = entry.intent.params.get("of")
    if not cards and isinstance(total, int) and missed >= total:
        await _tell_group_waiting(context, community)


async def _tell_group_waiting(context: BotContext, community: Community) -> None:
    await send_text(context, community.chat_id, t(community.language, "join.waiting_in_group"))


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
