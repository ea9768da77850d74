"""Filing a join request and posting its review card in the community group: the one path
for `/join <unit>` typed in the group or in private, and for the join buttons. The card is
written into the outbox with the request (`request_join`) and posted by `deliver_join_card`,
so a request never lacks its card: reviewers always get the buttons."""

from __future__ import annotations

from bot.communities.model import Community
from bot.outbox import OutboxEntry
from bot.residents.cases import attach_card, request_join
from bot.residents.model import Membership, MembershipStatus, Relation
from handlers.common import actor_in, edit_text, send_text
from handlers.context import BotContext
from handlers.residents.render import join_card


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
        )
    context.services.wake_outbox()
    return membership


async def deliver_join_card(context: BotContext, entry: OutboxEntry) -> None:
    """The request's review card, drawn as the request stands: redrawn where it was posted
    (after a decision: the outcome, without buttons); posted once while the request waits;
    never posted once it is decided or withdrawn (nothing left to review)."""
    membership_id = entry.intent.subject
    async with context.services.uow() as uow:
        membership = await uow.residents.get(membership_id)
        community = await uow.communities.get(membership.community_id) if membership else None
        posted = await uow.residents.card(membership_id)
    if membership is None or community is None:
        return
    text, keyboard = join_card(membership, community)
    if posted is not None:
        await edit_text(context, posted[0], posted[1], text, reply_markup=keyboard)
        return
    if membership.status is not MembershipStatus.PENDING:
        return
    reply_to = entry.intent.params.get("reply_to")
    card = await send_text(
        context,
        community.chat_id,
        text,
        reply_markup=keyboard,
        reply_to_message_id=reply_to if isinstance(reply_to, int) else None,
        allow_sending_without_reply=True,  # the request stands if its message was deleted
    )
    async with context.services.uow() as uow:
        await attach_card(uow, membership.id, card.chat_id, card.message_id)
